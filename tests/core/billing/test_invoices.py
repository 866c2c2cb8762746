"""Invoices: grouping, line order, dimensions, totals, flags and due dates (billing 6)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from autobill.core.billing import Preview, preview
from fixtures.factories import (
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
