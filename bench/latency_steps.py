"""Where an event's latency goes: its invoice workflow's history, step by step, up to the draft.

For each drafted event the timeline is: sent (just before the POST), the workflow started
(webhook, inbox and dispatcher), then each activity up to ``create_intacct_draft`` scheduled
(a workflow task after the previous one), started (the task queue's wait) and completed (its
run), and the draft seen in the sandbox. Consecutive points give the steps, which add up to
the event's latency exactly; the table shows each step's mean and p95 over the events.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import TYPE_CHECKING, Final

from temporalio.api.enums.v1 import EventType

if TYPE_CHECKING:
    from latency_probe import Seen
    from temporalio.api.history.v1 import HistoryEvent
    from temporalio.client import Client

DRAFTING: Final = (
    "gather_context",
    "compute_invoice",
    "run_checks",
    "persist_draft",
    "create_intacct_draft",
)
CONCURRENT_FETCHES: Final = 8


async def timelines(
    client: Client, drafted: list[Seen], inbox: dict[str, tuple[float, float | None]]
) -> list[dict[str, float]]:
    """The steps of each drafted event, in seconds, named ``"<from> -> <to>"``.

    ``inbox`` holds when each event was stored and marked handled, by event id.
    """
    gate = asyncio.Semaphore(CONCURRENT_FETCHES)

    async def one(seen: Seen) -> dict[str, float]:
        async with gate:
            history = await client.get_workflow_handle(seen.key).fetch_history()
        points = _points(seen, history.events)
        stored, handled = inbox.get(seen.event_id, (None, None))
        if stored is not None:
            points.insert(1, ("stored in inbox", stored))
        extra = (
            {"workflow started -> inbox marked handled": handled - points[2][1]}
            if (handled is not None and stored is not None)
            else {}
        )
        return steps(points) | extra

    return list(await asyncio.gather(*(one(s) for s in drafted)))


def _points(seen: Seen, events: list[HistoryEvent]) -> list[tuple[str, float]]:
    """The event's timeline: named wall-clock instants from the POST to the draft seen."""
    names: dict[int, str] = {}
    at: dict[str, float] = {"sent": seen.sent_at or 0.0}
    for event in events:
        when = event.event_time.ToMicroseconds() / 1e6
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
            at["workflow started"] = when
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            name = event.activity_task_scheduled_event_attributes.activity_type.name
            names[event.event_id] = name
            at.setdefault(f"{name} scheduled", when)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            scheduled = event.activity_task_started_event_attributes.scheduled_event_id
            at.setdefault(f"{names.get(scheduled)} started", when)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            scheduled = event.activity_task_completed_event_attributes.scheduled_event_id
            at.setdefault(f"{names.get(scheduled)} completed", when)
    order = ["sent", "workflow started"]
    for name in DRAFTING:
        order += [f"{name} scheduled", f"{name} started"]
        order += [f"{name} completed"] if name != DRAFTING[-1] else []
    points = [(name, at[name]) for name in order if name in at]
    return [*points, ("draft seen", seen.drafted_at or 0.0)]


def steps(points: list[tuple[str, float]]) -> dict[str, float]:
    """The time between consecutive points, by ``"<from> -> <to>"``."""
    return {f"{a} -> {b}": t_b - t_a for (a, t_a), (b, t_b) in itertools.pairwise(points)}


def step_table(timelines: list[dict[str, float]]) -> list[str]:
    """Lines of a table: each step's mean and p95 (nearest rank) in ms, in timeline order."""
    if not timelines:
        return ["no drafted event to break down"]
    lines = [f"{'step (mean / p95 ms over ' + str(len(timelines)) + ' events)':<62} mean    p95"]
    seen: dict[str, list[float]] = {}
    for timeline in timelines:
        for name, seconds in timeline.items():
            seen.setdefault(name, []).append(seconds)
    for name, values in seen.items():
        p95 = nearest_rank(values, 95)
        lines.append(f"{name:<62} {1000 * sum(values) / len(values):6.1f} {1000 * p95:6.1f}")
    return lines


def nearest_rank(values: list[float], percent: int) -> float:
    """The ``percent`` percentile by nearest rank (p95 of 200 values is the 190th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, -(-percent * len(ordered) // 100) - 1)]
