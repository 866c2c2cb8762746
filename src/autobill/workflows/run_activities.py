"""The billing run's activities: compute what is due once, then bill in batches.

A batch costs two transactions, not several per invoice: its drafts are stored in one, and
what Intacct answered (keys, postings, parkings) with the audit entries that say so in the
other. With ``post_approved`` an invoice the policy auto-approves is created in Intacct already
posted: one write instead of draft-then-post, under the same controlid as a draft, so a retried
batch replays it rather than creating a second document.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal
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
    ApplyReviewPolicyResult,
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
    NewDocument,
    Settlement,
    StoredDraft,
)

if TYPE_CHECKING:
    from pydantic import JsonValue

Answer = str | BusinessFailure


class BillBatchInput(DraftBatchInput):
    """A batch to bill; ``post_approved`` creates its auto-approved invoices already posted.

    Without it (a run started before posted-on-create) the batch only drafts, as it did.
    """

    post_approved: bool = False


@dataclass(frozen=True, slots=True)
class Planned:
    """One invoice of a batch: its stored draft, the policy's decision and the write it needs.

    ``write`` is ``create`` (a draft, or posted when ``post``), ``post`` (drafted by an earlier
    run but not posted: the update posts it) or ``none`` (an earlier attempt posted it).
    """

    invoice: InvoiceSnapshot
    findings: tuple[Finding, ...]
    stored: StoredDraft
    review: ApplyReviewPolicyResult
    post: bool
    write: Literal["create", "post", "none"]

    def control(self, step: str) -> str:
        """The invoice's controlid for ``step`` (``draft`` names its create, posted or not)."""
        return controlid(company=self.invoice.company_id, key=self.invoice.billing_key, step=step)


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
    def draft_batch(self, given: BillBatchInput) -> DraftBatchResult:
        """Store, create in Intacct (batched) and settle one batch, sorted by review policy."""
        with business_failures_are_final():
            loaded = self._due.load(given.company_id, given.billing_keys, run_on=given.run_on)
            stored = self._drafts.save_drafts(loaded, trace_id=given.trace_id)
            planned = [
                _plan(given, invoice, found, draft)
                for (invoice, found), draft in zip(loaded, stored, strict=True)
            ]
            settled = [
                _settle(given, p, a) for p, a in zip(planned, self._write(planned), strict=True)
            ]
            self._drafts.settle([s for s, _ in settled if s is not None])
        return DraftBatchResult(drafted=tuple(d for _, d in settled))

    def _write(self, planned: Sequence[Planned]) -> list[Answer | None]:
        """Intacct's answer for each invoice, in two batched calls at most (None: no write)."""
        creates = [p for p in planned if p.write == "create"]
        updates = [p for p in planned if p.write == "post"]
        created: Iterator[Answer] = iter(())
        posted: Iterator[Answer] = iter(())
        if creates:
            documents = [NewDocument(p.invoice, p.control("draft"), posted=p.post) for p in creates]
            created = iter(self._intacct.create_documents(documents))
        if updates:
            postings = [(p.stored.intacct_key or "", p.control("post")) for p in updates]
            posted = iter(self._intacct.post_many(postings))
        sources = {"create": created, "post": posted}
        return [next(sources[p.write]) if p.write in sources else None for p in planned]

    @activity.defn(name="post_batch")
    def post_batch(self, given: PostBatchInput) -> PostBatchResult:
        """Post a batch of auto-approved drafts; controlids make a retried batch a replay."""
        postings = [
            (d.intacct_key, controlid(company=given.company_id, key=d.billing_key, step="post"))
            for d in given.invoices
        ]
        with business_failures_are_final():
            # One batched call (up to 50 postings a request), not one Intacct request each.
            answers = self._intacct.post_many(postings)
            settled = zip(given.invoices, answers, strict=True)
            return PostBatchResult(posted=sum(self._settle_post(given, d, a) for d, a in settled))

    def _settle_post(
        self, given: PostBatchInput, invoice: DraftedInvoice, answer: str | BusinessFailure
    ) -> bool:
        """Record one invoice's posting, or park it when Intacct refused; return whether posted."""
        if isinstance(answer, BusinessFailure):
            self._park(
                given.company_id,
                given.trace_id,
                invoice.billing_key,
                invoice.draft_id,
                "post",
                answer,
            )
            return False
        self._drafts.record_posting(invoice.draft_id, answer)
        self._audit.append(_posted_audit(invoice, answer, given.trace_id))
        return True

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


def _plan(
    given: BillBatchInput,
    invoice: InvoiceSnapshot,
    found: tuple[Finding, ...],
    stored: StoredDraft,
) -> Planned:
    """Decide the invoice's review outcome, and so the write it needs in Intacct."""
    review = review_outcome(invoice.total, found, given.policy)
    post = given.post_approved and not review.needs_review
    write: Literal["create", "post", "none"] = "create"
    if post and stored.posted:
        write = "none"
    elif post and stored.intacct_key:
        # Drafted by an earlier run, not posted: creating it posted would only replay the
        # draft's controlid and answer the draft; the update posts the document we have.
        write = "post"
    return Planned(invoice, found, stored, review, post, write)


def _settle(
    given: BillBatchInput, planned: Planned, answer: Answer | None
) -> tuple[Settlement | None, DraftedInvoice]:
    """What to record of one invoice (None: nothing new) and what the workflow learns of it."""
    invoice, stored = planned.invoice, planned.stored
    drafted = DraftedInvoice(
        billing_key=invoice.billing_key,
        draft_id=stored.draft_id,
        intacct_key=stored.intacct_key or "",
        total=invoice.total,
        findings=planned.findings,
        outcome=_outcome(planned.review),
        reason=planned.review.reason,
    )
    if answer is None:
        return None, drafted
    if isinstance(answer, BusinessFailure):
        parked = _parked(given, planned, answer)
        settlement = Settlement(stored.draft_id, parked=parked, audit=(park_audit(parked),))
        update = {"outcome": BatchOutcome.PARKED, "reason": str(answer), "findings": ()}
        return settlement, drafted.model_copy(update=update)
    drafted = drafted.model_copy(update={"intacct_key": answer})
    return _recorded(given, planned, drafted), drafted


def _outcome(review: ApplyReviewPolicyResult) -> BatchOutcome:
    return BatchOutcome.NEEDS_REVIEW if review.needs_review else BatchOutcome.AUTO_APPROVED


def _parked(given: BillBatchInput, planned: Planned, refused: BusinessFailure) -> ParkInvoiceInput:
    """The parking of an invoice Intacct refused, at the step it refused."""
    return ParkInvoiceInput(
        billing_key=planned.invoice.billing_key,
        company_id=given.company_id,
        draft_id=planned.stored.draft_id,
        step="post" if planned.write == "post" else "draft",
        error_type=error_type(refused),
        message=str(refused),
        trace_id=given.trace_id,
    )


def _recorded(given: BillBatchInput, planned: Planned, drafted: DraftedInvoice) -> Settlement:
    """The settlement of an invoice Intacct accepted, with its audit entries."""
    key, trace = drafted.intacct_key, given.trace_id
    entries: tuple[AuditInput, ...] = ()
    if planned.write == "create":
        entries = (_drafted_audit(planned.invoice, key, drafted.outcome, trace),)
    if not planned.post:
        return Settlement(drafted.draft_id, intacct_key=key, audit=entries)
    approved = AuditInput(
        actor="autobill",
        action="invoice.auto_approved",
        subject=drafted.billing_key,
        trace_id=trace,
        after={"reason": drafted.reason},
    )
    entries = (*entries, approved, _posted_audit(drafted, key, trace))
    by = planned.control("draft" if planned.write == "create" else "post")
    return Settlement(drafted.draft_id, intacct_key=key, posted_by=by, audit=entries)
