"""``BillingRunWorkflow``: everything due for a company/entity on a date, drafted in batches.

Invoices are drafted hundreds per activity (the dev server runs some 25 trivial workflows a
second, so one workflow per invoice would dominate a 10,000-invoice run); only invoices that
need a person get their own ``InvoiceWorkflow``, started at its review wait.

Since posted-on-create, a batch's auto-approved invoices are created in Intacct already posted
by the batch itself, and ``IN_FLIGHT`` batches run at once so their database work overlaps
others' Intacct round trips (the client's limiter still caps Intacct's concurrent requests).
Runs started before keep drafting then posting, one batch at a time (``workflow.patched``).
"""

import asyncio

from temporalio import workflow
from temporalio.exceptions import ActivityError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from autobill.workflows.inputs import (
        BatchOutcome,
        BillingRunInput,
        BillingRunProgress,
        ComputeDueInput,
        DraftBatchInput,
        DraftedInvoice,
        InvoiceWorkflowInput,
        ParkBatchInput,
        PostBatchInput,
    )
    from autobill.workflows.invoice import PARK_RETRY, InvoiceWorkflow, failure_of, run_activity
    from autobill.workflows.run_activities import BillBatchInput, BillingRunActivities

POSTED_ON_CREATE = "posted-on-create"
# Three kept the Intacct limiter's two slots busy in the 10,000-invoice bench; four did not help.
IN_FLIGHT = 3


def _drafting(batch: BillBatchInput) -> DraftBatchInput:
    """The plain batch input the park and post activities take."""
    return DraftBatchInput(**{name: getattr(batch, name) for name in DraftBatchInput.model_fields})


def batches(keys: tuple[str, ...], size: int) -> list[tuple[str, ...]]:
    """Split the billing keys into consecutive batches of at most ``size``."""
    return [keys[i : i + size] for i in range(0, len(keys), size)]


@workflow.defn
class BillingRunWorkflow:
    """Compute what is due, draft it batch by batch, and start reviews where needed."""

    @workflow.init
    def __init__(self, given: BillingRunInput) -> None:
        self._input = given
        self._progress = BillingRunProgress(company_id=given.company_id, run_on=given.run_on)

    @workflow.run
    async def run(self, given: BillingRunInput) -> BillingRunProgress:
        """Run the billing run to its end; return its final progress."""
        due = await run_activity(
            BillingRunActivities.compute_due_invoices,
            ComputeDueInput(
                company_id=given.company_id,
                entity_id=given.entity_id,
                run_on=given.run_on,
                started_at=workflow.now(),
                timezone=given.timezone,
            ),
            given.retry,
        )
        split = batches(due.billing_keys, given.batch_size)
        self._advance(run_on=due.run_on, due=len(due.billing_keys), batches=len(split))
        # Replayed histories of runs started before the patch take the old path throughout.
        post_approved = workflow.patched(POSTED_ON_CREATE)
        bills = [
            BillBatchInput(
                company_id=given.company_id,
                entity_id=given.entity_id,
                run_on=due.run_on,
                billing_keys=keys,
                policy=given.policy,
                trace_id=given.trace_id,
                post_approved=post_approved,
            )
            for keys in split
        ]
        if post_approved:
            # The semaphore wakes waiters in order, so the batches start in list order on
            # every replay; gather issues no command of its own.
            slots = asyncio.Semaphore(IN_FLIGHT)
            await asyncio.gather(*(self._run_in_slot(slots, bill) for bill in bills))
        else:
            for bill in bills:
                await self._run_batch(bill)
        self._advance(done=True)
        return self._progress

    @workflow.query
    def progress(self) -> BillingRunProgress:
        """How far the run has come."""
        return self._progress

    async def _run_in_slot(self, slots: asyncio.Semaphore, batch: BillBatchInput) -> None:
        """Run one batch once fewer than ``IN_FLIGHT`` others are running."""
        async with slots:
            await self._run_batch(batch)

    async def _run_batch(self, batch: BillBatchInput) -> None:
        """Bill one batch, post its auto-approved invoices and start reviews for the rest."""
        try:
            result = await run_activity(BillingRunActivities.draft_batch, batch, self._input.retry)
        except ActivityError as failed:
            # The whole batch failed after its bounded retries: park every invoice of it so
            # people see them, and go on with the next batch.
            await self._park_batch(_drafting(batch), failed)
            self._count_batch(parked=len(batch.billing_keys))
            return
        drafted = result.drafted
        approved = tuple(d for d in drafted if d.outcome is BatchOutcome.AUTO_APPROVED)
        # Posted-on-create batches posted their auto-approved invoices themselves.
        parked = 0 if batch.post_approved else await self._post_batch(_drafting(batch), approved)
        reviews = [d for d in drafted if d.outcome is BatchOutcome.NEEDS_REVIEW]
        # gather is deterministic in a workflow: the starts are commands issued in list order.
        await asyncio.gather(*(self._start_review(batch, d) for d in reviews))
        self._count_batch(
            drafted=sum(d.outcome is not BatchOutcome.PARKED for d in drafted),
            auto_approved=len(approved),
            in_review=len(reviews),
            parked=parked + sum(d.outcome is BatchOutcome.PARKED for d in drafted),
        )

    async def _post_batch(
        self, batch: DraftBatchInput, approved: tuple[DraftedInvoice, ...]
    ) -> int:
        """Post the batch's auto-approved invoices; return how many had to be parked."""
        if not approved:
            return 0
        posting = PostBatchInput(
            company_id=batch.company_id, invoices=approved, trace_id=batch.trace_id
        )
        try:
            posted = await run_activity(BillingRunActivities.post_batch, posting, self._input.retry)
        except ActivityError as failed:
            keys = tuple(d.billing_key for d in approved)
            await self._park_batch(batch.model_copy(update={"billing_keys": keys}), failed)
            return len(approved)
        return len(approved) - posted.posted

    async def _park_batch(self, batch: DraftBatchInput, failed: ActivityError) -> None:
        """Park every invoice of the batch with the error that ended its retries."""
        kind, message = failure_of(failed)
        parking = ParkBatchInput(batch=batch, error_type=kind, message=message)
        await run_activity(BillingRunActivities.park_batch, parking, self._input.retry, PARK_RETRY)

    async def _start_review(self, batch: DraftBatchInput, invoice: DraftedInvoice) -> None:
        """Start the invoice's own workflow at its review wait, unless one already runs."""
        given = InvoiceWorkflowInput(
            billing_key=invoice.billing_key,
            company_id=batch.company_id,
            entity_id=batch.entity_id,
            as_of=batch.run_on,
            trace_id=batch.trace_id,
            policy=self._input.policy,
            retry=self._input.retry,
            drafted=invoice,
        )
        try:
            # ABANDON: a review may take days; the run must finish without waiting for it,
            # and its end must not cancel the reviews it started.
            await workflow.start_child_workflow(
                InvoiceWorkflow.run,
                given,
                id=invoice.billing_key,
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
            )
        except WorkflowAlreadyStartedError:
            workflow.logger.info("review of %s already running", invoice.billing_key)

    def _count_batch(self, **counts: int) -> None:
        """Add one finished batch's counts to the progress."""
        totals = {name: getattr(self._progress, name) + n for name, n in counts.items()}
        self._advance(batches_done=self._progress.batches_done + 1, **totals)

    def _advance(self, **changes: object) -> None:
        """Replace the progress with the given fields changed."""
        self._progress = self._progress.model_copy(update=changes)
