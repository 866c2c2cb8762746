"""The demo's scripted month: November 2026 of the demo company, replayed as it happens.

The sandbox starts from the company as it stood on 1 November (``held_back``): that month's
usage not yet reported, its time and expenses not yet approved, its milestone not yet done.
``steps`` then replays the month as people and systems do it in Intacct and around it: an
upgrade, a milestone, a cancellation, and the month close (usage feeds, approvals). Once
every step ran, the company is ``completed``: the demo company plus the upgrade and the
cancellation, whose November ``autobill preview`` is what the month must have drafted.

Everything here but ``load_month`` is data to data; ``autobill.ops.demo`` plays the steps.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from autobill.dataset import DatasetError, parse_dataset
from autobill.dataset.reading import read_file
from autobill.demo import dataset_path

if TYPE_CHECKING:
    from pathlib import Path

    from autobill.core.dataset import Dataset

MONTH_START: Final = date(2026, 11, 1)
MONTH_END: Final = date(2026, 11, 30)
UPGRADE_ON: Final = date(2026, 11, 16)
CANCELLED_AFTER: Final = date(2026, 11, 20)
# CN-2019 moves from SUB-PRO (3,000.00 a month) to SUB-ENT (6,000.00) from 16 November;
# CN-2016's managed service (2,000.00 a month) is cancelled after 20 November.
UPGRADE: Final = {"CONTRACTID": "CN-2019", "LINENO": 1}
UPGRADED_TO: Final = {
    "CONTRACTID": "CN-2019",
    "LINENO": 3,
    "ITEMID": "SUB-ENT",
    "BILLINGMETHOD": "Fixed price",
    "FLATAMOUNT": "6000.00",
    "BEGINDATE": UPGRADE_ON,
}
CANCELLED: Final = {"CONTRACTID": "CN-2016", "LINENO": 1}
APPROVED: Final = "Approved"
HELD: Final = "Submitted"

Raw = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Month:
    """The scripted month: the company at its start and at its end, and the steps between."""

    start: Dataset
    end: Dataset
    steps: tuple[Step, ...]


def load_month(path: Path | None = None) -> Month:
    """Read the demo company (or another dataset shaped like it) and script its November.

    Raises:
        DatasetError: the dataset, held back or completed, breaks a rule of the format.
    """
    source = path or dataset_path()
    raw, problems = read_file(source)
    if problems or not isinstance(raw, dict):
        raise DatasetError(problems)
    done = completed(raw)
    return Month(
        start=parse_dataset(held_back(raw), base_dir=source.parent),
        end=parse_dataset(done, base_dir=source.parent),
        steps=steps(done),
    )


@dataclass(frozen=True, slots=True)
class RecordWrite:
    """One Intacct write of a step: ``create`` or ``update`` of records of one object."""

    operation: str
    obj: str
    records: tuple[dict[str, str], ...]


@dataclass(frozen=True, slots=True)
class Step:
    """Something that happens on a day of the month: writes in Intacct, then webhooks sent.

    The writes go in one request (all or nothing), so the events they raise see them all.
    """

    day: date
    title: str
    writes: tuple[RecordWrite, ...] = ()
    webhooks: tuple[dict[str, Any], ...] = field(default=())


def in_month(value: object) -> bool:
    """Whether a dataset date falls in the scripted month."""
    return isinstance(value, date) and MONTH_START <= value <= MONTH_END


def completed(raw: Raw) -> Raw:
    """The company at the end of the month: the demo company, upgraded and cancelled."""
    done = copy.deepcopy(raw)
    for line in done["CONTRACTDETAIL"]:
        if _is(line, UPGRADE):
            line["ENDDATE"] = date(2026, 11, 15)
        if _is(line, CANCELLED):
            line["ENDDATE"] = CANCELLED_AFTER
    done["CONTRACTDETAIL"].append(dict(UPGRADED_TO))
    return done


def held_back(raw: Raw) -> Raw:
    """The company on the first of the month: the month's activity not yet in Intacct."""
    start = copy.deepcopy(raw)
    start["CONTRACTUSAGE"] = [u for u in start["CONTRACTUSAGE"] if not in_month(u["USAGEDATE"])]
    for obj in ("TIMESHEETENTRY", "EEXPENSESITEM"):
        for entry in _approved_in_month(start, obj):
            entry["STATE"] = HELD
    for task in _completed_in_month(start):
        task["TASKSTATUS"] = "In Progress"
        del task["ACTUALENDDATE"]
    return start


def steps(raw: Raw) -> tuple[Step, ...]:
    """The month's steps in date order, read off the completed company ``raw``."""
    milestones = [_milestone(task) for task in _completed_in_month(raw)]
    return tuple(
        sorted(
            [_upgrade(), _cancellation(), *milestones, _month_close(raw)],
            key=lambda step: step.day,
        )
    )


def _upgrade() -> Step:
    new_line = {name: _text(value) for name, value in UPGRADED_TO.items()}
    return Step(
        UPGRADE_ON,
        "CN-2019 upgraded from SUB-PRO to SUB-ENT",
        writes=(
            RecordWrite("update", "CONTRACTDETAIL", (_line_change(UPGRADE, "11/15/2026"),)),
            RecordWrite("create", "CONTRACTDETAIL", (new_line,)),
        ),
    )


def _cancellation() -> Step:
    ended = _line_change(CANCELLED, "11/20/2026") | {"STATE": "Cancelled"}
    return Step(
        CANCELLED_AFTER,
        "CN-2016 managed service cancelled after 20 Nov",
        writes=(RecordWrite("update", "CONTRACTDETAIL", (ended,)),),
    )


def _milestone(task: dict[str, Any]) -> Step:
    done: date = task["ACTUALENDDATE"]
    update = {"TASKID": task["TASKID"], "TASKSTATUS": "Completed", "ACTUALENDDATE": _text(done)}
    # The project tool announces it too: the same milestone by two paths drafts one invoice.
    announced = {
        "type": "milestone.completed",
        "id": f"pm-{task['TASKID']}",
        "project_id": task["PROJECTID"],
        "task_id": task["TASKID"],
        "completed_on": done.isoformat(),
    }
    return Step(
        done,
        f"milestone {task['TASKID']} of {task['PROJECTID']} completed",
        writes=(RecordWrite("update", "TASK", (update,)),),
        webhooks=(announced,),
    )


def _month_close(raw: Raw) -> Step:
    """Usage feeds uploaded, then time and expenses approved, in one request at month end."""
    usage = tuple(
        {name: _text(value) for name, value in u.items()}
        for u in raw["CONTRACTUSAGE"]
        if in_month(u["USAGEDATE"])
    )
    writes = [RecordWrite("create", "CONTRACTUSAGE", usage)]
    for obj in ("TIMESHEETENTRY", "EEXPENSESITEM"):
        approved = tuple(
            {"RECORDNO": str(e["RECORDNO"]), "STATE": APPROVED}
            for e in _approved_in_month(raw, obj)
        )
        writes.append(RecordWrite("update", obj, approved))
    return Step(
        MONTH_END,
        f"month close: {len(usage)} usage records, time and expenses approved",
        writes=tuple(writes),
        webhooks=tuple(_timesheet_events(raw)),
    )


def _timesheet_events(raw: Raw) -> list[dict[str, Any]]:
    """The timesheet tool's ``timesheets.approved`` per project with approved time."""
    projects: dict[str, int] = defaultdict(int)
    for entry in _approved_in_month(raw, "TIMESHEETENTRY"):
        projects[entry["PROJECTID"]] += 1
    return [
        {
            "type": "timesheets.approved",
            "id": f"ts-{project}-{MONTH_END.isoformat()}",
            "project_id": project,
            "period_start": MONTH_START.isoformat(),
            "period_end": MONTH_END.isoformat(),
        }
        for project in sorted(projects)
    ]


def _approved_in_month(raw: Raw, obj: str) -> list[dict[str, Any]]:
    return [e for e in raw[obj] if e.get("STATE") == APPROVED and in_month(e["ENTRYDATE"])]


def _completed_in_month(raw: Raw) -> list[dict[str, Any]]:
    return [
        t
        for t in raw["TASK"]
        if t.get("TASKSTATUS") == "Completed" and in_month(t.get("ACTUALENDDATE"))
    ]


def _line_change(line: dict[str, object], ends: str) -> dict[str, str]:
    """An update naming a contract line by CONTRACTID and LINENO (the executor finds it)."""
    return {"CONTRACTID": str(line["CONTRACTID"]), "LINENO": str(line["LINENO"]), "ENDDATE": ends}


def _is(line: dict[str, Any], which: dict[str, object]) -> bool:
    return bool(line["CONTRACTID"] == which["CONTRACTID"] and line["LINENO"] == which["LINENO"])


def _text(value: object) -> str:
    """A dataset value as Intacct's text: dates ``mm/dd/yyyy``, everything else as written."""
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    return str(value)
