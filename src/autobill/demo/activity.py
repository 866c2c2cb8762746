"""Time and expenses logged on the demo projects over 2026, and the caps set from them."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from autobill.demo.common import AS_OF, YEAR_START, money, workdays
from autobill.demo.project_catalog import FF, FFE, PROJECTS, SPECS
from autobill.demo.projects import internal_task, work_tasks

if TYPE_CHECKING:
    from autobill.demo.common import Record, Store
    from autobill.demo.project_catalog import ProjectSpec

_HOURS: Final = ("1.5", "2", "2.5", "3", "4", "4", "5", "6", "6.5", "7", "7.5", "8")
_EXPENSES: Final = (
    ("Airfare", "TRAVEL", 180, 620),
    ("Hotel", "LODGING", 140, 420),
    ("Meals", "MEALS", 18, 95),
    ("Mileage", "TRAVEL", 25, 140),
)
# Projects invoiced by hand for January 2026 before autobill: their January entries are BILLED.
MANUAL_JANUARY: Final = ("P-3007", "P-3014")
# The project whose first three February entries are flagged BILLED by mistake (discrepancy D8).
WRONGLY_BILLED: Final = "P-3014"


def build_activity(store: Store) -> None:
    """Add timesheet entries and expense items for every project, numbered in date order."""
    booked: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    times: list[Record] = []
    expenses: list[Record] = []
    for spec in PROJECTS:
        times.extend(_timesheets(store, spec, booked))
        if spec.travel and spec.kind != FF:
            expenses.extend(_expenses(store, spec))
    times.sort(key=lambda r: (r["ENTRYDATE"], r["PROJECTID"], r["EMPLOYEEID"]))
    expenses.sort(key=lambda r: (r["ENTRYDATE"], r["PROJECTID"], r["EMPLOYEEID"]))
    for number, record in enumerate(times, start=10001):
        store.add("TIMESHEETENTRY", {"RECORDNO": number, **record})
    for number, record in enumerate(expenses, start=50001):
        store.add("EEXPENSESITEM", {"RECORDNO": number, **record})
    for entry in wrongly_billed(store, mark=True):
        entry["BILLED"] = True


FEBRUARY: Final = 2


def wrongly_billed(store: Store, *, mark: bool = False) -> list[Record]:
    """The first three approved February entries of P-3014, flagged BILLED though never invoiced."""
    february = [
        e
        for e in store.where("TIMESHEETENTRY", PROJECTID=WRONGLY_BILLED)
        if e["ENTRYDATE"].month == FEBRUARY
    ]
    chosen = [e for e in february if (eligible(store, e) if mark else e["BILLED"])]
    return chosen[:3]


def _timesheets(
    store: Store, spec: ProjectSpec, booked: dict[tuple[str, date], Decimal]
) -> list[Record]:
    """Entries for each staff member on a share of the project's working days in 2026."""
    rng = store.rng
    tasks = work_tasks(spec.pid)
    found = []
    for day in workdays(max(spec.begin, YEAR_START), min(spec.end, AS_OF)):
        for employee in spec.staff:
            if rng.random() >= spec.busy:
                continue
            hours = Decimal(rng.choice(_HOURS))
            if booked[employee, day] + hours > 9:  # noqa: PLR2004 - nobody bills over a long day
                continue
            booked[employee, day] += hours
            internal = rng.random() < 0.03  # noqa: PLR2004 - a few hours of internal review
            billable = rng.random() >= 0.02  # noqa: PLR2004 - and a few written off
            state = _state(rng.random(), day)
            found.append(
                {
                    "EMPLOYEEID": employee,
                    "PROJECTID": spec.pid,
                    "TASKID": internal_task(spec.pid) if internal else rng.choice(tasks),
                    "ENTRYDATE": day,
                    "QTY": str(hours),
                    "BILLABLE": billable,
                    "STATE": state,
                    "BILLED": billable
                    and not internal
                    and state == "Approved"
                    and _billed(spec.pid, day),
                    "DESCRIPTION": rng.choice(_NOTES),
                }
            )
    return found


_NOTES: Final = (
    "Stakeholder workshop",
    "Requirements analysis",
    "Dashboard build",
    "Data model review",
    "Pipeline development",
    "Status meeting and reporting",
    "Testing and fixes",
    "Client working session",
    "Documentation",
    "Model tuning",
)


def _state(draw: float, day: date) -> str:
    """Almost everything is approved; the last weeks hold some entries still in review."""
    if day >= date(2026, 12, 14) and draw < 0.15:  # noqa: PLR2004
        return "Submitted"
    if draw < 0.01:  # noqa: PLR2004
        return "Draft"
    return "Approved"


def _billed(pid: str, day: date) -> bool:
    """Whether an entry was already invoiced outside autobill."""
    return pid in MANUAL_JANUARY and day.month == 1


def _expenses(store: Store, spec: ProjectSpec) -> list[Record]:
    """A site visit about every other week, each with a few expense lines."""
    rng = store.rng
    currency = store.by("PROJECT", "PROJECTID", spec.pid)["CURRENCY"]
    found = []
    day = max(spec.begin, YEAR_START) + timedelta(days=rng.randint(3, 10))
    while day <= min(spec.end, AS_OF):
        traveller = rng.choice(spec.staff)
        for kind, item, low, high in rng.sample(_EXPENSES, rng.randint(2, 3)):
            amount = Decimal(rng.randint(low * 100, high * 100)) / 100
            billable = rng.random() >= 0.04  # noqa: PLR2004 - some costs are not rebilled
            state = "Approved" if rng.random() >= 0.02 else "Submitted"  # noqa: PLR2004
            found.append(
                {
                    "EMPLOYEEID": traveller,
                    "PROJECTID": spec.pid,
                    "TASKID": work_tasks(spec.pid)[0],
                    "ENTRYDATE": day,
                    "TRX_AMOUNT": money(amount),
                    "CURRENCY": currency,
                    "EXPENSETYPE": kind,
                    "BILLABLE": billable,
                    "STATE": state,
                    "BILLED": billable and state == "Approved" and _billed(spec.pid, day),
                    "ITEMID": item,
                    "DESCRIPTION": f"{kind} - site visit",
                }
            )
        day += timedelta(days=rng.randint(10, 18))
    return found


def entry_rate(store: Store, entry: Record) -> Decimal:
    """The rate billing will use for a time entry (task, project, resource, then employee)."""
    task = store.by("TASK", "TASKID", entry["TASKID"])
    spec = SPECS[entry["PROJECTID"]]
    if "BILLINGRATE" in task:
        return Decimal(task["BILLINGRATE"])
    if spec.project_rate:
        return Decimal(spec.project_rate)
    resource = store.where(
        "PROJECTRESOURCES", PROJECTID=entry["PROJECTID"], EMPLOYEEID=entry["EMPLOYEEID"]
    )[0]
    return Decimal(resource["BILLINGRATE"])


def eligible(store: Store, entry: Record) -> bool:
    """Whether billing takes an entry: approved, billable, task billable, not yet billed."""
    task = store.by("TASK", "TASKID", entry["TASKID"])
    return bool(
        entry["STATE"] == "Approved"
        and entry["BILLABLE"]
        and task["BILLABLE"]
        and not entry["BILLED"]
    )


def billable_value(store: Store, pid: str) -> Decimal:
    """What the preview bills a project for 2026, before any cap."""
    spec = SPECS[pid]
    total = Decimal(0)
    for entry in store.where("TIMESHEETENTRY", PROJECTID=pid):
        if eligible(store, entry) and spec.kind not in {FF, FFE}:
            total += Decimal(money(Decimal(entry["QTY"]) * entry_rate(store, entry)))
    factor = 1 + Decimal(spec.markup or 0) / 100
    for item in store.where("EEXPENSESITEM", PROJECTID=pid):
        if eligible(store, item) and spec.kind != FF:
            total += Decimal(money(Decimal(item["TRX_AMOUNT"]) * factor))
    return total


def set_caps(store: Store) -> None:
    """Set each billing project's budget with headroom, and the not-to-exceed caps designed."""
    for spec in PROJECTS:
        if spec.kind == FF:
            continue
        project = store.by("PROJECT", "PROJECTID", spec.pid)
        total = billable_value(store, spec.pid) + posted(store, spec.pid)
        if spec.cap == "auto":
            share = Decimal("0.92") if spec.overmax == "Prevent billing" else Decimal("0.85")
            project["POAMOUNT"] = _thousands(total * share)
        elif spec.cap:
            project["POAMOUNT"] = spec.cap
        headroom = Decimal("0.7") if spec.pid == BUDGET_OVERRUN else Decimal("1.25")
        project["BUDGETAMOUNT"] = _thousands(total * headroom)


BUDGET_OVERRUN: Final = "P-3013"


def posted(store: Store, pid: str) -> Decimal:
    """The project's posted ARINVOICE history, where its not-to-exceed count starts."""
    invoices = store.where("ARINVOICE", PROJECTID=pid)
    return sum(
        (Decimal(i["AMOUNT"]) for inv in invoices for i in inv["ARINVOICEITEMS"]), Decimal(0)
    )


def _thousands(value: Decimal) -> str:
    """Round up to whole thousands, as caps and budgets are written."""
    return money(Decimal(math.ceil(value / 1000) * 1000))
