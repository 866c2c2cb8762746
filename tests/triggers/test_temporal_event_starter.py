"""The real starter on the Temporal dev server: the billing key is the id, a repeat is harmless."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest

from autobill.inbox.service import PendingEvent
from autobill.triggers.dispatcher import TemporalEventStarter
from fixtures.temporal import temporal_env  # noqa: F401 - fixture registered for this module

if TYPE_CHECKING:
    from temporalio.testing import WorkflowEnvironment

pytestmark = pytest.mark.asyncio(loop_scope="session")


def approved(event_id: int, project: str) -> PendingEvent:
    """Return a pending generic event approving ``project``'s time to 20 Nov 2026."""
    payload = {"type": "timesheets.approved", "project_id": project, "period_end": "2026-11-20"}
    return PendingEvent(event_id, "events", f"e-{event_id}", payload, "trace-1")


async def test_a_duplicate_start_is_success_and_starts_nothing_more(
    temporal_env: WorkflowEnvironment,  # noqa: F811 - the imported fixture, requested by name
) -> None:
    """Two events of one billing key: one workflow, whose id is the key; no error raised."""
    # given
    project = f"P-{uuid4().hex[:8]}"
    queue = f"test-{uuid4().hex}"  # no worker polls it: the workflow just waits
    starter = TemporalEventStarter(
        temporal_env.client, company_id="DEMO", task_queue=queue, today=lambda: date(2026, 12, 1)
    )
    # when
    await starter.start(approved(1, project))
    await starter.start(approved(2, project))
    # then
    key = f"project:{project}:2026-11-30"
    handle = temporal_env.client.get_workflow_handle(key)
    description = await handle.describe()
    assert description.id == key
    assert description.task_queue == queue
    await handle.terminate("test done")


async def test_an_event_that_bills_nothing_starts_nothing(
    temporal_env: WorkflowEnvironment,  # noqa: F811 - the imported fixture, requested by name
) -> None:
    """A change that maps to no billing key is handled without a workflow."""
    # given
    starter = TemporalEventStarter(temporal_env.client, company_id="DEMO")
    event = PendingEvent(3, "intacct-poll", "x", {"type": "task.changed", "record": {}}, None)
    # when / then: no exception, and nothing to look up
    await starter.start(event)
