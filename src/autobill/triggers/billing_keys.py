"""Which invoice an inbox event is about: its billing key, or None when nothing is billable.

Keys follow ``autobill.billing.keys``: ``<kind>:<id>:<invoice date>``. A project's month is
billed on its last day (milestones and approved time land on ``project:<id>:<month end>``); a
contract's usage on the last day of the usage's month and a contract change on the day it
took effect (``contract:<id>:<date>``). The contract dates are a first approximation until the
billing schedule is read for the event; ``TemporalEventStarter`` takes another mapping.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any, Final

from autobill.triggers.events import GENERIC_SOURCE

_TIMESHEET_OBJECTS: Final = frozenset({"TIMESHEET", "TIMESHEETENTRY"})
_LINE_EVENTS: Final = frozenset(
    {"contractline.added", "contractline.changed", "contractline.ended"}
)


def billing_key_for(source: str, payload: dict[str, Any]) -> str | None:
    """Return the billing key of an inbox event's payload, or None if it bills nothing."""
    if source == GENERIC_SOURCE:
        return _generic(payload)
    return _intacct(payload)


def _generic(payload: dict[str, Any]) -> str | None:
    kind = payload.get("type")
    if kind == "milestone.completed":
        return _key("project", payload.get("project_id"), _month_end(payload.get("completed_on")))
    if kind == "timesheets.approved":
        return _key("project", payload.get("project_id"), _month_end(payload.get("period_end")))
    if kind == "usage.reported":
        return _key("contract", payload.get("contract_id"), _month_end(payload.get("usage_date")))
    if kind == "contract.changed":
        return _key("contract", payload.get("contract_id"), _date(payload.get("effective_on")))
    return None


def _intacct(payload: dict[str, Any]) -> str | None:
    kind, record = payload.get("type"), payload.get("record") or {}
    occurred = payload.get("occurredAt")
    if kind == "task.completed":
        done = record.get("ACTUALENDDATE") or occurred
        return _key("project", record.get("PROJECTID"), _month_end(done))
    if kind == "timesheet.approved" and payload.get("object") in _TIMESHEET_OBJECTS:
        worked = record.get("ENTRYDATE") or record.get("BEGINDATE")
        return _key("project", record.get("PROJECTID"), _month_end(worked))
    if kind == "usage.added":
        return _key("contract", record.get("CONTRACTID"), _month_end(record.get("USAGEDATE")))
    if kind in _LINE_EVENTS:
        return _key("contract", record.get("CONTRACTID"), _date(occurred))
    return None


def _key(kind: str, source_id: object, day: date | None) -> str | None:
    if not isinstance(source_id, str) or not source_id or day is None:
        return None
    return f"{kind}:{source_id}:{day.isoformat()}"


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
