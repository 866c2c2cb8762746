"""What an inbox event changed: a contract line, a project's time, or a milestone.

``change_of`` reads the event alone: the source, its line and the day the change takes effect
(a usage's date, an added line's BEGINDATE, an ended line's ENDDATE + 1 for its credit, approved
time's month end, a task's completion day). Which invoice the change lands on needs the
billing schedule, so ``autobill.triggers.landing`` reads Intacct and asks the core;
``billing_key_for`` is the reading-free fallback that keys the change by its own day.

A plain edit of a contract line (``contractline.changed``) bills nothing by itself: its effect
reaches the next invoice, which the scheduled billing run drafts.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from autobill.billing.keys import BillingKey, SourceKind
from autobill.billing.landing import Change
from autobill.triggers.events import GENERIC_SOURCE

_TIMESHEET_OBJECTS: Final = frozenset({"TIMESHEET", "TIMESHEETENTRY"})


@dataclass(frozen=True, slots=True)
class MilestoneDone:
    """A project task completed: it bills on the contracts whose milestone lines name it."""

    project_id: str
    task_id: str
    on: date


Happened = Change | MilestoneDone


def change_of(source: str, payload: dict[str, Any]) -> Happened | None:
    """What the event changed, or None when it bills nothing (or is missing what it needs)."""
    if source == GENERIC_SOURCE:
        return _generic(payload)
    return _intacct(payload)


def billing_key_for(source: str, payload: dict[str, Any]) -> str | None:
    """The event's billing key without reading Intacct: the change keyed by its own day."""
    happened = change_of(source, payload)
    if not isinstance(happened, Change):
        return None
    return str(BillingKey(happened.kind, happened.source_id, happened.on))


def _generic(payload: dict[str, Any]) -> Happened | None:
    kind = payload.get("type")
    if kind == "milestone.completed":
        return _milestone(
            payload.get("project_id"), payload.get("task_id"), payload.get("completed_on")
        )
    if kind == "timesheets.approved":
        return _project(payload.get("project_id"), _month_end(payload.get("period_end")))
    if kind == "usage.reported":
        on = _date(payload.get("usage_date"))
        return _contract(payload.get("contract_id"), on, payload.get("line_no"))
    if kind == "contract.changed":
        on = _date(payload.get("effective_on"))
        return _contract(payload.get("contract_id"), on, payload.get("line_no"))
    return None


def _intacct(payload: dict[str, Any]) -> Happened | None:
    kind, record = payload.get("type"), payload.get("record") or {}
    if kind == "task.completed":
        done = record.get("ACTUALENDDATE") or payload.get("occurredAt")
        return _milestone(record.get("PROJECTID"), record.get("TASKID"), done)
    if kind == "timesheet.approved" and payload.get("object") in _TIMESHEET_OBJECTS:
        worked = record.get("ENTRYDATE") or record.get("BEGINDATE")
        return _project(record.get("PROJECTID"), _month_end(worked))
    line = record.get("LINENO")
    if kind == "usage.added":
        return _contract(record.get("CONTRACTID"), _date(record.get("USAGEDATE")), line)
    if kind == "contractline.added":
        begins = _date(record.get("BEGINDATE") or payload.get("occurredAt"))
        return _contract(record.get("CONTRACTID"), begins, line)
    if kind == "contractline.ended":
        ended = _date(record.get("ENDDATE") or payload.get("occurredAt"))
        return _contract(record.get("CONTRACTID"), _next_day(ended), line)
    return None


def _milestone(project_id: object, task_id: object, day: object) -> MilestoneDone | None:
    on = _date(day)
    if not _is_id(project_id) or not _is_id(task_id) or on is None:
        return None
    return MilestoneDone(str(project_id), str(task_id), on)


def _project(project_id: object, on: date | None) -> Change | None:
    if not _is_id(project_id) or on is None:
        return None
    return Change(SourceKind.PROJECT, str(project_id), on)


def _contract(contract_id: object, on: date | None, line_no: object) -> Change | None:
    if not _is_id(contract_id) or on is None:
        return None
    return Change(SourceKind.CONTRACT, str(contract_id), on, _line(line_no))


def _is_id(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _line(value: object) -> int | None:
    """A line number given as an integer or as Intacct's text; anything else names no line."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _next_day(day: date | None) -> date | None:
    return None if day is None else day + timedelta(days=1)


def _month_end(value: object) -> date | None:
    day = _date(value)
    if day is None:
        return None
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _date(value: object) -> date | None:
    """Read Intacct's ``mm/dd/yyyy`` (optionally with a time) or ISO 8601."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    for layout in ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, layout).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None
