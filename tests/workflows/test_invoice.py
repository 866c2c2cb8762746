"""InvoiceWorkflow on the real dev server.

The ports are faked in memory because storage and the Intacct client are tested elsewhere.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.worker import Replayer
from workflow_helpers import FAST_RETRY, Handle, Running, invoice_input, unique_key, until

from autobill.workflows.converter import DATA_CONVERTER
from autobill.workflows.inputs import (
    Decision,
    DecisionBy,
    Finding,
    InvoiceState,
    ReviewPolicy,
)
from autobill.workflows.invoice import InvoiceWorkflow
from autobill.workflows.starters import start_invoice
from autobill.workflows.worker import activity_executor, build_worker

pytestmark = pytest.mark.asyncio(loop_scope="session")
BIG = Decimal("4999.99")
LATE = Finding(kind="late_timesheet", source="TIMESHEET:7", message="approved after period end")


async def in_review(running: Running, key: str, policy: ReviewPolicy | None = None) -> Handle:
    """Start a workflow for a large invoice and wait until it awaits a decision."""
    running.world.add(key, BIG)
    given = invoice_input(key, policy) if policy else invoice_input(key)
    handle = await start_invoice(running.client, given, task_queue=running.task_queue)
    await until(handle, lambda s: s.state is InvoiceState.IN_REVIEW)
    return handle


async def test_small_invoice_without_findings_is_auto_approved_and_posted(
    running: Running,
) -> None:
    """A small invoice with no findings is drafted, auto-approved, posted and audited."""
    # given
    key = unique_key()
    running.world.add(key, Decimal("120.000000000000000001"))
    # when
    handle = await start_invoice(running.client, invoice_input(key), task_queue=running.task_queue)
    status = await handle.result()
    # then
    assert status.state is InvoiceState.POSTED
    assert status.total == Decimal("120.000000000000000001")
    assert running.world.post_calls == 1
    assert running.world.actions(key) == [
        "invoice.drafted",
        "invoice.auto_approved",
        "invoice.posted",
    ]


async def test_waiting_invoice_is_approved_by_signal(running: Running) -> None:
    """A large invoice waits for review and is posted after an approval signal."""
    # given
    key = unique_key()
    handle = await in_review(running, key)
    # when
    await handle.signal(InvoiceWorkflow.decide, Decision(approved=True, user="ana", reason="ok"))
    status = await handle.result()
    # then
    assert status.state is InvoiceState.POSTED
    assert status.decision == Decision(approved=True, user="ana", reason="ok")
    assert running.world.decisions == [status.decision]
    assert "invoice.approved" in running.world.actions(key)


async def test_waiting_invoice_is_approved_by_update(running: Running) -> None:
    """An approval update answers with the recorded decision, and the invoice is posted."""
    # given
    handle = await in_review(running, unique_key())
    # when
    answer = await handle.execute_update(InvoiceWorkflow.approve, DecisionBy(user="bo"))
    status = await handle.result()
    # then
    assert answer.state is InvoiceState.APPROVED
    assert answer.decision == Decision(approved=True, user="bo")
    assert status.state is InvoiceState.POSTED


async def test_rejected_invoice_is_not_posted(running: Running) -> None:
    """A rejection by update ends the workflow without posting, with the audit entry by the user."""
    # given
    key = unique_key()
    handle = await in_review(running, key)
    # when
    await handle.execute_update(InvoiceWorkflow.reject, DecisionBy(user="cy", reason="wrong rate"))
    status = await handle.result()
    # then
    assert status.state is InvoiceState.REJECTED
    assert running.world.post_calls == 0
    rejected = [e for e in running.world.audit if e.action == "invoice.rejected"]
    assert [e.actor for e in rejected] == ["cy"]


async def test_update_is_refused_when_no_decision_is_awaited(running: Running) -> None:
    """An approval update after the decision was taken is refused, not applied twice."""
    # given
    handle = await in_review(running, unique_key())
    await handle.execute_update(InvoiceWorkflow.reject, DecisionBy(user="cy"))
    # when / then
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(InvoiceWorkflow.approve, DecisionBy(user="dee"))
    assert (await handle.result()).state is InvoiceState.REJECTED


async def test_escalation_timer_fires_and_the_wait_goes_on(running: Running) -> None:
    """When nobody decides in time the review escalates, and a later approval still posts."""
    # given
    key = unique_key()
    policy = ReviewPolicy(auto_approve_below=Decimal(1000), escalate_after=timedelta(seconds=1))
    handle = await in_review(running, key, policy)
    await until(handle, lambda s: s.escalations >= 1)
    # when
    await handle.signal(InvoiceWorkflow.decide, Decision(approved=True, user="ana"))
    status = await handle.result()
    # then
    assert status.state is InvoiceState.POSTED
    assert "invoice.review_escalated" in running.world.actions(key)


async def test_findings_send_a_small_invoice_to_review(running: Running) -> None:
    """An invoice under the threshold but with a finding waits for a person."""
    # given
    key = unique_key()
    running.world.add(key, Decimal(10), LATE)
    # when
    handle = await start_invoice(running.client, invoice_input(key), task_queue=running.task_queue)
    status = await until(handle, lambda s: s.state is InvoiceState.IN_REVIEW)
    # then
    assert status.findings == (LATE,)
    await handle.execute_update(InvoiceWorkflow.reject, DecisionBy(user="ana"))


@pytest.mark.parametrize("_case", ["while running", "after completion"])
async def test_duplicate_start_is_rejected_not_repeated(running: Running, _case: str) -> None:
    """A second start with the same billing key is refused and nothing is drafted twice."""
    # given
    key = unique_key()
    running.world.add(key)
    first = await start_invoice(running.client, invoice_input(key), task_queue=running.task_queue)
    if _case == "after completion":
        await first.result()
    # when / then
    with pytest.raises(WorkflowAlreadyStartedError):
        await start_invoice(running.client, invoice_input(key), task_queue=running.task_queue)
    await first.result()
    assert running.world.post_calls == 1
    assert len(running.world.intacct_drafts) == 1


async def test_business_error_parks_the_invoice(running: Running) -> None:
    """Intacct refusing the draft parks the invoice with its exception and an audit entry."""
    # given
    key = unique_key()
    running.world.add(key)
    running.world.refuse.add(key)
    # when
    handle = await start_invoice(running.client, invoice_input(key), task_queue=running.task_queue)
    status = await handle.result()
    # then
    assert status.state is InvoiceState.PARKED
    assert running.world.create_attempts == 1
    (parked,) = running.world.parked
    assert (parked.step, parked.error_type) == ("create_intacct_draft", "CustomerOnHold")
    assert running.world.actions(key) == ["invoice.parked"]


async def test_transport_error_is_retried_until_it_succeeds(running: Running) -> None:
    """Two lost connections to Intacct are retried and the invoice is drafted once."""
    # given
    key = unique_key()
    running.world.add(key)
    running.world.transport_failures = 2
    # when
    handle = await start_invoice(running.client, invoice_input(key), task_queue=running.task_queue)
    status = await handle.result()
    # then
    assert status.state is InvoiceState.POSTED
    assert running.world.create_attempts == 3
    assert len(running.world.intacct_drafts) == 1


async def test_transport_errors_past_the_retry_bound_park_the_invoice(running: Running) -> None:
    """A transport failure outlasting the bounded retries parks the invoice, never loops."""
    # given
    key = unique_key()
    running.world.add(key)
    running.world.transport_failures = FAST_RETRY.maximum_attempts
    # when
    handle = await start_invoice(running.client, invoice_input(key), task_queue=running.task_queue)
    status = await handle.result()
    # then
    assert status.state is InvoiceState.PARKED
    assert running.world.create_attempts == FAST_RETRY.maximum_attempts
    assert running.world.parked[0].error_type == "ConnectionError"


async def test_worker_restart_mid_workflow_completes_exactly_once(running: Running) -> None:
    """A worker shut down while the invoice awaits review is replaced, and the post happens once."""
    # given
    key = unique_key()
    world = running.world
    invoices, runs = world.activities()
    with activity_executor() as executor:
        first = build_worker(
            running.client,
            invoices=invoices,
            runs=runs,
            executor=executor,
            task_queue=f"{running.task_queue}-restart",
        )
        async with first:
            world.add(key, BIG)
            given = invoice_input(key)
            handle = await start_invoice(running.client, given, task_queue=first.task_queue)
            await until(handle, lambda s: s.state is InvoiceState.IN_REVIEW)
        # when: the first worker is gone; the decision arrives before a new worker exists
        await handle.signal(InvoiceWorkflow.decide, Decision(approved=True, user="ana"))
        second = build_worker(
            running.client,
            invoices=invoices,
            runs=runs,
            executor=executor,
            task_queue=first.task_queue,
        )
        async with second:
            status = await handle.result()
    # then
    assert status.state is InvoiceState.POSTED
    assert world.post_calls == 1
    assert len(world.drafts) == 1
    assert world.create_attempts == 1


async def test_decision_signalled_before_the_wait_is_kept(running: Running) -> None:
    """A decision signalled while the invoice is still being drafted is taken at the wait."""
    # given
    key = unique_key()
    running.world.add(key, BIG)
    handle = await start_invoice(running.client, invoice_input(key), task_queue=running.task_queue)
    # when
    await handle.signal(InvoiceWorkflow.decide, Decision(approved=True, user="ana"))
    status = await handle.result()
    # then
    assert status.state is InvoiceState.POSTED
    assert running.world.decisions == [Decision(approved=True, user="ana")]


async def test_recorded_history_replays_without_nondeterminism(running: Running) -> None:
    """A reviewed, escalated and approved invoice's history replays on the current code."""
    # given
    policy = ReviewPolicy(auto_approve_below=Decimal(1000), escalate_after=timedelta(seconds=1))
    handle = await in_review(running, unique_key(), policy)
    await until(handle, lambda s: s.escalations >= 1)
    await handle.execute_update(InvoiceWorkflow.approve, DecisionBy(user="bo"))
    await handle.result()
    history = await handle.fetch_history()
    # when
    replayer = Replayer(workflows=[InvoiceWorkflow], data_converter=DATA_CONVERTER)
    replayed = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    # then
    assert replayed.replay_failure is None
