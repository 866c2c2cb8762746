"""What an event changed, read from the event alone: source, line and the day it takes effect."""

from __future__ import annotations

from datetime import date

import pytest

from autobill.billing.keys import SourceKind
from autobill.billing.landing import Change
from autobill.triggers.billing_keys import MilestoneDone, billing_key_for, change_of

CONTRACT, PROJECT = SourceKind.CONTRACT, SourceKind.PROJECT


@pytest.mark.parametrize(
    ("source", "payload", "changed"),
    [
        (
            "events",
            {
                "type": "milestone.completed",
                "project_id": "P-1",
                "task_id": "T-2",
                "completed_on": "2026-11-20",
            },
            MilestoneDone("P-1", "T-2", date(2026, 11, 20)),
        ),
        (
            "events",
            {"type": "timesheets.approved", "project_id": "P-1", "period_end": "2026-02-15"},
            Change(PROJECT, "P-1", date(2026, 2, 28)),
        ),
        (
            "events",
            {
                "type": "usage.reported",
                "contract_id": "CN-1",
                "line_no": 2,
                "usage_date": "2026-11-17",
            },
            Change(CONTRACT, "CN-1", date(2026, 11, 17), 2),
        ),
        (
            "events",
            {
                "type": "contract.changed",
                "contract_id": "CN-1",
                "line_no": 1,
                "effective_on": "2026-11-15",
            },
            Change(CONTRACT, "CN-1", date(2026, 11, 15), 1),
        ),
        (
            "intacct",
            {
                "type": "task.completed",
                "occurredAt": "2026-12-01T00:10:00+00:00",
                "record": {"PROJECTID": "P-1", "TASKID": "T-1"},
            },
            MilestoneDone("P-1", "T-1", date(2026, 12, 1)),
        ),
        (
            "intacct",
            {
                "type": "task.completed",
                "occurredAt": "2026-12-01T00:10:00+00:00",
                "record": {"PROJECTID": "P-1", "TASKID": "T-1", "ACTUALENDDATE": "11/20/2026"},
            },
            MilestoneDone("P-1", "T-1", date(2026, 11, 20)),
        ),
        (
            "intacct",
            {
                "type": "timesheet.approved",
                "object": "TIMESHEETENTRY",
                "record": {"PROJECTID": "P-1", "ENTRYDATE": "02/03/2026"},
            },
            Change(PROJECT, "P-1", date(2026, 2, 28)),
        ),
        (
            "intacct-poll",
            {
                "type": "usage.added",
                "record": {"CONTRACTID": "CN-1", "LINENO": "2", "USAGEDATE": "01/17/2026"},
            },
            Change(CONTRACT, "CN-1", date(2026, 1, 17), 2),
        ),
        (
            "intacct",
            {
                "type": "contractline.added",
                "occurredAt": "2026-12-01T10:00:00",
                "record": {"CONTRACTID": "CN-1", "LINENO": "3", "BEGINDATE": "11/16/2026"},
            },
            Change(CONTRACT, "CN-1", date(2026, 11, 16), 3),
        ),
        (
            "intacct-poll",
            {
                "type": "contractline.ended",
                "occurredAt": "2026-12-01T10:00:00",
                "record": {"CONTRACTID": "CN-1", "LINENO": "1", "ENDDATE": "11/15/2026"},
            },
            Change(CONTRACT, "CN-1", date(2026, 11, 16), 1),
        ),
        ("intacct", {"type": "contractline.changed", "record": {"CONTRACTID": "CN-1"}}, None),
        ("intacct-poll", {"type": "task.changed", "record": {}}, None),
        ("events", {"type": "milestone.completed", "project_id": "P-1"}, None),
        ("events", {"type": "usage.reported", "contract_id": "", "usage_date": "2026-11-17"}, None),
    ],
)
def test_each_event_type_says_what_changed_and_when(
    source: str, payload: dict[str, object], changed: Change | MilestoneDone | None
) -> None:
    """Each event type maps to its change; events that bill nothing map to None."""
    assert change_of(source, payload) == changed


def test_the_reading_free_key_is_the_change_on_its_own_day() -> None:
    """Without the schedule, a contract change is keyed by its day and a milestone by nothing."""
    # given
    usage = {
        "type": "usage.reported",
        "contract_id": "CN-1",
        "line_no": 2,
        "usage_date": "2026-11-17",
    }
    milestone = {
        "type": "milestone.completed",
        "project_id": "P-1",
        "task_id": "T-2",
        "completed_on": "2026-11-20",
    }
    # then
    assert billing_key_for("events", usage) == "contract:CN-1:2026-11-17"
    assert billing_key_for("events", milestone) is None
