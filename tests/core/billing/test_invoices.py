"""Invoices: grouping, line order, dimensions, tax, base currency, totals and flags (billing 6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from autobill.core.billing import Invoice, Preview, preview
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
    template,
    template_entry,
    term,
    timesheet_entry,
    usage,
)
from fixtures.views import billed, exceptions, only_invoice

if TYPE_CHECKING:
    from autobill.core.dataset import Dataset
    from autobill.core.records import ExchangeRate

END_2026 = date(2026, 12, 31)


def _keys(result: Preview) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (
            inv.key.invoice_date.isoformat(),
            inv.key.customer_id,
            inv.key.contract_id,
            inv.key.project_id,
        )
        for inv in result.invoices
    ]


def _upgrade(**contract_fields: object) -> dict[str, Any]:
    """The spec's upgrade: 300.00 a month to 15 Nov, then 600.00 a month, as dataset records."""
    return {
        "contracts": [contract(begindate="2026-11-01", enddate="2026-12-31", **contract_fields)],
        "contractlines": [
            contract_line(lineno=1, flatamount="300.00", enddate="2026-11-15"),
            contract_line(lineno=2, flatamount="600.00", begindate="2026-11-16"),
        ],
    }


def test_lines_of_one_customer_contract_and_date_form_one_invoice() -> None:
    """Each (customer, contract, date) gets its own invoice, ordered by date, customer, contract."""
    # given: C-1 has CN-1 (two lines) and CN-2; C-2 has CN-0; all bill on 1 Jan and 1 Feb
    data = dataset(
        customers=[customer(), customer(customerid="C-2", name="Customer Two")],
        contracts=[
            contract(contractid="CN-2", enddate="2026-02-28"),
            contract(contractid="CN-1", enddate="2026-02-28"),
            contract(contractid="CN-0", customerid="C-2", enddate="2026-02-28"),
        ],
        contractlines=[
            contract_line(contractid="CN-1", lineno=1, flatamount="100.00"),
            contract_line(contractid="CN-1", lineno=2, flatamount="50.00"),
            contract_line(contractid="CN-2", lineno=1, flatamount="70.00"),
            contract_line(contractid="CN-0", lineno=1, flatamount="10.00"),
        ],
    )
    # when
    result = preview(data, as_of=END_2026)
    # then
    assert _keys(result) == [
        ("2026-01-01", "C-1", "CN-1", None),
        ("2026-01-01", "C-1", "CN-2", None),
        ("2026-01-01", "C-2", "CN-0", None),
        ("2026-02-01", "C-1", "CN-1", None),
        ("2026-02-01", "C-1", "CN-2", None),
        ("2026-02-01", "C-2", "CN-0", None),
    ]
    assert [str(inv.subtotal) for inv in result.invoices] == [
        "150.00", "70.00", "10.00", "150.00", "70.00", "10.00",
    ]  # fmt: skip


def test_invoice_order_puts_a_missing_contract_or_project_first() -> None:
    """Invoices sort by (date, customer, contract, project), a null id before any id."""
    # given: on 31 Jan, C-1 has a contract invoice and a project invoice; C-2 a contract one
    data = dataset(
        customers=[customer(), customer(customerid="C-2", name="Customer Two")],
        contracts=[
            contract(contractid="CN-1", billinarrears=True, enddate="2026-01-31"),
            contract(contractid="CN-0", customerid="C-2", billinarrears=True, enddate="2026-01-31"),
        ],
        contractlines=[
            contract_line(contractid="CN-1", flatamount="1.00"),
            contract_line(contractid="CN-0", flatamount="1.00"),
        ],
        expenseitems=[expense()],
    )
    # when
    result = preview(data, as_of=date(2026, 1, 31))
    # then
    assert _keys(result) == [
        ("2026-01-31", "C-1", None, "P-1"),
        ("2026-01-31", "C-1", "CN-1", None),
        ("2026-01-31", "C-2", "CN-0", None),
    ]


def test_project_with_contract_bills_on_the_contracts_invoice() -> None:
    """Project lines join their contract's invoice: contract_id set, project_id null, its term."""
    # given: CN-1 bills 100.00 in arrears on 30 Nov, on Net 15; P-1 (Net 60) bills under CN-1
    data = dataset(
        arterms=[term(), term(name="Net 15", duedays=15), term(name="Net 60", duedays=60)],
        contracts=[
            contract(
                begindate="2026-11-01", enddate="2026-12-31", billinarrears=True, termname="Net 15"
            )
        ],
        contractlines=[contract_line(flatamount="100.00")],
        projects=[project(contractid="CN-1", termname="Net 60")],
        employees=[employee(billingrate="100.00")],
        timesheetentries=[timesheet_entry(entrydate="2026-11-10", qty="2")],
        expenseitems=[expense(entrydate="2026-11-12", trx_amount="25.00")],
    )
    # when
    result = preview(data, as_of=date(2026, 11, 30))
    # then
    invoice = only_invoice(result)
    assert (invoice.key.contract_id, invoice.key.project_id) == ("CN-1", None)
    assert invoice.due_date == date(2026, 12, 15)
    assert billed(result) == [
        ("2026-11-30", "recurring", "CONTRACTDETAIL:CN-1:1", "100.00"),
        ("2026-11-30", "time", "TIMESHEETENTRY:1", "200.00"),
        ("2026-11-30", "expense", "EEXPENSESITEM:1", "25.00"),
    ]
    assert [ln.charge.dimensions.projectid for ln in invoice.lines] == [None, "P-1", "P-1"]


def test_project_with_contract_gets_a_contract_invoice_even_if_the_contract_bills_nothing() -> None:
    """A project under a contract bills on a contract invoice in the contract's currency."""
    # given: CN-1, in EUR on Net 15, bills on 1 Nov only; P-1 bills on 30 Nov
    data = dataset(
        arterms=[term(), term(name="Net 15", duedays=15)],
        contracts=[
            contract(
                begindate="2026-11-01", enddate="2026-11-30", termname="Net 15", currency="EUR"
            )
        ],
        contractlines=[contract_line(flatamount="100.00")],
        projects=[project(contractid="CN-1")],
        exchangerates=[exchange_rate(ratedate="2026-11-01", rate="1.10")],
        expenseitems=[expense(entrydate="2026-11-12", trx_amount="25.00")],
    )
    # when
    result = preview(data, as_of=date(2026, 11, 30))
    # then
    last = result.invoices[-1]
    assert _keys(result) == [
        ("2026-11-01", "C-1", "CN-1", None),
        ("2026-11-30", "C-1", "CN-1", None),
    ]
    assert (last.key.currency, last.due_date, str(last.base_total)) == (
        "EUR",
        date(2026, 12, 15),
        "27.50",
    )


def test_line_order_within_an_invoice() -> None:
    """Contract lines by LINENO (charge, then minimum), time by (task, employee), expenses."""
    # given: everything below bills on 31 Jan 2026 on CN-1's invoice
    data = dataset(
        contracts=[contract()],
        contractlines=[
            contract_line(lineno=10, billingtemplatename="MS", flatamount="100.00"),
            contract_line(lineno=2, flatamount="310.00", enddate="2026-01-30"),
            contract_line(lineno=1, flatamount="310.00", begindate="2026-01-31"),
            contract_line(
                lineno=3, billingmethod="Quantity based", price="1.00", minimumamount="25.00"
            ),
            contract_line(
                lineno=4, billingoptions="One-time", flatamount="5.00", begindate="2026-01-31"
            ),
        ],
        billingtemplates=[
            template(
                entries=[
                    template_entry(taskid="T-B", percent="60"),
                    template_entry(taskid="T-A", percent="40"),
                ]
            )
        ],
        contractusage=[usage(lineno=3, usagedate="2026-01-10", quantity="10")],
        projects=[project(contractid="CN-1"), project(projectid="P-2", contractid="CN-1")],
        tasks=[
            task(taskid="T-A", taskstatus="Completed", actualenddate="2026-01-31"),
            task(taskid="T-B", taskstatus="Completed", actualenddate="2026-01-31"),
            task(taskid="T-1"),
        ],
        employees=[
            employee(billingrate="100.00"),
            employee(employeeid="E-2", billingrate="50.00"),
        ],
        timesheetentries=[
            timesheet_entry(recordno=1, employeeid="E-2", taskid="T-1"),
            timesheet_entry(recordno=2, taskid="T-1"),
            timesheet_entry(recordno=8, projectid="P-2", qty="2"),
            timesheet_entry(recordno=3),
        ],
        expenseitems=[
            expense(recordno=5, entrydate="2026-01-20", trx_amount="5.00", projectid="P-2"),
            expense(recordno=3, entrydate="2026-01-20", trx_amount="3.00"),
            expense(recordno=7, entrydate="2026-01-05", trx_amount="1.00"),
        ],
    )
    # when
    result = preview(data, as_of=date(2026, 1, 31), start=date(2026, 1, 31))
    # then: 310 x 1/31 = 10.00 charged and credited; usage 10.00 below a 25.00 minimum
    assert billed(result) == [
        ("2026-01-31", "recurring", "CONTRACTDETAIL:CN-1:1", "10.00"),
        ("2026-01-31", "credit", "CONTRACTDETAIL:CN-1:2", "-10.00"),
        ("2026-01-31", "usage", "CONTRACTDETAIL:CN-1:3", "10.00"),
        ("2026-01-31", "minimum", "CONTRACTDETAIL:CN-1:3", "15.00"),
        ("2026-01-31", "one_time", "CONTRACTDETAIL:CN-1:4", "5.00"),
        ("2026-01-31", "milestone", "CONTRACTDETAIL:CN-1:10", "60.00"),
        ("2026-01-31", "milestone", "CONTRACTDETAIL:CN-1:10", "40.00"),
        ("2026-01-31", "time", "TIMESHEETENTRY:3", "100.00"),
        ("2026-01-31", "time", "TIMESHEETENTRY:8", "200.00"),
        ("2026-01-31", "time", "TIMESHEETENTRY:2", "100.00"),
        ("2026-01-31", "time", "TIMESHEETENTRY:1", "50.00"),
        ("2026-01-31", "expense", "EEXPENSESITEM:7", "1.00"),
        ("2026-01-31", "expense", "EEXPENSESITEM:3", "3.00"),
        ("2026-01-31", "expense", "EEXPENSESITEM:5", "5.00"),
    ]
    assert str(only_invoice(result).subtotal) == "589.00"


@pytest.mark.parametrize(
    ("_case", "line", "contract_dims", "expected"),
    [
        (
            "the line's",
            {"locationid": "L-LINE", "departmentid": "D-LINE", "classid": "C-LINE"},
            {"locationid": "L-CON", "departmentid": "D-CON", "classid": "C-CON"},
            ("L-LINE", "D-LINE", "C-LINE", None),
        ),
        (
            "else the contract's",
            {},
            {"locationid": "L-CON", "departmentid": "D-CON", "classid": "C-CON"},
            ("L-CON", "D-CON", "C-CON", None),
        ),
        ("else the customer's LOCATIONID only", {}, {}, ("L-CUST", None, None, None)),
        (
            "each dimension on its own",
            {"departmentid": "D-LINE", "projectid": "P-1"},
            {"classid": "C-CON"},
            ("L-CUST", "D-LINE", "C-CON", "P-1"),
        ),
    ],
)
def test_contract_line_dimensions_fall_back_to_contract_then_customer(
    _case: str,
    line: dict[str, Any],
    contract_dims: dict[str, Any],
    expected: tuple[str | None, ...],
) -> None:
    """LOCATIONID, DEPARTMENTID, CLASSID: line, else contract, else (location) customer."""
    # given: the customer sits in L-CUST
    data = dataset(
        customers=[customer(locationid="L-CUST")],
        contracts=[contract(enddate="2026-01-31", **contract_dims)],
        contractlines=[contract_line(flatamount="1.00", **line)],
        projects=[project()],
    )
    # when
    result = preview(data, as_of=END_2026)
    # then
    dims = only_invoice(result).lines[0].charge.dimensions
    assert (dims.locationid, dims.departmentid, dims.classid, dims.projectid) == expected


@pytest.mark.parametrize(
    ("_case", "project_dims", "expected"),
    [
        (
            "the project's",
            {"locationid": "L-PRJ", "departmentid": "D-PRJ", "classid": "C-PRJ"},
            ("L-PRJ", "D-PRJ", "C-PRJ", "P-1"),
        ),
        ("else the customer's LOCATIONID only", {}, ("L-CUST", None, None, "P-1")),
    ],
)
def test_project_line_dimensions_fall_back_to_the_customer(
    _case: str, project_dims: dict[str, Any], expected: tuple[str | None, ...]
) -> None:
    """Time and expense lines take the project's dimensions, else the customer's location."""
    # given
    data = dataset(
        customers=[customer(locationid="L-CUST")],
        projects=[project(**project_dims)],
        expenseitems=[expense()],
    )
    # when
    result = preview(data, as_of=date(2026, 1, 31))
    # then
    dims = only_invoice(result).lines[0].charge.dimensions
    assert (dims.locationid, dims.departmentid, dims.classid, dims.projectid) == expected


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


def test_negative_total_is_produced_and_flagged_credit_balance() -> None:
    """A downgrade whose credit exceeds the new charge gives a credit_balance invoice."""
    # given: 600.00 to 15 Nov, then 200.00
    data = dataset(
        contracts=[contract(begindate="2026-11-01", enddate="2026-12-31")],
        contractlines=[
            contract_line(lineno=1, flatamount="600.00", enddate="2026-11-15"),
            contract_line(lineno=2, flatamount="200.00", begindate="2026-11-16"),
        ],
    )
    # when
    result = preview(data, as_of=date(2026, 11, 30), start=date(2026, 11, 16))
    # then: a credit of 300.00 against a charge of 100.00
    invoice = only_invoice(result)
    assert (str(invoice.total), invoice.flags) == ("-200.00", ("credit_balance",))


@pytest.mark.parametrize(
    ("_case", "old_taxed", "old", "new", "expected"),
    [
        # credit -150.00 taxed -15.00, charge +150.00 untaxed
        (
            "lines net to zero, tax negative",
            True,
            "300.00",
            "300.00",
            ("-15.00", ("credit_balance",)),
        ),
        # credit -10.00 untaxed, charge +9.50 taxed +0.95
        ("lines negative, tax outweighs", False, "20.00", "19.00", ("0.45", ())),
    ],
)
def test_credit_balance_looks_at_the_total_after_tax(
    _case: str, old_taxed: object, old: str, new: str, expected: tuple[str, tuple[str, ...]]
) -> None:
    """The credit_balance flag follows the sign of the total after tax, not of the subtotal."""
    # given: the old line's item I-1 and the new line's item I-2, one of them taxed 10%
    data = dataset(
        customers=[customer(taxable=True, taxgroup="CG")],
        items=[
            item(taxable=old_taxed, taxgroup="IG"),
            item(itemid="I-2", taxable=not old_taxed, taxgroup="IG"),
        ],
        taxdetails=[tax_detail(value="10")],
        taxschedulemaps=[tax_map()],
        contracts=[contract(begindate="2026-11-01", enddate="2026-12-31")],
        contractlines=[
            contract_line(lineno=1, flatamount=old, enddate="2026-11-15"),
            contract_line(lineno=2, itemid="I-2", flatamount=new, begindate="2026-11-16"),
        ],
    )
    # when
    result = preview(data, as_of=date(2026, 11, 30), start=date(2026, 11, 16))
    # then
    invoice = only_invoice(result)
    assert (str(invoice.total), invoice.flags) == expected


def test_zero_invoice_is_still_produced_without_flags() -> None:
    """An invoice whose lines sum to zero is produced, and zero is not a credit balance."""
    # given: 300.00 to 15 Nov, then 300.00 too: -150.00 + 150.00
    data = dataset(
        contracts=[contract(begindate="2026-11-01", enddate="2026-12-31")],
        contractlines=[
            contract_line(lineno=1, flatamount="300.00", enddate="2026-11-15"),
            contract_line(lineno=2, flatamount="300.00", begindate="2026-11-16"),
        ],
    )
    # when
    result = preview(data, as_of=date(2026, 11, 30), start=date(2026, 11, 16))
    # then
    invoice = only_invoice(result)
    assert (len(invoice.lines), str(invoice.total), invoice.flags) == (2, "0.00", ())


def test_invoice_due_date_follows_the_contracts_term() -> None:
    """A contract invoice is due DUEDAYS of the contract's TERMNAME after its date."""
    # given: the customer is on Net 30, the contract on Net 45
    data = dataset(
        arterms=[term(), term(name="Net 45", duedays=45)],
        contracts=[contract(termname="Net 45", enddate="2026-01-31")],
        contractlines=[contract_line(flatamount="1.00")],
    )
    # when
    result = preview(data, as_of=END_2026)
    # then
    assert only_invoice(result).due_date == date(2026, 2, 15)


def test_exceptions_are_ordered_by_kind_then_source_and_reported_once() -> None:
    """Exceptions sort by (kind, source) as text and each (kind, source) appears once."""
    # given: a monthly line without tax map (twice in the window), two entries without rate,
    # an undated milestone, and a one-time line without tax map billed before the window
    data = dataset(
        customers=[customer(taxable=True, taxgroup="CG")],
        items=[item(taxable=True, taxgroup="NONE")],
        projects=[project()],
        tasks=[task(taskstatus="Completed")],
        billingtemplates=[template(entries=[template_entry()])],
        contracts=[contract(contractid="CN-1"), contract(contractid="CN-2")],
        contractlines=[
            contract_line(contractid="CN-1", lineno=2, billingtemplatename="MS", flatamount="1"),
            contract_line(contractid="CN-2", lineno=1, flatamount="1.00"),
            contract_line(
                contractid="CN-2",
                lineno=3,
                billingoptions="One-time",
                flatamount="1.00",
                begindate="2026-01-15",
            ),
        ],
        timesheetentries=[
            timesheet_entry(recordno=9, entrydate="2026-02-10"),
            timesheet_entry(recordno=10, entrydate="2026-03-10"),
        ],
    )
    # when
    result = preview(data, as_of=date(2026, 3, 31), start=date(2026, 2, 1))
    # then
    assert exceptions(result) == [
        ("milestone_without_date", "CONTRACTDETAIL:CN-1:2"),
        ("missing_rate", "TIMESHEETENTRY:10"),
        ("missing_rate", "TIMESHEETENTRY:9"),
        ("missing_tax_map", "CONTRACTDETAIL:CN-2:1"),
    ]
