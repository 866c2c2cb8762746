"""Invoices: tax through tax schedule maps, base-currency amounts and rounding (billing 6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from autobill.core.billing import Invoice, preview
from fixtures.factories import (
    company,
    contract,
    contract_line,
    customer,
    dataset,
    employee,
    exchange_rate,
    expense,
    item,
    project,
    task,
    tax_detail,
    tax_map,
    timesheet_entry,
)
from fixtures.views import billed, exceptions, only_invoice

if TYPE_CHECKING:
    from autobill.core.dataset import Dataset
    from autobill.core.records import ExchangeRate

END_2026 = date(2026, 12, 31)


def _upgrade(**contract_fields: object) -> dict[str, Any]:
    """The spec's upgrade: 300.00 a month to 15 Nov, then 600.00 a month, as dataset records."""
    return {
        "contracts": [contract(begindate="2026-11-01", enddate="2026-12-31", **contract_fields)],
        "contractlines": [
            contract_line(lineno=1, flatamount="300.00", enddate="2026-11-15"),
            contract_line(lineno=2, flatamount="600.00", begindate="2026-11-16"),
        ],
    }


def _taxed(**records: object) -> Dataset:
    """The upgrade for tax groups CA (customer) and SAAS (items): STATE 6.25%, then CITY 2.5%."""
    defaults: dict[str, Any] = {
        "customers": [customer(taxable=True, taxgroup="CA")],
        "items": [item(taxable=True, taxgroup="SAAS")],
        "taxdetails": [
            tax_detail(detailid="CITY", value="2.5"),
            tax_detail(detailid="STATE", value="6.25"),
        ],
        "taxschedulemaps": [
            tax_map(contacttaxgroup="CA", itemtaxgroup="SAAS", taxdetails=["STATE", "CITY"])
        ],
        **_upgrade(),
    }
    return dataset(**{**defaults, **records})


def _taxes(invoice: Invoice) -> list[list[tuple[str, str]]]:
    return [[(t.detail_id, str(t.amount)) for t in ln.taxes] for ln in invoice.lines]


def test_tax_details_in_map_order_and_negative_for_credits() -> None:
    """Each tax detail of the map, in its order, taxes round(amount x VALUE/100), credits too."""
    # given
    data = _taxed()
    # when
    result = preview(data, as_of=date(2026, 11, 30), start=date(2026, 11, 16))
    # then: -150 x 6.25% = -9.375 rounds away from zero
    invoice = only_invoice(result)
    assert _taxes(invoice) == [
        [("STATE", "-9.38"), ("CITY", "-3.75")],
        [("STATE", "18.75"), ("CITY", "7.50")],
    ]
    assert (str(invoice.subtotal), str(invoice.tax_total), str(invoice.total)) == (
        "150.00",
        "13.12",
        "163.12",
    )


@pytest.mark.parametrize(
    ("_case", "customer_taxable", "item_taxable"),
    [("customer not taxable", False, True), ("item not taxable", True, False)],
)
def test_no_tax_unless_customer_and_item_are_taxable(
    _case: str, customer_taxable: object, item_taxable: object
) -> None:
    """A line is taxed only when both its customer and its item are TAXABLE."""
    # given
    data = _taxed(
        customers=[customer(taxable=customer_taxable, taxgroup="CA")],
        items=[item(taxable=item_taxable, taxgroup="SAAS")],
    )
    # when
    result = preview(data, as_of=date(2026, 11, 30), start=date(2026, 11, 16))
    # then
    invoice = only_invoice(result)
    assert (_taxes(invoice), invoice.tax_total) == ([[], []], 0)


def test_missing_tax_map_withholds_only_that_invoice() -> None:
    """A taxable line without a map row withholds its invoice; other invoices are produced."""
    # given: CN-2's line 1 item (group OTHER) has no map; its line 2 is untaxed and one-time
    data = dataset(
        customers=[customer(taxable=True, taxgroup="CG")],
        items=[
            item(taxable=True, taxgroup="IG"),
            item(itemid="I-2", taxable=True, taxgroup="OTHER"),
            item(itemid="I-3"),
        ],
        taxdetails=[tax_detail(value="10")],
        taxschedulemaps=[tax_map()],
        contracts=[
            contract(contractid="CN-1", enddate="2026-02-28"),
            contract(contractid="CN-2", enddate="2026-02-28"),
        ],
        contractlines=[
            contract_line(contractid="CN-1", flatamount="100.00"),
            contract_line(contractid="CN-2", lineno=1, itemid="I-2", flatamount="100.00"),
            contract_line(
                contractid="CN-2",
                lineno=2,
                itemid="I-3",
                billingoptions="One-time",
                flatamount="40.00",
                begindate="2026-01-15",
            ),
            contract_line(contractid="CN-2", lineno=3, itemid="I-3", flatamount="7.00"),
        ],
    )
    # when
    result = preview(data, as_of=END_2026)
    # then: CN-2's 1 Jan and 1 Feb invoices (lines 1 and 3) are withheld, its 15 Jan one is not
    assert billed(result) == [
        ("2026-01-01", "recurring", "CONTRACTDETAIL:CN-1:1", "100.00"),
        ("2026-01-15", "one_time", "CONTRACTDETAIL:CN-2:2", "40.00"),
        ("2026-02-01", "recurring", "CONTRACTDETAIL:CN-1:1", "100.00"),
    ]
    assert [inv.tax_total for inv in result.invoices] == [Decimal("10.00"), 0, Decimal("10.00")]
    assert exceptions(result) == [("missing_tax_map", "CONTRACTDETAIL:CN-2:1")]


def _eur(rates: list[ExchangeRate], **records: object) -> Dataset:
    """The taxed upgrade (8.875%) contracted in EUR, with the given exchange rates."""
    defaults: dict[str, Any] = {
        "customers": [customer(taxable=True, taxgroup="CG")],
        "items": [item(taxable=True, taxgroup="IG")],
        "taxdetails": [tax_detail()],
        "taxschedulemaps": [tax_map()],
        "exchangerates": rates,
        **_upgrade(currency="EUR"),
    }
    return dataset(**{**defaults, **records})


def test_base_amounts_use_the_latest_rate_on_or_before_the_invoice_date() -> None:
    """Each line and tax amount is converted at the latest EUR->USD rate and rounded apart."""
    # given: rates from 1 Oct, 1 Nov and 17 Nov; an inverse and a cross rate that must not be used
    data = _eur(
        [
            exchange_rate(ratedate="2026-11-17", rate="1.2"),
            exchange_rate(ratedate="2026-10-01", rate="1.05"),
            exchange_rate(ratedate="2026-11-01", rate="1.0837"),
            exchange_rate(fromcurrency="USD", tocurrency="EUR", ratedate="2026-11-16", rate="2"),
            exchange_rate(tocurrency="GBP", ratedate="2026-11-16", rate="3"),
        ]
    )
    # when
    result = preview(data, as_of=END_2026)
    # then
    base = [
        (
            str(inv.exchange_rate),
            [str(ln.base_amount) for ln in inv.lines],
            [str(t.base_amount) for ln in inv.lines for t in ln.taxes],
            str(inv.base_total),
        )
        for inv in result.invoices
    ]
    assert base == [
        # 300 x 1.0837 = 325.11; tax 26.63 x 1.0837 = 28.858..
        ("1.0837", ["325.11"], ["28.86"], "353.97"),
        # -150 x 1.0837 = -162.555; tax -13.31 x 1.0837 = -14.424..
        ("1.0837", ["-162.56", "325.11"], ["-14.42", "28.86"], "176.99"),
        # 600 x 1.2; tax 53.25 x 1.2
        ("1.2", ["720.00"], ["63.90"], "783.90"),
    ]


@pytest.mark.parametrize(
    ("_case", "rates"),
    [
        ("no rate at all", []),
        ("only the inverse rate", [exchange_rate(fromcurrency="USD", tocurrency="EUR")]),
        ("only a rate dated after the invoice", [exchange_rate(ratedate="2026-12-02")]),
    ],
)
def test_missing_exchange_rate_withholds_the_invoice_and_skips_its_tax_check(
    _case: str, rates: list[ExchangeRate]
) -> None:
    """Without a usable rate the invoice is withheld; its missing tax map is not reported."""
    # given: the items' tax group has no map either
    data = _eur(rates, items=[item(taxable=True, taxgroup="NONE")])
    # when
    result = preview(data, as_of=date(2026, 11, 30))
    # then
    assert result.invoices == ()
    assert exceptions(result) == [("missing_exchange_rate", "CONTRACT:CN-1")]


def test_missing_tax_map_on_a_project_line_names_the_entries() -> None:
    """A taxable time line without a map row withholds its invoice and names its entries."""
    # given
    data = dataset(
        customers=[customer(taxable=True, taxgroup="CG")],
        items=[item(taxable=True, taxgroup="NONE")],
        employees=[employee(billingrate="100.00")],
        tasks=[task(itemid="I-1")],
        timesheetentries=[
            timesheet_entry(recordno=4, taskid="T-1"),
            timesheet_entry(recordno=3, taskid="T-1"),
        ],
        expenseitems=[expense()],
    )
    # when
    result = preview(data, as_of=date(2026, 1, 31))
    # then: the untaxed expense shares the withheld invoice
    assert result.invoices == ()
    assert exceptions(result) == [("missing_tax_map", "TIMESHEETENTRY:3,4")]


def test_missing_exchange_rate_of_a_project_invoice_names_the_project() -> None:
    """A withheld project invoice is reported as ``PROJECT:<PROJECTID>``."""
    # given
    data = dataset(projects=[project(currency="GBP")], expenseitems=[expense()])
    # when
    result = preview(data, as_of=date(2026, 1, 31))
    # then
    assert exceptions(result) == [("missing_exchange_rate", "PROJECT:P-1")]


@pytest.mark.parametrize(
    ("_case", "currency", "flat", "rate", "expected"),
    [
        # 10000 x 15/31 = 4838.70..; tax 429.43..; base 32.4213, 2.8743
        ("JPY, 0 places", "JPY", "10000", "0.0067", ("4839", "429", "32.42", "2.87", "35.29")),
        # 100 x 15/31 = 48.387096..; tax 4.294346..; base 157.25775, 13.9555
        (
            "KWD, 3 places",
            "KWD",
            "100.000",
            "3.25",
            ("48.387", "4.294", "157.26", "13.96", "171.22"),
        ),
    ],
)
def test_amounts_round_to_the_currencys_places(
    _case: str, currency: str, flat: str, rate: str, expected: tuple[str, ...]
) -> None:
    """Line, tax and base amounts round to their own currency's ISO 4217 minor unit."""
    # given: the line starts 17 Jan (15 of 31 days), taxed 8.875%
    data = dataset(
        customers=[customer(taxable=True, taxgroup="CG", currency=currency)],
        items=[item(taxable=True, taxgroup="IG")],
        taxdetails=[tax_detail()],
        taxschedulemaps=[tax_map()],
        exchangerates=[exchange_rate(fromcurrency=currency, rate=rate)],
        contracts=[contract(enddate="2026-01-31")],
        contractlines=[contract_line(flatamount=flat, begindate="2026-01-17")],
    )
    # when
    result = preview(data, as_of=END_2026)
    # then
    invoice = only_invoice(result)
    line = invoice.lines[0]
    tax = line.taxes[0]
    assert invoice.key.currency == currency
    actual = (line.charge.amount, tax.amount, line.base_amount, tax.base_amount, invoice.base_total)
    assert tuple(str(v) for v in actual) == expected


def test_base_amounts_round_to_a_zero_place_base_currency() -> None:
    """With BASECURR JPY, base amounts have no decimals."""
    # given: a USD contract in a JPY company; 100.00 x 15/31 = 48.39, x 149.5 = 7234.305
    data = dataset(
        company=company(basecurr="JPY"),
        customers=[customer(currency="USD")],
        exchangerates=[exchange_rate(fromcurrency="USD", tocurrency="JPY", rate="149.5")],
        contracts=[contract(enddate="2026-01-31")],
        contractlines=[contract_line(flatamount="100.00", begindate="2026-01-17")],
    )
    # when
    result = preview(data, as_of=END_2026)
    # then
    invoice = only_invoice(result)
    assert (str(invoice.lines[0].base_amount), str(invoice.base_total)) == ("7234", "7234")
