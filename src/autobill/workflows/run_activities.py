"""The billing run's activities: compute what is due once, then draft and post in batches."""

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from temporalio import activity

from autobill.intacct.idempotency import controlid
from autobill.workflows.activities import (
    business_failures_are_final,
    error_type,
    park_audit,
    traced,
)
from autobill.workflows.inputs import (
    AuditInput,
    BatchOutcome,
    ComputeDueInput,
    ComputeDueResult,
    DraftBatchInput,
    DraftBatchResult,
    DraftedInvoice,
    Finding,
    InvoiceSnapshot,
    ParkBatchInput,
    ParkInvoiceInput,
    PostBatchInput,
    PostBatchResult,
)
from autobill.workflows.policy import review_outcome
from autobill.workflows.ports import (
    AuditLog,
    BusinessFailure,
    DraftStore,
    DueInvoices,
    IntacctDrafts,
)

if TYPE_CHECKING:
    from pydantic import JsonValue


def local_date(instant: datetime, timezone: str) -> date:
    """The calendar date of ``instant`` in the entity's timezone."""
    return instant.astimezone(ZoneInfo(timezone)).date()


class BillingRunActivities:
    """The batched steps of a billing run, over the ports the worker injects.

    Args:
        due: computes and keeps the invoices due.
        drafts: our stored drafts and exceptions.
        intacct: Intacct's invoice writes (batched by the client).
        audit: the audit log.
    """

    def __init__(
        self, *, due: DueInvoices, drafts: DraftStore, intacct: IntacctDrafts, audit: AuditLog
    ) -> None:
        self._due = due
        self._drafts = drafts
        self._intacct = intacct
        self._audit = audit

    @activity.defn(name="compute_due_invoices")
    def compute_due_invoices(self, given: ComputeDueInput) -> ComputeDueResult:
        """Compute every invoice due on the run date; return their billing keys."""
        run_on = given.run_on or local_date(given.started_at, given.timezone)
        with business_failures_are_final():
            keys, findings = self._due.compute_due(given.company_id, given.entity_id, run_on=run_on)
        return ComputeDueResult(run_on=run_on, billing_keys=keys, findings=findings)

    @activity.defn(name="draft_batch")
    def draft_batch(self, given: DraftBatchInput) -> DraftBatchResult:
        """Persist, draft in Intacct (one batched call) and sort one batch by review policy."""
        with business_failures_are_final():
            loaded = self._due.load(given.company_id, given.billing_keys, run_on=given.run_on)
            draft_ids = [
                self._drafts.save_draft(invoice, found, trace_id=given.trace_id)
                for invoice, found in loaded
            ]
            requests = [
                (inv, controlid(company=inv.company_id, key=inv.billing_key, step="draft"))
                for inv, _ in loaded
            ]
            created = self._intacct.create_drafts(requests)
        drafted = tuple(
            self._settle(given, invoice, found, draft_id, outcome)
            for (invoice, found), draft_id, outcome in zip(loaded, draft_ids, created, strict=True)
        )
        return DraftBatchResult(drafted=drafted)

    def _settle(
        self,
        given: DraftBatchInput,
        invoice: InvoiceSnapshot,
        found: tuple[Finding, ...],
        draft_id: str,
        created: str | BusinessFailure,
    ) -> DraftedInvoice:
        """Record one invoice's Intacct answer: its key and review outcome, or park it."""
        key, total = invoice.billing_key, invoice.total
        if isinstance(created, BusinessFailure):
            self._park(given.company_id, given.trace_id, key, draft_id, "draft", created)
            return DraftedInvoice(
                billing_key=key,
                draft_id=draft_id,
                intacct_key="",
                total=total,
                outcome=BatchOutcome.PARKED,
                reason=str(created),
            )
        self._drafts.record_intacct_key(draft_id, created)
        policy = review_outcome(invoice.total, found, given.policy)
        outcome = BatchOutcome.NEEDS_REVIEW if policy.needs_review else BatchOutcome.AUTO_APPROVED
        self._audit.append(_drafted_audit(invoice, created, outcome, given.trace_id))
        return DraftedInvoice(
            billing_key=key,
            draft_id=draft_id,
            intacct_key=created,
            total=total,
            findings=found,
            outcome=outcome,
            reason=policy.reason,
        )

    @activity.defn(name="post_batch")
    def post_batch(self, given: PostBatchInput) -> PostBatchResult:
        """Post a batch of auto-approved drafts; controlids make a retried batch a replay."""
        with traced():
            return PostBatchResult(posted=self._post_each(given))

    def _post_each(self, given: PostBatchInput) -> int:
        """Post each invoice of the batch, parking the refused ones; return how many posted."""
        posted = 0
        for invoice in given.invoices:
            control = controlid(company=given.company_id, key=invoice.billing_key, step="post")
            try:
                key = self._intacct.post(invoice.intacct_key, control_id=control)
            except BusinessFailure as refused:
                self._park(
                    given.company_id,
                    given.trace_id,
                    invoice.billing_key,
                    invoice.draft_id,
                    "post",
                    refused,
                )
                continue
            self._drafts.record_posting(invoice.draft_id, key)
            self._audit.append(_posted_audit(invoice, key, given.trace_id))
            posted += 1
        return posted

    @activity.defn(name="park_batch")
    def park_batch(self, given: ParkBatchInput) -> None:
        """Park every invoice of a batch that failed as a whole, so none is silently dropped."""
        batch = given.batch
        failure = BusinessFailure(given.error_type, given.message)
        with traced():
            for key in batch.billing_keys:
                self._park(batch.company_id, batch.trace_id, key, None, "draft_batch", failure)

    def _park(  # noqa: PLR0913, PLR0917 - a parked invoice's parts, each required, in one place
        self,
        company_id: str,
        trace_id: str,
        billing_key: str,
        draft_id: str | None,
        step: str,
        failure: Exception,
    ) -> None:
        """Record one invoice as an exception for people, with its audit entry."""
        parked = ParkInvoiceInput(
            billing_key=billing_key,
            company_id=company_id,
            draft_id=draft_id,
            step=step,
            error_type=error_type(failure),
            message=str(failure),
            trace_id=trace_id,
        )
        self._drafts.park(parked)
        self._audit.append(park_audit(parked))


def _drafted_audit(
    invoice: InvoiceSnapshot, intacct_key: str, outcome: BatchOutcome, trace_id: str
) -> AuditInput:
    """The audit entry of an invoice drafted in a batch."""
    after: dict[str, JsonValue] = {
        "state": "drafted",
        "intacct_key": intacct_key,
        "outcome": outcome.value,
        "total": str(invoice.total),
    }
    return AuditInput(
        actor="autobill",
        action="invoice.drafted",
        subject=invoice.billing_key,
        trace_id=trace_id,
        after=after,
    )


def _posted_audit(invoice: DraftedInvoice, intacct_key: str, trace_id: str) -> AuditInput:
    """The audit entry of an auto-approved invoice posted in a batch."""
    return AuditInput(
        actor="autobill",
        action="invoice.posted",
        subject=invoice.billing_key,
        trace_id=trace_id,
        after={"state": "posted", "intacct_key": intacct_key},
    )
