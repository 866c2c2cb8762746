"""``InvoiceWorkflow``: one billable event from its context to a posted (or parked) invoice.

Workflow code must be deterministic: no I/O, no clock but ``workflow.now()``, no randomness.
Everything that touches the world is an activity referenced through the activity class.
"""

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import JsonValue

    from autobill.workflows.activities import InvoiceActivities
    from autobill.workflows.inputs import (
        ApplyReviewPolicyInput,
        AuditInput,
        BatchOutcome,
        ComputeInvoiceResult,
        CreateIntacctDraftInput,
        Decision,
        DecisionBy,
        DraftedInvoice,
        GatherContextInput,
        InvoiceState,
        InvoiceStatus,
        InvoiceWorkflowInput,
        ParkInvoiceInput,
        PersistDraftInput,
        PostInvoiceInput,
        RecordDecisionInput,
        RetrySettings,
        RunChecksInput,
    )

P = TypeVar("P")
R = TypeVar("R")
SYSTEM = "autobill"
WAITING = frozenset({InvoiceState.IN_REVIEW, InvoiceState.ESCALATED})
CLOSED = frozenset(
    {InvoiceState.APPROVED, InvoiceState.REJECTED, InvoiceState.POSTED, InvoiceState.PARKED}
)
# Parking is the safety net that keeps a failed invoice in front of people; it writes only to
# our own database, so it retries until it succeeds rather than dropping the invoice.
PARK_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5), maximum_attempts=0)
# The patch after which a review started by a billing run no longer audits the draft again.
BATCH_AUDITED_DRAFT = "batch-audited-draft"


def retry_policy(settings: RetrySettings) -> RetryPolicy:
    """The bounded retry of transport failures; business failures are non-retryable anyway."""
    return RetryPolicy(
        initial_interval=settings.initial_interval,
        maximum_interval=settings.maximum_interval,
        maximum_attempts=settings.maximum_attempts,
    )


async def run_activity(
    method: Callable[[Any, P], R],
    arg: P,
    settings: RetrySettings,
    retry: RetryPolicy | None = None,
) -> R:
    """Execute an activity method with the run's timeout and retry policy."""
    return await workflow.execute_activity_method(
        method,
        arg,
        start_to_close_timeout=settings.start_to_close,
        retry_policy=retry or retry_policy(settings),
    )


def failure_of(failed: ActivityError) -> tuple[str, str]:
    """The type and message of the error that ended an activity's retries."""
    cause = failed.cause or failed
    if isinstance(cause, ApplicationError) and cause.type:
        return cause.type, str(cause)
    return type(cause).__name__, str(cause)


@workflow.defn
class InvoiceWorkflow:
    """Draft, review, post and audit one invoice; park it when a business rule fails."""

    @workflow.init
    def __init__(self, given: InvoiceWorkflowInput) -> None:
        self._input = given
        self._status = InvoiceStatus(billing_key=given.billing_key, state=InvoiceState.STARTED)
        self._pending: Decision | None = None
        self._step = "start"

    @workflow.run
    async def run(self, given: InvoiceWorkflowInput) -> InvoiceStatus:
        """Run the invoice to posted, rejected or parked; return its final status."""
        try:
            drafted = given.drafted or await self._draft()
            self._adopt(drafted)
            if await self._approved(drafted):
                await self._post()
        except ActivityError as failed:
            # Reached only once retrying is over: a non-retryable business failure, or the
            # bounded transport retries ran out. Either way people must see the invoice.
            await self._park(failed)
        return self._status

    @workflow.query
    def status(self) -> InvoiceStatus:
        """The invoice's current state."""
        return self._status

    @workflow.signal
    def decide(self, decision: Decision) -> None:
        """Take a reviewer's decision sent as a signal; the first one before the end counts."""
        # A signal cannot be refused like an update, and a reviewer may act on the stored draft
        # a moment before this workflow reaches its wait: keep it for the wait, never drop it.
        if self._status.state in CLOSED or self._pending is not None:
            workflow.logger.warning("decision ignored in state %s", self._status.state)
            return
        self._pending = decision

    @workflow.update
    async def approve(self, by: DecisionBy) -> InvoiceStatus:
        """Approve the waiting invoice; answers once the decision is recorded."""
        return await self._decide(Decision(approved=True, user=by.user, reason=by.reason))

    @approve.validator
    def _validate_approve(self, by: DecisionBy) -> None:
        self._require_waiting(by)

    @workflow.update
    async def reject(self, by: DecisionBy) -> InvoiceStatus:
        """Reject the waiting invoice; answers once the decision is recorded."""
        return await self._decide(Decision(approved=False, user=by.user, reason=by.reason))

    @reject.validator
    def _validate_reject(self, by: DecisionBy) -> None:
        self._require_waiting(by)

    def _require_waiting(self, by: DecisionBy) -> None:
        """Refuse an update (before it enters history) unless the invoice awaits a decision."""
        if self._status.state not in WAITING or self._pending is not None:
            msg = f"{self._status.billing_key} is {self._status.state}, not awaiting {by.user}"
            raise ApplicationError(msg, type="InvoiceNotInReview")

    async def _decide(self, decision: Decision) -> InvoiceStatus:
        """Hand the decision to the run and wait until it is recorded."""
        self._pending = decision
        # Also release on parking: a handler still waiting when the run ends would leave the
        # caller with an error instead of the invoice's final status.
        await workflow.wait_condition(
            lambda: self._status.decision is not None or self._status.state in CLOSED
        )
        return self._status

    async def _wait_for_invoice_date(self) -> None:
        """Sleep until the invoice date (UTC) begins: usage or time reported early is not final."""
        day = self._input.not_before
        if day is None:
            return
        begins = datetime.combine(day, time(), tzinfo=UTC)
        if workflow.now() < begins:
            self._step = "wait_for_invoice_date"
            self._status = self._status.model_copy(update={"state": InvoiceState.SCHEDULED})
            await workflow.sleep(begins - workflow.now())
            self._status = self._status.model_copy(update={"state": InvoiceState.STARTED})

    async def _draft(self) -> DraftedInvoice:
        """Gather, compute, check, persist and draft in Intacct; then apply the review policy."""
        await self._wait_for_invoice_date()
        computed = await self._compute()
        invoice = computed.invoice
        self._step = "persist_draft"
        persisted = await self._act(
            InvoiceActivities.persist_draft,
            PersistDraftInput(
                invoice=invoice, findings=computed.findings, trace_id=self._input.trace_id
            ),
        )
        self._status = self._status.model_copy(update={"draft_id": persisted.draft_id})
        self._step = "create_intacct_draft"
        created = await self._act(
            InvoiceActivities.create_intacct_draft,
            CreateIntacctDraftInput(draft_id=persisted.draft_id, invoice=invoice),
        )
        self._step = "apply_review_policy"
        policy = await self._act(
            InvoiceActivities.apply_review_policy,
            ApplyReviewPolicyInput(
                invoice=invoice, findings=computed.findings, policy=self._input.policy
            ),
        )
        outcome = BatchOutcome.NEEDS_REVIEW if policy.needs_review else BatchOutcome.AUTO_APPROVED
        return DraftedInvoice(
            billing_key=invoice.billing_key,
            draft_id=persisted.draft_id,
            intacct_key=created.intacct_key,
            total=invoice.total,
            findings=computed.findings,
            outcome=outcome,
            reason=policy.reason,
        )

    async def _compute(self) -> ComputeInvoiceResult:
        """Read the context, compute the invoice with the core and run the checks."""
        given = self._input
        self._step = "gather_context"
        context = await self._act(
            InvoiceActivities.gather_context,
            GatherContextInput(
                billing_key=given.billing_key,
                company_id=given.company_id,
                entity_id=given.entity_id,
                as_of=given.as_of,
            ),
        )
        self._step = "compute_invoice"
        computed = await self._act(InvoiceActivities.compute_invoice, context)
        self._step = "run_checks"
        checked = await self._act(
            InvoiceActivities.run_checks,
            RunChecksInput(invoice=computed.invoice, findings=computed.findings),
        )
        return computed.model_copy(update={"findings": checked.findings})

    def _adopt(self, drafted: DraftedInvoice) -> None:
        """Take the drafted invoice's facts into the status."""
        self._status = self._status.model_copy(
            update={
                "draft_id": drafted.draft_id,
                "intacct_key": drafted.intacct_key,
                "total": drafted.total,
                "findings": drafted.findings,
            }
        )

    async def _approved(self, drafted: DraftedInvoice) -> bool:
        """Auto-approve per the policy, or wait for a person's decision."""
        await self._drafted(drafted)
        if drafted.outcome is BatchOutcome.AUTO_APPROVED:
            await self._transition(
                InvoiceState.APPROVED, "invoice.auto_approved", {"reason": drafted.reason}
            )
            return True
        await self._transition(
            InvoiceState.IN_REVIEW, "invoice.review_requested", {"reason": drafted.reason}
        )
        return await self._await_decision()

    async def _drafted(self, drafted: DraftedInvoice) -> None:
        """Enter DRAFTED, audited unless a billing run drafted the invoice and audited it."""
        # The run's draft_batch records "invoice.drafted" itself; a second entry here logged one
        # draft twice. patched() lets reviews started before this change replay as they ran.
        if self._input.drafted is not None and workflow.patched(BATCH_AUDITED_DRAFT):
            self._status = self._status.model_copy(update={"state": InvoiceState.DRAFTED})
            return
        after: dict[str, JsonValue] = {"intacct_key": drafted.intacct_key}
        await self._transition(InvoiceState.DRAFTED, "invoice.drafted", after)

    async def _await_decision(self) -> bool:
        """Wait for a decision, escalating each time the escalation timer fires."""
        while True:
            try:
                await workflow.wait_condition(
                    lambda: self._pending is not None,
                    timeout=self._input.policy.escalate_after,
                )
                break
            except TimeoutError:
                # The timer is durable: it survives worker restarts, and escalating does not
                # end the wait, so a late decision is still taken.
                escalations = self._status.escalations + 1
                self._status = self._status.model_copy(update={"escalations": escalations})
                await self._transition(
                    InvoiceState.ESCALATED, "invoice.review_escalated", {"count": escalations}
                )
        return await self._record(self._pending)

    async def _record(self, decision: Decision | None) -> bool:
        """Store the decision, audit it, and release any update waiting on it."""
        if decision is None:  # pragma: no cover - the wait above guarantees a decision
            msg = "no decision to record"
            raise ApplicationError(msg, non_retryable=True)
        self._step = "record_decision"
        await self._act(
            InvoiceActivities.record_decision,
            RecordDecisionInput(
                draft_id=self._status.draft_id or "",
                decision=decision,
                trace_id=self._input.trace_id,
            ),
        )
        state = InvoiceState.APPROVED if decision.approved else InvoiceState.REJECTED
        after: dict[str, JsonValue] = {"reason": decision.reason}
        self._status = self._status.model_copy(update={"decision": decision})
        await self._transition(state, f"invoice.{state.value}", after, actor=decision.user)
        return decision.approved

    async def _post(self) -> None:
        """Post the approved draft in Intacct."""
        self._step = "post_invoice"
        posted = await self._act(
            InvoiceActivities.post_invoice,
            PostInvoiceInput(
                draft_id=self._status.draft_id or "",
                billing_key=self._input.billing_key,
                company_id=self._input.company_id,
                intacct_key=self._status.intacct_key or "",
            ),
        )
        self._status = self._status.model_copy(update={"intacct_key": posted.intacct_key})
        await self._transition(InvoiceState.POSTED, "invoice.posted", {"key": posted.intacct_key})

    async def _park(self, failed: ActivityError) -> None:
        """Record the invoice as an exception for people; the workflow then ends, not fails."""
        kind, message = failure_of(failed)
        self._status = self._status.model_copy(
            update={"state": InvoiceState.PARKED, "parked_reason": f"{kind}: {message}"}
        )
        parked = ParkInvoiceInput(
            billing_key=self._input.billing_key,
            company_id=self._input.company_id,
            draft_id=self._status.draft_id,
            step=self._step,
            error_type=kind,
            message=message,
            trace_id=self._input.trace_id,
        )
        await run_activity(InvoiceActivities.park_invoice, parked, self._input.retry, PARK_RETRY)

    async def _transition(
        self,
        state: InvoiceState,
        action: str,
        after: dict[str, JsonValue],
        *,
        actor: str = SYSTEM,
    ) -> None:
        """Move to ``state`` and record the change in the audit log."""
        before: dict[str, JsonValue] = {"state": self._status.state.value}
        self._status = self._status.model_copy(update={"state": state})
        self._step = "record_audit"
        entry = AuditInput(
            actor=actor,
            action=action,
            subject=self._input.billing_key,
            trace_id=self._input.trace_id,
            before=before,
            after={"state": state.value, **after},
        )
        await self._act(InvoiceActivities.record_audit, entry)

    async def _act(self, method: Callable[[Any, P], R], arg: P) -> R:
        """Execute an activity with this invoice's retry settings."""
        return await run_activity(method, arg, self._input.retry)
