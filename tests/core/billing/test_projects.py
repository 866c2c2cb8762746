"""Project billing: time, expenses, eligibility, month ends and not-to-exceed caps (billing 5)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from autobill.core.billing import preview
from fixtures.factories import (
    arinvoice,
    arinvoice_item,
    customer,
    dataset,
    employee,
    exchange_rate,
    expense,
    item,
    project,
    resource,
    task,
    term,
    timesheet_entry,
)
from fixtures.views import billed, exceptions, only_invoice

if TYPE_CHECKING:
    from autobill.core.dataset import Dataset
    from autobill.core.records import ExpenseItem, TimesheetEntry

NOV_END = date(2026, 11, 30)
DEC_END = date(2026, 12, 31)
RATED = employee(billingrate="100.00")


def _time(recordno: int, on: str, qty: str, **overrides: object) -> TimesheetEntry:
    return timesheet_entry(recordno=recordno, entrydate=on, qty=qty, **overrides)


@pytest.mark.parametrize(
    ("_case", "task_rate", "pricing", "project_rate", "resource_rate", "expected"),
    [
        ("task first", "200.00", "Project rate", "180.00", "160.00", ("200.00", "400.00")),
        ("project, Project rate", None, "Project rate", "180.00", "160.00", ("180.00", "360.00")),
        (
            "not project, Employee rate",
            None,
            "Employee rate",
            "180",
            "160.00",
            ("160.00", "320.00"),
        ),
        ("then resource", None, "Project rate", None, "160.00", ("160.00", "320.00")),
        ("then employee", None, "Employee rate", None, None, ("150.00", "300.00")),
    ],
)
def test_rate_priority(
    _case: str,
    task_rate: str | None,
    pricing: str,
    project_rate: str | None,
    resource_rate: str | None,
    expected: tuple[str, str],
) -> None:
    """The rate is the first found: task, project (Project rate), resource, employee."""
    # given: 2 hours on task T-1; the employee's own rate is 150.00
    data = dataset(
        projects=[project(billingpricing=pricing, billingrate=project_rate)],
        tasks=[task(billingrate=task_rate)],
        projectresources=[resource(billingrate=resource_rate)],
        employees=[employee(billingrate="150.00")],
        timesheetentries=[_time(1, "2026-11-10", "2", taskid="T-1")],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then
    line = only_invoice(result).lines[0].charge
    assert (str(line.unit_price), str(line.amount)) == expected


def test_entry_without_rate_is_a_missing_rate_exception_taken_once() -> None:
    """An entry with no rate is not billed, is reported, and is not taken at later month ends."""
    # given: E-1 has no rate anywhere
    data = dataset(timesheetentries=[_time(7, "2026-11-10", "2")])
    # when: two month ends
    result = preview(data, as_of=DEC_END)
    # then
    assert result.invoices == ()
    assert exceptions(result) == [("missing_rate", "TIMESHEETENTRY:7")]


def test_time_is_grouped_by_task_employee_rate_and_item() -> None:
    """One time line per (task, employee, rate, item): Σ QTY, amount = round(Σ QTY x rate)."""
    # given: E-1 rates 133.33, E-2 90.00; T-1 bills item I-1, T-2 at 120.00
    data = dataset(
        employees=[employee(billingrate="133.33"), employee(employeeid="E-2", billingrate="90")],
        tasks=[task(taskid="T-1", itemid="I-1"), task(taskid="T-2", billingrate="120.00")],
        items=[item(), item(itemid="I-2", name="Overtime")],
        timesheetentries=[
            _time(10, "2026-11-03", "0.25", taskid="T-1"),
            _time(9, "2026-11-04", "0.25", taskid="T-1"),
            _time(2, "2026-11-05", "0.25", taskid="T-1"),
            _time(4, "2026-11-05", "1", taskid="T-1", employeeid="E-2"),
            _time(5, "2026-11-05", "1", taskid="T-2"),
            _time(3, "2026-11-05", "1", taskid="T-1", itemid="I-2"),
            _time(6, "2026-11-06", "2"),
        ],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then: 0.75 x 133.33 = 99.9975 (each quarter hour alone would be 33.33)
    lines = [ln.charge for ln in only_invoice(result).lines]
    assert [(c.source, c.item_id, str(c.quantity), str(c.amount)) for c in lines] == [
        ("TIMESHEETENTRY:6", None, "2", "266.66"),
        ("TIMESHEETENTRY:2,9,10", "I-1", "0.75", "100.00"),
        ("TIMESHEETENTRY:3", "I-2", "1", "133.33"),
        ("TIMESHEETENTRY:4", "I-1", "1", "90.00"),
        ("TIMESHEETENTRY:5", None, "1", "120.00"),
    ]


def test_time_item_falls_back_from_entry_to_task_to_resource() -> None:
    """A time line's item is the entry's ITEMID, else its task's, else the resource's ITEMID."""
    # given
    data = dataset(
        employees=[RATED],
        items=[item(itemid="I-E"), item(itemid="I-T"), item(itemid="I-R")],
        tasks=[task(taskid="T-1", itemid="I-T"), task(taskid="T-2")],
        projectresources=[resource(itemid="I-R")],
        timesheetentries=[
            _time(1, "2026-11-02", "1", taskid="T-1", itemid="I-E"),
            _time(2, "2026-11-02", "1", taskid="T-1"),
            _time(3, "2026-11-02", "1", taskid="T-2"),
        ],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then
    lines = [ln.charge for ln in only_invoice(result).lines]
    assert [(c.source, c.item_id) for c in lines] == [
        ("TIMESHEETENTRY:1", "I-E"),
        ("TIMESHEETENTRY:2", "I-T"),
        ("TIMESHEETENTRY:3", "I-R"),
    ]


@pytest.mark.parametrize(
    ("_case", "entry", "task_fields"),
    [
        ("not approved", {"state": "Submitted"}, {}),
        ("without a state", {"state": None}, {}),
        ("not billable", {"billable": False}, {}),
        ("already billed", {"billed": True}, {}),
        ("its task is not billable", {}, {"billable": False}),
    ],
)
def test_ineligible_entries_are_ignored_without_exception(
    _case: str, entry: dict[str, Any], task_fields: dict[str, Any]
) -> None:
    """Unapproved, unbillable or billed entries, or those of an unbillable task, are ignored."""
    # given: a time entry and an expense, both on T-1; E-1 has no rate
    data = dataset(
        tasks=[task(**task_fields)],
        timesheetentries=[_time(1, "2026-11-10", "2", taskid="T-1", **entry)],
        expenseitems=[expense(entrydate="2026-11-10", taskid="T-1", **entry)],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then: not even missing_rate
    assert (result.invoices, result.exceptions) == ((), ())


def test_without_from_each_month_end_takes_its_own_entries() -> None:
    """Each month end up to as-of bills the eligible entries dated up to it and not yet taken."""
    # given: work on 20 Oct, 10 Nov and 5 Dec; as-of mid December
    data = dataset(
        employees=[RATED],
        timesheetentries=[
            _time(1, "2026-10-20", "1"),
            _time(2, "2026-11-10", "2"),
            _time(3, "2026-12-05", "4"),
        ],
    )
    # when
    result = preview(data, as_of=date(2026, 12, 15))
    # then: 31 Dec is after as-of
    assert billed(result) == [
        ("2026-10-31", "time", "TIMESHEETENTRY:1", "100.00"),
        ("2026-11-30", "time", "TIMESHEETENTRY:2", "200.00"),
    ]
    assert [inv.key.project_id for inv in result.invoices] == ["P-1", "P-1"]


@pytest.mark.parametrize("start", [date(2026, 12, 1), date(2026, 12, 31)])
def test_with_from_the_first_month_end_catches_late_entries(start: date) -> None:
    """With --from, the first month end on or after it also takes entries dated before it."""
    # given: late-approved work from October and November
    data = dataset(
        employees=[RATED],
        timesheetentries=[_time(1, "2026-10-20", "1"), _time(2, "2026-11-10", "2")],
        expenseitems=[expense(entrydate="2026-10-05", trx_amount="12.50")],
    )
    # when
    result = preview(data, as_of=DEC_END, start=start)
    # then
    assert billed(result) == [
        ("2026-12-31", "time", "TIMESHEETENTRY:1,2", "300.00"),
        ("2026-12-31", "expense", "EEXPENSESITEM:1", "12.50"),
    ]


def test_fixed_fee_project_bills_nothing() -> None:
    """A ``Fixed Fee`` project bills neither time nor expenses, and raises nothing."""
    # given: an entry without a rate too
    data = dataset(
        projects=[project(billingtype="Fixed Fee")],
        timesheetentries=[_time(1, "2026-11-10", "2")],
        expenseitems=[expense(entrydate="2026-11-10")],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then
    assert (result.invoices, result.exceptions) == ((), ())


def test_fixed_fee_and_expenses_project_bills_only_expenses() -> None:
    """A ``Fixed Fee & Expenses`` project bills its expenses; its time is ignored."""
    # given: the time entry has no rate, which would otherwise be an exception
    data = dataset(
        projects=[project(billingtype="Fixed Fee & Expenses")],
        timesheetentries=[_time(1, "2026-11-10", "2")],
        expenseitems=[expense(entrydate="2026-11-10", trx_amount="45.00")],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then
    assert billed(result) == [("2026-11-30", "expense", "EEXPENSESITEM:1", "45.00")]
    assert result.exceptions == ()


@pytest.mark.parametrize(
    ("_case", "pricing", "rate", "expected"),
    [
        ("cost", "Cost", "15", "33.33"),
        ("markup", "Markup", "15", "38.33"),
        ("markup without a rate", "Markup", None, "33.33"),
    ],
)
def test_expense_pricing(_case: str, pricing: str, rate: str | None, expected: str) -> None:
    """An expense bills TRX_AMOUNT, x (1 + EXPENSERATE/100) with Markup, rounded."""
    # given: 33.33 spent; 33.33 x 1.15 = 38.3295
    data = dataset(
        projects=[project(expensepricing=pricing, expenserate=rate)],
        expenseitems=[expense(entrydate="2026-11-10", trx_amount="33.33")],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then
    assert billed(result) == [("2026-11-30", "expense", "EEXPENSESITEM:1", expected)]
    assert str(only_invoice(result).lines[0].charge.unit_price) == expected


def test_expense_item_is_its_own_else_its_tasks() -> None:
    """An expense line's item is its ITEMID, else its task's."""
    # given
    data = dataset(
        items=[item(itemid="I-X"), item(itemid="I-T")],
        tasks=[task(itemid="I-T")],
        expenseitems=[
            expense(recordno=1, entrydate="2026-11-10", taskid="T-1", itemid="I-X"),
            expense(recordno=2, entrydate="2026-11-10", taskid="T-1"),
            expense(recordno=3, entrydate="2026-11-10"),
        ],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then
    lines = [ln.charge for ln in only_invoice(result).lines]
    assert [(c.source, c.item_id) for c in lines] == [
        ("EEXPENSESITEM:1", "I-X"),
        ("EEXPENSESITEM:2", "I-T"),
        ("EEXPENSESITEM:3", None),
    ]


def _capped(
    overmax: str, *entries: TimesheetEntry | ExpenseItem, history: list[str] | None = None
) -> Dataset:
    """P-1 capped at 1000.00, 600.00 posted, E-1 at 100.00 an hour; other invoices don't count.

    Posted invoice 2 is P-2's; invoice 3 has no PROJECTID, only a line naming P-1.
    """
    posted = history if history is not None else ["400.00", "200.00"]
    times = [e for e in entries if hasattr(e, "qty")]
    costs = [e for e in entries if not hasattr(e, "qty")]
    return dataset(
        projects=[
            project(poamount="1000.00", billingovermax=overmax),
            project(projectid="P-2", billingtype="Fixed Fee"),
        ],
        employees=[RATED],
        arinvoices=[
            arinvoice(
                recordno=1,
                projectid="P-1",
                arinvoiceitems=[arinvoice_item(amount=a) for a in posted],
            ),
            arinvoice(recordno=2, projectid="P-2", arinvoiceitems=[arinvoice_item(amount="5000")]),
            arinvoice(recordno=3, arinvoiceitems=[arinvoice_item(amount="5000", projectid="P-1")]),
        ],
        timesheetentries=times,
        expenseitems=costs,
    )


def test_prevent_billing_withholds_the_first_passing_entry_and_every_later_one() -> None:
    """Past the cap, the first entry and all later ones, at later month ends too, are withheld."""
    # given: 600.00 posted; 200.00 fits (800.00), 300.00 would pass; 100.00 after it would fit
    data = _capped(
        "Prevent billing",
        _time(1, "2026-11-02", "2"),
        _time(2, "2026-11-03", "3"),
        _time(3, "2026-11-04", "1"),
        expense(entrydate="2026-12-05", trx_amount="10.00"),
    )
    # when
    result = preview(data, as_of=DEC_END)
    # then
    assert billed(result) == [("2026-11-30", "time", "TIMESHEETENTRY:1", "200.00")]
    assert only_invoice(result).flags == ()
    assert exceptions(result) == [
        ("over_cap", "EEXPENSESITEM:1"),
        ("over_cap", "TIMESHEETENTRY:2"),
        ("over_cap", "TIMESHEETENTRY:3"),
    ]


def test_reaching_the_cap_exactly_does_not_pass_it() -> None:
    """Billing up to exactly POAMOUNT is allowed."""
    # given: 800.00 posted, 200.00 new
    data = _capped("Prevent billing", _time(1, "2026-11-02", "2"), history=["800.00"])
    # when
    result = preview(data, as_of=NOV_END)
    # then
    assert billed(result) == [("2026-11-30", "time", "TIMESHEETENTRY:1", "200.00")]
    assert result.exceptions == ()


def test_cap_values_each_entry_on_its_own() -> None:
    """The cap counts round(QTY x rate) per entry, not the grouped line's amount."""
    # given: cap 100.00; three quarter hours at 133.33 are 33.33 each, 99.99 in all
    data = dataset(
        projects=[project(poamount="100.00")],
        employees=[employee(billingrate="133.33")],
        timesheetentries=[_time(n, "2026-11-02", "0.25") for n in (1, 2, 3)],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then: the line itself rounds 99.9975 to 100.00
    assert billed(result) == [("2026-11-30", "time", "TIMESHEETENTRY:1,2,3", "100.00")]
    assert result.exceptions == ()


def test_missing_rate_entry_does_not_count_toward_the_cap() -> None:
    """An entry without a rate is neither billed nor counted against POAMOUNT."""
    # given: cap 100.00; E-2 (no rate) logs 5 h first, then E-1 logs 1 h at 100.00
    data = dataset(
        projects=[project(poamount="100.00")],
        employees=[RATED, employee(employeeid="E-2")],
        timesheetentries=[
            _time(1, "2026-11-02", "5", employeeid="E-2"),
            _time(2, "2026-11-03", "1"),
        ],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then
    assert billed(result) == [("2026-11-30", "time", "TIMESHEETENTRY:2", "100.00")]
    assert exceptions(result) == [("missing_rate", "TIMESHEETENTRY:1")]


@pytest.mark.parametrize(
    ("_case", "time_entry", "kept", "withheld"),
    [
        ("by date, not kind", _time(5, "2026-11-03", "1"), "TIMESHEETENTRY:5", "EEXPENSESITEM:1"),
        ("time first on a tie", _time(1, "2026-11-10", "1"), "TIMESHEETENTRY:1", "EEXPENSESITEM:1"),
        ("an earlier expense", _time(1, "2026-11-11", "1"), "EEXPENSESITEM:1", "TIMESHEETENTRY:1"),
    ],
)
def test_cap_checks_entries_by_date_then_record_number_time_first(
    _case: str, time_entry: TimesheetEntry, kept: str, withheld: str
) -> None:
    """Entries are checked in (ENTRYDATE, RECORDNO) order, time before expense on a tie."""
    # given: cap 150.00; a 100.00 expense (RECORDNO 1) on 10 Nov and 100.00 of time
    data = dataset(
        projects=[project(poamount="150.00")],
        employees=[RATED],
        timesheetentries=[time_entry],
        expenseitems=[expense(recordno=1, entrydate="2026-11-10", trx_amount="100.00")],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then: the first checked is billed, the second passes the cap
    assert [source for _, _, source, _ in billed(result)] == [kept]
    assert exceptions(result) == [("over_cap", withheld)]


def test_cap_checks_same_day_time_by_record_number() -> None:
    """On one day, the entry with the lower RECORDNO is checked first."""
    # given: cap 150.00, two 100.00 entries, RECORDNO 2 listed first
    data = dataset(
        projects=[project(poamount="150.00")],
        employees=[RATED],
        timesheetentries=[_time(2, "2026-11-10", "1"), _time(1, "2026-11-10", "1")],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then
    assert billed(result) == [("2026-11-30", "time", "TIMESHEETENTRY:1", "100.00")]
    assert exceptions(result) == [("over_cap", "TIMESHEETENTRY:2")]


def test_entries_of_a_withheld_invoice_still_count_toward_the_cap() -> None:
    """Entries billed on an invoice withheld for want of an exchange rate still count."""
    # given: a EUR project capped at 1000.00; EUR->USD only from 1 Dec
    data = dataset(
        projects=[project(currency="EUR", poamount="1000.00")],
        employees=[RATED],
        exchangerates=[exchange_rate(ratedate="2026-12-01", rate="1.10")],
        timesheetentries=[
            _time(1, "2026-11-02", "8"),
            _time(2, "2026-12-02", "2"),
            _time(3, "2026-12-03", "1"),
        ],
    )
    # when
    result = preview(data, as_of=DEC_END)
    # then: 800.00 (withheld) + 200.00 reaches the cap; the next 100.00 passes it
    assert billed(result) == [("2026-12-31", "time", "TIMESHEETENTRY:2", "200.00")]
    assert only_invoice(result).lines[0].base_amount == 220
    assert exceptions(result) == [
        ("missing_exchange_rate", "PROJECT:P-1"),
        ("over_cap", "TIMESHEETENTRY:3"),
    ]


def test_bill_and_flag_bills_past_the_cap_and_flags_those_invoices() -> None:
    """With ``Bill and flag`` all is billed; each month end's invoice past the cap is flagged."""
    # given: 600.00 posted; Oct 100.00 (700.00); Nov 200.00 (900.00) + 300.00 (1200.00); Dec 10.00
    data = _capped(
        "Bill and flag",
        _time(4, "2026-10-05", "1"),
        _time(1, "2026-11-02", "2"),
        _time(2, "2026-11-03", "3"),
        expense(entrydate="2026-12-05", trx_amount="10.00"),
    )
    # when
    result = preview(data, as_of=DEC_END)
    # then
    assert billed(result) == [
        ("2026-10-31", "time", "TIMESHEETENTRY:4", "100.00"),
        ("2026-11-30", "time", "TIMESHEETENTRY:1,2", "500.00"),
        ("2026-12-31", "expense", "EEXPENSESITEM:1", "10.00"),
    ]
    assert [inv.flags for inv in result.invoices] == [(), ("over_cap",), ("over_cap",)]
    assert result.exceptions == ()


@pytest.mark.parametrize(
    ("_case", "project_term", "due"),
    [
        ("the project's term", "Net 15", date(2026, 12, 15)),
        ("else the customer's", None, date(2027, 1, 14)),
    ],
)
def test_project_invoice_due_date(_case: str, project_term: str | None, due: date) -> None:
    """A project invoice is due after its project's TERMNAME, else its customer's."""
    # given: the customer pays on Net 45
    data = dataset(
        arterms=[term(), term(name="Net 15", duedays=15), term(name="Net 45", duedays=45)],
        customers=[customer(termname="Net 45")],
        projects=[project(termname=project_term)],
        expenseitems=[expense(entrydate="2026-11-10")],
    )
    # when
    result = preview(data, as_of=NOV_END)
    # then
    assert only_invoice(result).due_date == due
