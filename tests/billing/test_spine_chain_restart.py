"""A worker killed mid-activity and restarted: the invoice still posts, once, on the real chain.

The first worker is ``autobill worker`` in a process of its own, configured through its
environment as in production. It is killed with SIGKILL (no shutdown, nothing reported to
Temporal) the moment the sandbox has committed the Intacct draft, while the draft's answer is
still on its way back. A fresh real worker on the same task queue then finishes the invoice.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from billing_helpers import FAST_RETRY, UPGRADE, Handle, Spine, autobill_key, previewed
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType, PendingActivityState
from temporalio.api.workflowservice.v1 import ResetStickyTaskQueueRequest

from autobill.workflows.inputs import InvoiceState

pytestmark = pytest.mark.asyncio(loop_scope="session")
UPGRADE_ON = date(2026, 11, 16)
UPGRADE_KEY = f"contract:CN-100:{UPGRADE_ON}"
# Every sandbox request answers no sooner than this after it arrived: the window in which the
# draft is committed in the sandbox but its answer has not reached the worker.
LATENCY = 0.3
# Temporal learns of the killed attempt only when it times out, so the test keeps that short;
# every attempt of the run, a few requests at LATENCY each, still fits in it.
RESTART_RETRY = FAST_RETRY.model_copy(update={"start_to_close": timedelta(seconds=3)})
STARTED = PendingActivityState.PENDING_ACTIVITY_STATE_STARTED


def worker_environment(spine: Spine) -> dict[str, str]:
    """The environment ``autobill worker`` reads: the spine's database, sandbox and queue."""
    settings = spine.settings()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("AUTOBILL_")}
    return inherited | {
        "AUTOBILL_DATABASE_URL": settings.database_url,
        "AUTOBILL_INTACCT__ENDPOINT": settings.intacct.endpoint,
        "AUTOBILL_TEMPORAL__ADDRESS": spine.client.service_client.config.target_host,
        "AUTOBILL_TEMPORAL__NAMESPACE": spine.client.namespace,
        "AUTOBILL_TEMPORAL__TASK_QUEUE": spine.task_queue,
        "AUTOBILL_LOG_LEVEL": "WARNING",
    }


@asynccontextmanager
async def worker_process(spine: Spine, cwd: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """Run ``autobill worker`` for the spine in its own process, killed if it outlives the block.

    Its output goes to ``worker.log`` in ``cwd``, where no ``autobill.toml`` is read.
    """
    with (cwd / "worker.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "autobill", "worker"),
            env=worker_environment(spine),
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def draft_committed(
    spine: Spine, process: asyncio.subprocess.Process, within: float = 30.0
) -> None:
    """Wait until the sandbox holds a Sales Invoice (its answer may still be in flight)."""
    deadline = time.monotonic() + within
    while not spine.documents():
        if process.returncode is not None or time.monotonic() > deadline:
            pytest.fail(f"the worker (exit {process.returncode}) never drafted; see worker.log")
        await asyncio.sleep(0.01)


async def pending_activities(handle: Handle) -> list[tuple[str, int]]:
    """The workflow's activities Temporal believes are running, by type and state."""
    described = await handle.describe()
    pending = described.raw_description.pending_activities
    return [(p.activity_type.name, p.state) for p in pending]


async def forget_the_dead_worker(spine: Spine, handle: Handle) -> None:
    """Send the workflow's next task to the task queue rather than the killed worker's cache.

    Temporal gives a worker's sticky queue 10 seconds before it falls back to the task queue;
    this skips the wait only. The new worker has no cache either way and replays the history.
    """
    execution = WorkflowExecution(workflow_id=handle.id, run_id=handle.result_run_id or "")
    request = ResetStickyTaskQueueRequest(namespace=spine.client.namespace, execution=execution)
    await spine.client.workflow_service.reset_sticky_task_queue(request)


async def draft_attempts(handle: Handle) -> list[tuple[int, bool]]:
    """Each started attempt of the draft activity: its number, and whether it followed a timeout."""
    history = await handle.fetch_history()
    drafts = {
        event.event_id
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and event.activity_task_scheduled_event_attributes.activity_type.name
        == "create_intacct_draft"
    }
    started = [
        event.activity_task_started_event_attributes
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    ]
    return [
        (s.attempt, s.last_failure.HasField("timeout_failure_info"))
        for s in started
        if s.scheduled_event_id in drafts
    ]


@pytest.mark.sandbox(latency_seconds=LATENCY)
async def test_worker_killed_while_drafting_restarts_and_posts_once(
    idle_spine: Spine, tmp_path: Path
) -> None:
    """SIGKILL once Intacct committed the draft, before its answer: a new worker posts it once."""
    spine = idle_spine
    # given: the invoice drafted in the sandbox by a worker process, the answer not yet back
    async with worker_process(spine, tmp_path) as process:
        handle = await spine.start(UPGRADE_KEY, retry=RESTART_RETRY)
        await draft_committed(spine, process)
        # when: the worker is killed outright, and a fresh one takes over the task queue
        process.kill()
        assert await process.wait() == -signal.SIGKILL
    assert await pending_activities(handle) == [("create_intacct_draft", STARTED)]
    await forget_the_dead_worker(spine, handle)
    async with spine.worker():
        status = await asyncio.wait_for(handle.result(), timeout=60)
    # then: one Intacct draft, read back by the retried attempt, posted once
    assert status.state is InvoiceState.POSTED
    assert spine.documents_per_key() == {autobill_key(previewed(UPGRADE, UPGRADE_ON, "CN-100")): 1}
    (document,) = spine.documents()
    (draft,) = spine.drafts()
    assert (draft.status, draft.intacct_key) == ("posted", document.data["DOCID"])
    assert status.intacct_key == document.data["DOCID"]
    assert spine.audit_actions() == ["invoice.drafted", "invoice.auto_approved", "invoice.posted"]
    assert spine.audit_breaks() == []
    assert await draft_attempts(handle) == [(2, True)]
