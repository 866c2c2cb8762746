"""BillingRunWorkflow on the real dev server.

The ports are faked in memory because storage and the Intacct client are tested elsewhere.
"""

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from temporalio.client import WorkflowExecutionStatus
from workflow_fakes import AS_OF, COMPANY
from workflow_helpers import FAST_RETRY, POLICY, Running, unique_key, until

from autobill.workflows.billing_run import BillingRunWorkflow, batches
from autobill.workflows.inputs import BillingRunInput, DecisionBy, InvoiceState
from autobill.workflows.invoice import InvoiceWorkflow
from autobill.workflows.starters import start_billing_run

ON_SERVER = pytest.mark.asyncio(loop_scope="session")
SMALL, BIG = Decimal("99.95"), Decimal("25000.00")


def run_input(batch_size: int, trace_id: str) -> BillingRunInput:
    """A billing run of the demo company on the fixed date with fast settings."""
    return BillingRunInput(
        company_id=COMPANY,
        run_on=AS_OF,
        batch_size=batch_size,
        trace_id=trace_id,
        policy=POLICY,
        retry=FAST_RETRY,
    )


def test_batches_split_keys_in_order_with_a_short_last_batch() -> None:
    """Seven keys in batches of three make three batches, the last one short."""
    # given
    keys = tuple("abcdefg")
    # when
    split = batches(keys, 3)
    # then
    assert split == [("a", "b", "c"), ("d", "e", "f"), ("g",)]


@ON_SERVER
async def test_run_drafts_in_batches_and_starts_reviews_only_where_needed(
    running: Running,
) -> None:
    """N invoices take ceil(N/batch) batch activities; only large ones get a review workflow.

    The small ones are created in Intacct already posted, in their batch.
    """
    # given
    world, size = running.world, 3
    review = [unique_key("review") for _ in range(2)]
    auto = [unique_key("auto") for _ in range(5)]
    for key in auto:
        world.add(key, SMALL)
    for key in review:
        world.add(key, BIG)
    trace = unique_key("run")
    # when
    handle = await start_billing_run(
        running.client, run_input(size, trace), task_queue=running.task_queue
    )
    progress = await handle.result()
    # then
    assert len(world.loads) == math.ceil(7 / size)
    assert (progress.due, progress.batches, progress.batches_done) == (7, 3, 3)
    assert (progress.auto_approved, progress.in_review, progress.parked) == (5, 2, 0)
    assert progress.done
    assert set(world.created_posted) == {f"autobill:{COMPANY}:{k}:draft" for k in auto}
    assert world.posts == {}
    for key in review:
        child = running.client.get_workflow_handle_for(InvoiceWorkflow.run, key)
        # The child is started when the run ends, but reaches its wait a moment later.
        status = await until(child, lambda s: s.state is InvoiceState.IN_REVIEW)
        assert status.total == BIG
        await child.execute_update(InvoiceWorkflow.approve, DecisionBy(user="ana"))
        assert (await child.result()).state is InvoiceState.POSTED
    assert set(world.posts) == {f"autobill:{COMPANY}:{k}:post" for k in review}
    assert len(world.intacct_drafts) == 7


@ON_SERVER
async def test_batch_failing_past_its_retries_parks_every_invoice_of_it(running: Running) -> None:
    """A batch whose Intacct call keeps failing is parked whole, and the run still completes."""
    # given
    world = running.world
    keys = [unique_key() for _ in range(2)]
    for key in keys:
        world.add(key, SMALL)
    world.transport_failures = FAST_RETRY.maximum_attempts
    # when
    handle = await start_billing_run(
        running.client, run_input(10, unique_key("run")), task_queue=running.task_queue
    )
    progress = await handle.result()
    # then
    assert (progress.parked, progress.drafted, progress.done) == (2, 0, True)
    assert sorted(p.billing_key for p in world.parked) == sorted(keys)
    assert {p.error_type for p in world.parked} == {"ConnectionError"}


@ON_SERVER
async def test_refused_draft_in_a_batch_is_parked_and_the_rest_goes_on(running: Running) -> None:
    """An invoice Intacct refuses is parked; the rest of its batch is still posted."""
    # given
    world = running.world
    keys = [unique_key() for _ in range(3)]
    for key in keys:
        world.add(key, SMALL)
    world.refuse.add(keys[1])
    # when
    handle = await start_billing_run(
        running.client, run_input(10, unique_key("run")), task_queue=running.task_queue
    )
    progress = await handle.result()
    # then
    assert (progress.auto_approved, progress.parked) == (2, 1)
    assert [p.billing_key for p in world.parked] == [keys[1]]
    assert "invoice.parked" in world.actions(keys[1])


@ON_SERVER
async def test_progress_query_answers_while_the_run_is_going(running: Running) -> None:
    """The progress query answers during and after the run, and the run completes."""
    # given
    for _ in range(4):
        running.world.add(unique_key(), SMALL)
    # when
    handle = await start_billing_run(
        running.client, run_input(1, unique_key("run")), task_queue=running.task_queue
    )
    early = await handle.query(BillingRunWorkflow.progress)
    await handle.result()
    late = await handle.query(BillingRunWorkflow.progress)
    # then
    assert early.company_id == COMPANY
    assert (late.batches_done, late.drafted, late.done) == (4, 4, True)
    described = await handle.describe()
    assert described.status is WorkflowExecutionStatus.COMPLETED
    assert timedelta(0) < (described.close_time - described.start_time)  # type: ignore[operator]
