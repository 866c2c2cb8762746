"""Project billing: time, expenses and not-to-exceed caps at month ends (billing-semantics 5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from autobill.core.billing.describe import describe
from autobill.core.billing.model import APPROVED, BillingException, Charge, Dimensions, InvoiceKey
from autobill.core.calendar import month_end
from autobill.core.money import EXACT, Currency, exact_product, percent_of, round_half_up

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date

    from autobill.core.dataset import Dataset
    from autobill.core.records import ExpenseItem, Project, ProjectResource, TimesheetEntry

TIME_AND_MATERIAL: Final = "Time & Material"
FIXED_FEE_AND_EXPENSES: Final = "Fixed Fee & Expenses"


@dataclass(frozen=True, slots=True)
class ProjectBilling:
    """What a project bills in a preview: charges, exceptions and the month ends over its cap."""

    charges: tuple[Charge, ...] = ()
    exceptions: tuple[BillingException, ...] = ()
    over_cap: frozenset[InvoiceKey] = frozenset()


@dataclass(frozen=True, slots=True)
class _Priced:
    entry: TimesheetEntry | ExpenseItem
    rate: Decimal | None  # None for an expense
    item_id: str | None
    value: Decimal  # the entry's own rounded amount, as the cap counts it


@dataclass(slots=True)
class _Cap:
    """The running not-to-exceed count of one project."""

    limit: Decimal | None
    prevent: bool
    billed: Decimal
    withholding: bool = False
    found: list[BillingException] = field(default_factory=list)

    def admit(self, priced: _Priced, project_id: str) -> tuple[bool, bool]:
        """Count an entry; return (billed, passed the cap)."""
        if self.limit is None:
            return True, False
        passes = self.withholding or self.billed + priced.value > self.limit
        if passes and self.prevent:
            self.withholding = True
            message = f"would pass POAMOUNT {self.limit} of {project_id}"
            self.found.append(BillingException("over_cap", priced.entry.source, message))
            return False, True
        self.billed += priced.value
        return True, passes


def bill_project(
    data: Dataset, project: Project, month_ends: list[date], first_month_end: date | None
) -> ProjectBilling:
    """Bill a project's eligible entries at each month end of the preview.

    Args:
        data: the company's records.
        project: the project to bill.
        month_ends: the month ends of the preview, in order.
        first_month_end: the first month end with ``--from`` (it takes earlier entries too).

    Returns:
        The project's charges, exceptions and the invoices to flag ``over_cap``.
    """
    if not month_ends or project.billingtype not in (TIME_AND_MATERIAL, FIXED_FEE_AND_EXPENSES):
        return ProjectBilling()
    currency = Currency.of(_currency(data, project))
    cap = _Cap(project.poamount, project.billingovermax != "Bill and flag", _history(data, project))
    by_month = _assign(data, project, month_ends, first_month_end)
    charges: list[Charge] = []
    missing: list[BillingException] = []
    flagged: set[InvoiceKey] = set()
    for on in month_ends:
        key = _invoice_key(data, project, on, currency.code)
        kept: list[_Priced] = []
        for entry in by_month.get(on, ()):
            priced = _price(data, project, entry, currency)
            if priced is None:
                missing.append(_missing_rate(entry, project))
                continue
            billed, passed = cap.admit(priced, project.projectid)
            if billed:
                kept.append(priced)
            if billed and passed:
                flagged.add(key)
        charges.extend(_lines(data, project, key, kept, currency))
    return ProjectBilling(tuple(charges), (*missing, *cap.found), frozenset(flagged))


def _currency(data: Dataset, project: Project) -> str:
    """A project's currency: its contract's, else its own, else its customer's, else BASECURR."""
    index = data.index
    if project.contractid is not None:
        contract = index.contracts[project.contractid]
        customer = index.customers[contract.customerid]
        return contract.currency or customer.currency or data.company.basecurr
    customer = index.customers[project.customerid]
    return project.currency or customer.currency or data.company.basecurr


def _history(data: Dataset, project: Project) -> Decimal:
    invoices = data.index.history_by_project.get(project.projectid, ())
    return sum((item.amount for inv in invoices for item in inv.arinvoiceitems), Decimal(0))


def _assign(
    data: Dataset, project: Project, month_ends: list[date], first_month_end: date | None
) -> dict[date, list[TimesheetEntry | ExpenseItem]]:
    """Give each eligible entry to the month end that takes it, in cap-check order."""
    entries: list[TimesheetEntry | ExpenseItem] = []
    if project.billingtype == TIME_AND_MATERIAL:
        entries.extend(data.index.time_by_project.get(project.projectid, ()))
    entries.extend(data.index.expenses_by_project.get(project.projectid, ()))
    last = month_ends[-1]
    by_month: dict[date, list[TimesheetEntry | ExpenseItem]] = {}
    for entry in sorted(filter(lambda e: _eligible(data, e), entries), key=_check_order):
        on = month_end(entry.entrydate)
        if first_month_end is not None:
            on = max(on, first_month_end)
        if on <= last:
            by_month.setdefault(on, []).append(entry)
    return by_month


def _check_order(entry: TimesheetEntry | ExpenseItem) -> tuple[date, int, int]:
    return entry.entrydate, entry.recordno, 0 if _is_time(entry) else 1


def _is_time(entry: TimesheetEntry | ExpenseItem) -> bool:
    return entry.source.startswith("TIMESHEETENTRY")


def _eligible(data: Dataset, entry: TimesheetEntry | ExpenseItem) -> bool:
    task = data.index.tasks.get(entry.taskid) if entry.taskid else None
    task_billable = task is None or task.billable
    return entry.billable and task_billable and entry.state == APPROVED and not entry.billed


def _price(
    data: Dataset, project: Project, entry: TimesheetEntry | ExpenseItem, currency: Currency
) -> _Priced | None:
    """Value an entry on its own; None when a time entry has no rate."""
    task = data.index.tasks.get(entry.taskid) if entry.taskid else None
    task_item = task.itemid if task else None
    if not _is_time(entry):
        amount: Decimal = entry.trx_amount  # type: ignore[union-attr]
        if project.expensepricing == "Markup" and project.expenserate:
            amount = EXACT.add(amount, percent_of(amount, project.expenserate))
        return _Priced(
            entry, None, entry.itemid or task_item, round_half_up(amount, currency.places)
        )
    resource = data.index.resources.get((project.projectid, entry.employeeid))
    rate = _rate(data, project, entry, resource)
    if rate is None:
        return None
    item_id = entry.itemid or task_item or (resource.itemid if resource else None)
    value = round_half_up(exact_product(entry.qty, rate), currency.places)  # type: ignore[union-attr]
    return _Priced(entry, rate, item_id, value)


def _rate(
    data: Dataset,
    project: Project,
    entry: TimesheetEntry | ExpenseItem,
    resource: ProjectResource | None,
) -> Decimal | None:
    """The first rate found: task, project (Project rate), resource, employee."""
    task = data.index.tasks.get(entry.taskid) if entry.taskid else None
    candidates = (
        task.billingrate if task else None,
        project.billingrate if project.billingpricing == "Project rate" else None,
        resource.billingrate if resource else None,
        data.index.employees[entry.employeeid].billingrate,
    )
    return next((rate for rate in candidates if rate is not None), None)


def _missing_rate(entry: TimesheetEntry | ExpenseItem, project: Project) -> BillingException:
    message = f"no billing rate for {entry.employeeid} on {project.projectid}"
    return BillingException("missing_rate", entry.source, message)


def _invoice_key(data: Dataset, project: Project, on: date, currency: str) -> InvoiceKey:
    if project.contractid is not None:
        contract = data.index.contracts[project.contractid]
        return InvoiceKey(on, contract.customerid, contract.contractid, None, currency)
    return InvoiceKey(on, project.customerid, None, project.projectid, currency)


def _lines(
    data: Dataset, project: Project, key: InvoiceKey, kept: list[_Priced], currency: Currency
) -> Iterator[Charge]:
    """Group billed time into lines by (task, employee, rate, item); one line per expense."""
    term = _term(data, project)
    dims = _dimensions(data, project)
    groups: dict[tuple[str | None, str, Decimal, str | None], list[_Priced]] = {}
    for priced in kept:
        if priced.rate is None:
            yield _expense_line(data, key, priced, dims, term)
            continue
        entry = priced.entry
        groups.setdefault((entry.taskid, entry.employeeid, priced.rate, priced.item_id), []).append(
            priced
        )
    for (task_id, employee_id, rate, item_id), members in groups.items():
        quantity = sum((m.entry.qty for m in members), Decimal(0))  # type: ignore[union-attr]
        amount = round_half_up(exact_product(quantity, rate), currency.places)
        item = data.index.items.get(item_id) if item_id else None
        source = "TIMESHEETENTRY:" + ",".join(
            str(n) for n in sorted(m.entry.recordno for m in members)
        )
        order = (
            1,
            task_id is not None,
            task_id or "",
            employee_id,
            project.projectid,
            item_id or "",
            rate,
        )
        yield Charge(
            key=key,
            order=order,
            kind="time",
            source=source,
            item_id=item_id,
            description=describe(item, "time", None),
            quantity=quantity,
            unit_price=rate,
            amount=amount,
            period=None,
            gl_account=item.glaccount if item else None,
            dimensions=dims,
            term=term,
        )


def _expense_line(
    data: Dataset, key: InvoiceKey, priced: _Priced, dims: Dimensions, term: str | None
) -> Charge:
    entry = priced.entry
    item = data.index.items.get(priced.item_id) if priced.item_id else None
    return Charge(
        key=key,
        order=(2, entry.entrydate, entry.recordno),
        kind="expense",
        source=entry.source,
        item_id=priced.item_id,
        description=describe(item, "expense", None),
        quantity=Decimal(1),
        unit_price=priced.value,
        amount=priced.value,
        period=None,
        gl_account=item.glaccount if item else None,
        dimensions=dims,
        term=term,
    )


def _term(data: Dataset, project: Project) -> str | None:
    if project.contractid is not None:
        return data.index.contracts[project.contractid].termname
    return project.termname or data.index.customers[project.customerid].termname


def _dimensions(data: Dataset, project: Project) -> Dimensions:
    customer = data.index.customers[project.customerid]
    return Dimensions(
        locationid=project.locationid or customer.locationid,
        departmentid=project.departmentid,
        classid=project.classid,
        projectid=project.projectid,
    )
