"""The preview document: keys, order, and how amounts, quantities and nulls are written."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from autobill.core.billing import preview
from autobill.core.report import preview_document
from fixtures.factories import (
    arinvoice,
    arinvoice_item,
    contract,
    contract_line,
    customer,
    dataset,
    employee,
    exchange_rate,
    item,
    project,
    task,
    tax_detail,
    tax_map,
    timesheet_entry,
    usage,
)

if TYPE_CHECKING:
    from autobill.core.dataset import Dataset

NOV_30 = date(2026, 11, 30)
NEGATIVE_ZERO = re.compile(r'"-0(\.0+)?"')


def _dims(location: str | None = None) -> dict[str, Any]:
    return {"LOCATIONID": location, "DEPARTMENTID": None, "CLASSID": None, "PROJECTID": None}


# The example of preview.md, keys in its order, without the exception's free-text message.
EXAMPLE: dict[str, Any] = {
    "format": "autobill-preview/1",
    "as_of": "2026-11-30",
    "invoices": [
        {
            "customer_id": "C-100",
            "contract_id": "CN-100",
            "project_id": None,
            "invoice_date": "2026-11-16",
            "due_date": "2026-12-16",
            "currency": "USD",
            "exchange_rate": None,
            "lines": [
                {
                    "kind": "credit",
                    "source": "CONTRACTDETAIL:CN-100:1",
                    "item_id": "SUB-BASIC",
                    "description": "Basic plan, unused 16 Nov 2026 - 30 Nov 2026",
                    "quantity": "1",
                    "unit_price": "-150.00",
                    "amount": "-150.00",
                    "period_start": "2026-11-16",
                    "period_end": "2026-11-30",
                    "gl_account": "4000",
                    "dimensions": _dims("US"),
                    "taxes": [{"detail_id": "NY-8.875", "amount": "-13.31"}],
                    "base_amount": None,
                },
                {
                    "kind": "recurring",
                    "source": "CONTRACTDETAIL:CN-100:2",
                    "item_id": "SUB-PRO",
                    "description": "Pro plan, 16 Nov 2026 - 30 Nov 2026",
                    "quantity": "1",
                    "unit_price": "300.00",
                    "amount": "300.00",
                    "period_start": "2026-11-16",
                    "period_end": "2026-11-30",
                    "gl_account": "4000",
                    "dimensions": _dims("US"),
                    "taxes": [{"detail_id": "NY-8.875", "amount": "26.63"}],
                    "base_amount": None,
                },
            ],
            "subtotal": "150.00",
            "tax_total": "13.32",
            "total": "163.32",
            "base_total": None,
            "flags": [],
        }
    ],
    "revenue": [
        {
            "source": "CONTRACTDETAIL:CN-100:1",
            "template": "Daily rate",
            "allocated": "150.00",
            "schedule": [{"month": "2026-11", "amount": "150.00"}],
            "recognised_to_date": "150.00",
        },
        {
            "source": "CONTRACTDETAIL:CN-100:2",
            "template": "Daily rate",
            "allocated": "900.00",
            "schedule": [
                {"month": "2026-11", "amount": "293.48"},
                {"month": "2026-12", "amount": "606.52"},
            ],
            "recognised_to_date": "293.48",
        },
    ],
    "exceptions": [{"kind": "over_cap", "source": "TIMESHEETENTRY:812"}],
}


def _upgrade_example() -> Dataset:
    """The records of ../shared/spec/examples/upgrade.yaml, built with the factories."""
    saas = {
        "taxable": True,
        "taxgroup": "SAAS",
        "glaccount": "4000",
        "revrectemplate": "Daily rate",
    }
    return dataset(
        taxdetails=[tax_detail(detailid="NY-8.875", value="8.875")],
        taxschedulemaps=[
            tax_map(contacttaxgroup="NY", itemtaxgroup="SAAS", taxdetails=["NY-8.875"])
        ],
        customers=[
            customer(customerid="C-100", taxable=True, taxgroup="NY", locationid="US"),
        ],
        items=[
            item(itemid="SUB-BASIC", name="Basic plan", **saas),
            item(itemid="SUB-PRO", name="Pro plan", **saas),
            item(itemid="CONSULT", name="Consulting", glaccount="4100"),
        ],
        employees=[employee(employeeid="E-7", billingrate="150.00")],
        contracts=[
            contract(
                contractid="CN-100",
                customerid="C-100",
                begindate="2026-11-01",
                enddate="2026-12-31",
            )
        ],
        contractlines=[
            contract_line(
                contractid="CN-100",
                lineno=1,
                itemid="SUB-BASIC",
                flatamount="300.00",
                enddate="2026-11-15",
            ),
            contract_line(
                contractid="CN-100",
                lineno=2,
                itemid="SUB-PRO",
                flatamount="600.00",
                begindate="2026-11-16",
            ),
        ],
        projects=[project(projectid="P-7", customerid="C-100", poamount="10000.00")],
        tasks=[task(taskid="T-7", projectid="P-7", itemid="CONSULT")],
        timesheetentries=[
            timesheet_entry(
                recordno=812,
                employeeid="E-7",
                projectid="P-7",
                taskid="T-7",
                entrydate="2026-11-20",
                qty="2",
            )
        ],
        arinvoices=[
            arinvoice(
                recordno=7001,
                customerid="C-100",
                whencreated="2026-10-31",
                state="Paid",
                projectid="P-7",
                arinvoiceitems=[arinvoice_item(amount="9800.00", projectid="P-7")],
            )
        ],
    )


def _key_order(value: object) -> object:
    """The nested key order of a document (lists of keys, recursively)."""
    if isinstance(value, dict):
        return [(key, _key_order(inner)) for key, inner in value.items()]
    if isinstance(value, list):
        return [_key_order(inner) for inner in value]
    return None


def test_document_reproduces_the_preview_md_example() -> None:
    """The upgrade example gives preview.md's document, value for value and key for key."""
    # given
    data = _upgrade_example()
    # when
    document = preview_document(preview(data, as_of=NOV_30, start=date(2026, 11, 16)))
    # then: messages are free text, so only their presence is checked
    messages = [exception.pop("message") for exception in document["exceptions"]]
    assert document == EXAMPLE
    assert _key_order(document) == _key_order(EXAMPLE)
    assert all(isinstance(m, str) and m for m in messages)


def test_exception_keys_are_kind_source_message() -> None:
    """Each exception is written as kind, source and message, in that order."""
    # given
    data = _upgrade_example()
    # when
    document = preview_document(preview(data, as_of=NOV_30, start=date(2026, 11, 16)))
    # then
    assert [list(e) for e in document["exceptions"]] == [["kind", "source", "message"]]


def _foreign(currency: str, flat: str, rate: str) -> Dataset:
    """A line of ``flat`` a month from 17 Jan (15/31), in ``currency``, taxed 8.875%."""
    return dataset(
        customers=[customer(taxable=True, taxgroup="CG", currency=currency)],
        items=[item(taxable=True, taxgroup="IG")],
        taxdetails=[tax_detail()],
        taxschedulemaps=[tax_map()],
        exchangerates=[exchange_rate(fromcurrency=currency, rate=rate)],
        contracts=[contract(enddate="2026-01-31")],
        contractlines=[
            contract_line(flatamount=flat, begindate="2026-01-17"),
            contract_line(lineno=2, billingmethod="Quantity based", price="1"),
        ],
    )


@pytest.mark.parametrize(
    ("_case", "currency", "flat", "rate", "expected"),
    [
        (
            "JPY has no decimals",
            "JPY",
            "10000",
            "0.0067",
            {
                "line": ("4839", "4839", "429", "32.42"),
                "totals": ("4839", "429", "5268", "35.29"),
                "revenue": ("4839", "4839", "0", "0"),
            },
        ),
        (
            "KWD has three",
            "KWD",
            "100.000",
            "3.25",
            {
                "line": ("48.387", "48.387", "4.294", "157.26"),
                "totals": ("48.387", "4.294", "52.681", "171.22"),
                "revenue": ("48.387", "48.387", "0.000", "0.000"),
            },
        ),
    ],
)
def test_amounts_are_written_with_the_currencys_places(
    _case: str, currency: str, flat: str, rate: str, expected: dict[str, tuple[str, ...]]
) -> None:
    """Amounts have exactly their currency's decimals; base amounts those of BASECURR."""
    # given
    data = _foreign(currency, flat, rate)
    # when
    document = preview_document(preview(data, as_of=date(2026, 1, 31)))
    # then
    invoice = document["invoices"][0]
    line = invoice["lines"][0]
    revenue = document["revenue"]
    assert (
        line["unit_price"],
        line["amount"],
        line["taxes"][0]["amount"],
        line["base_amount"],
    ) == (expected["line"])
    totals = ("subtotal", "tax_total", "total", "base_total")
    assert tuple(invoice[key] for key in totals) == expected["totals"]
    assert (
        revenue[0]["allocated"],
        revenue[0]["schedule"][0]["amount"],
        revenue[1]["allocated"],
        revenue[1]["recognised_to_date"],
    ) == expected["revenue"]
    assert (invoice["exchange_rate"], revenue[1]["schedule"]) == (rate, [])


def test_zero_amounts_are_never_written_negative() -> None:
    """A credit, tax or total that rounds to zero is written "0.00", not "-0.00"."""
    # given: 0.10 and 0.00 a month, both cancelled on 15 Nov, taxed 8.875%
    data = dataset(
        customers=[customer(taxable=True, taxgroup="CG")],
        items=[item(taxable=True, taxgroup="IG")],
        taxdetails=[tax_detail()],
        taxschedulemaps=[tax_map()],
        contracts=[contract(begindate="2026-11-01", enddate="2026-12-31")],
        contractlines=[
            contract_line(lineno=1, flatamount="0.10", enddate="2026-11-15"),
            contract_line(lineno=2, flatamount="0.00", enddate="2026-11-15"),
        ],
    )
    # when
    document = preview_document(preview(data, as_of=NOV_30))
    # then: the credits are -0.05 (taxed -0.0044375) and a negative zero (taxed zero)
    credit_invoice = document["invoices"][1]
    assert [
        (ln["unit_price"], ln["amount"], [t["amount"] for t in ln["taxes"]])
        for ln in credit_invoice["lines"]
    ] == [("-0.05", "-0.05", ["0.00"]), ("0.00", "0.00", ["0.00"])]
    assert (credit_invoice["subtotal"], credit_invoice["tax_total"], credit_invoice["total"]) == (
        "-0.05",
        "0.00",
        "-0.05",
    )
    assert credit_invoice["flags"] == ["credit_balance"]
    assert not NEGATIVE_ZERO.search(json.dumps(document))


def test_quantities_rates_and_prices_are_exact_decimals_without_exponent() -> None:
    """Quantities, unit prices of usage and time, and exchange rates are plain exact decimals."""
    # given: 1E+3 units at 0.0125; 0.25 h + 0.5 h at 150.5; EUR at 0.00000067 (6.7E-7) USD
    data = dataset(
        customers=[customer(currency="EUR")],
        exchangerates=[exchange_rate(rate="0.00000067")],
        contracts=[contract(enddate="2026-01-31")],
        contractlines=[contract_line(billingmethod="Quantity based", price="0.0125")],
        contractusage=[usage(quantity=Decimal("1E+3"))],
        employees=[employee(billingrate="150.5")],
        timesheetentries=[
            timesheet_entry(recordno=1, qty="0.25"),
            timesheet_entry(recordno=2, qty="0.5"),
        ],
        projects=[project(currency="USD")],
    )
    # when
    document = preview_document(preview(data, as_of=date(2026, 1, 31)))
    # then: 1000 x 0.0125 = 12.50; 0.75 x 150.5 = 112.875
    time_invoice, usage_invoice = document["invoices"]  # a null contract_id sorts first
    usage_line = usage_invoice["lines"][0]
    time_line = time_invoice["lines"][0]
    assert (usage_line["quantity"], usage_line["unit_price"], usage_line["amount"]) == (
        "1000",
        "0.0125",
        "12.50",
    )
    assert (usage_invoice["exchange_rate"], usage_line["base_amount"]) == ("0.00000067", "0.00")
    assert (time_line["quantity"], time_line["unit_price"], time_line["amount"]) == (
        "0.75",
        "150.5",
        "112.88",
    )


def test_keys_without_a_value_are_present_as_null() -> None:
    """Every key is written; those that do not apply hold null."""
    # given: a one-time line in the base currency, of an item without a GL account
    data = dataset(
        items=[item(name="Onboarding setup", glaccount=None)],
        contracts=[contract(enddate="2026-01-31")],
        contractlines=[contract_line(billingoptions="One-time", flatamount="250.00")],
    )
    # when
    document = preview_document(preview(data, as_of=date(2026, 1, 31)))
    # then
    invoice = document["invoices"][0]
    assert invoice["lines"] == [
        {
            "kind": "one_time",
            "source": "CONTRACTDETAIL:CN-1:1",
            "item_id": "I-1",
            "description": "Onboarding setup (one-time)",
            "quantity": "1",
            "unit_price": "250.00",
            "amount": "250.00",
            "period_start": None,
            "period_end": None,
            "gl_account": None,
            "dimensions": _dims(),
            "taxes": [],
            "base_amount": None,
        }
    ]
    assert [invoice[k] for k in ("project_id", "exchange_rate", "base_total")] == [None] * 3
    assert (invoice["tax_total"], document["exceptions"]) == ("0.00", [])
