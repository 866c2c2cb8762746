"""The invoice workflow's activities: thin adapters over injected ports, one input model each.

Activities are synchronous on purpose: storage and the Intacct client are synchronous, and the
worker runs them in a thread pool so they never block the workflow event loop.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from autobill.intacct.idempotency import controlid
from autobill.workflows.inputs import (
    ApplyReviewPolicyInput,
    ApplyReviewPolicyResult,
    AuditInput,
    ComputeInvoiceResult,
    CreateIntacctDraftInput,
    CreateIntacctDraftResult,
    GatherContextInput,
    InvoiceContext,
    ParkInvoiceInput,
    PersistDraftInput,
    PersistDraftResult,
    PostInvoiceInput,
    PostInvoiceResult,
    RecordDecisionInput,
    RunChecksInput,
    RunChecksResult,
)
from autobill.workflows.policy import review_outcome
from autobill.workflows.ports import (
    AuditLog,
    BusinessFailure,
    ContextSource,
    DraftStore,
    IntacctDrafts,
    InvoiceCalculator,
    InvoiceChecks,
)


def is_business_failure(error: BaseException) -> bool:
    """Whether retrying cannot help: a BusinessFailure, or an error that says it is final."""
    return isinstance(error, BusinessFailure) or getattr(error, "retryable", True) is False


def error_type(error: BaseException) -> str:
    """The stable type name a failure carries into Temporal and the exception queue."""
    return error.kind if isinstance(error, BusinessFailure) else type(error).__name__


@contextmanager
def traced() -> Iterator[None]:
    """Bind the running activity's workflow id (an invoice's billing key) as the log trace id."""
    if not activity.in_activity():
        yield
        return
    # bound_contextvars restores the previous binding: the worker's threads are reused.
    with structlog.contextvars.bound_contextvars(trace_id=activity.info().workflow_id):
        yield


@contextmanager
def business_failures_are_final() -> Iterator[None]:
    """Log with the workflow's trace id, and turn business failures into final ApplicationErrors."""
    try:
        with traced():
            yield
    except Exception as error:
        if not is_business_failure(error):
            raise
        # non_retryable stops Temporal's retry loop at once, so the workflow parks the invoice
        # instead of hammering Intacct with a request it will refuse every time.
        raise ApplicationError(str(error), type=error_type(error), non_retryable=True) from error


class InvoiceActivities:
    """The steps of one invoice, over the ports the worker injects.

    Args:
        context: reads the event's records from Intacct.
        calculator: computes the invoice with the core.
        checks: the pluggable checks step.
        drafts: our stored drafts, decisions and exceptions.
        intacct: Intacct's invoice writes.
        audit: the audit log.
    """

    def __init__(  # noqa: PLR0913 - one injected port per collaborator, keyword-only
        self,
        *,
        context: ContextSource,
        calculator: InvoiceCalculator,
        checks: InvoiceChecks,
        drafts: DraftStore,
        intacct: IntacctDrafts,
        audit: AuditLog,
    ) -> None:
        self._context = context
        self._calculator = calculator
        self._checks = checks
        self._drafts = drafts
        self._intacct = intacct
        self._audit = audit

    @activity.defn(name="gather_context")
    def gather_context(self, given: GatherContextInput) -> InvoiceContext:
        """Read the event's context from Intacct in one batched read."""
        with business_failures_are_final():
            return self._context.gather(given.billing_key, given.company_id, as_of=given.as_of)

    @activity.defn(name="compute_invoice")
    def compute_invoice(self, context: InvoiceContext) -> ComputeInvoiceResult:
        """Compute the invoice with the core."""
        with business_failures_are_final():
            return self._calculator.compute(context)

    @activity.defn(name="run_checks")
    def run_checks(self, given: RunChecksInput) -> RunChecksResult:
        """Run the checks step over the computed invoice."""
        with business_failures_are_final():
            return RunChecksResult(findings=self._checks.check(given.invoice, given.findings))

    @activity.defn(name="persist_draft")
    def persist_draft(self, given: PersistDraftInput) -> PersistDraftResult:
        """Store the draft; a retry finds the one already stored for the billing key."""
        with business_failures_are_final():
            draft_id = self._drafts.save_draft(
                given.invoice, given.findings, trace_id=given.trace_id
            )
        return PersistDraftResult(draft_id=draft_id)

    @activity.defn(name="create_intacct_draft")
    def create_intacct_draft(self, given: CreateIntacctDraftInput) -> CreateIntacctDraftResult:
        """Create the draft in Intacct under a controlid derived from the billing key."""
        invoice = given.invoice
        control = controlid(company=invoice.company_id, key=invoice.billing_key, step="draft")
        with business_failures_are_final():
            (created,) = self._intacct.create_drafts([(invoice, control)])
            if isinstance(created, BusinessFailure):
                raise created
            self._drafts.record_intacct_key(given.draft_id, created)
        return CreateIntacctDraftResult(intacct_key=created)

    @activity.defn(name="apply_review_policy")
    def apply_review_policy(self, given: ApplyReviewPolicyInput) -> ApplyReviewPolicyResult:
        """Decide whether a person must review the invoice."""
        with traced():
            return review_outcome(given.invoice.total, given.findings, given.policy)

    @activity.defn(name="record_decision")
    def record_decision(self, given: RecordDecisionInput) -> None:
        """Store the reviewer's decision on the draft."""
        with business_failures_are_final():
            self._drafts.record_decision(given.draft_id, given.decision, trace_id=given.trace_id)

    @activity.defn(name="post_invoice")
    def post_invoice(self, given: PostInvoiceInput) -> PostInvoiceResult:
        """Post the approved draft; the controlid makes a retried post a replay, not a copy."""
        control = controlid(company=given.company_id, key=given.billing_key, step="post")
        with business_failures_are_final():
            key = self._intacct.post(given.intacct_key, control_id=control)
            self._drafts.record_posting(given.draft_id, key)
        return PostInvoiceResult(intacct_key=key)

    @activity.defn(name="record_audit")
    def record_audit(self, entry: AuditInput) -> None:
        """Append one entry to the audit log."""
        with traced():
            self._audit.append(entry)

    @activity.defn(name="park_invoice")
    def park_invoice(self, parked: ParkInvoiceInput) -> None:
        """Record the invoice as an exception for people, with an audit entry."""
        with traced():
            self._drafts.park(parked)
            self._audit.append(park_audit(parked))


def park_audit(parked: ParkInvoiceInput) -> AuditInput:
    """The audit entry of a parked invoice."""
    return AuditInput(
        actor="autobill",
        action="invoice.parked",
        subject=parked.billing_key,
        trace_id=parked.trace_id,
        after={"step": parked.step, "error_type": parked.error_type, "message": parked.message},
    )
