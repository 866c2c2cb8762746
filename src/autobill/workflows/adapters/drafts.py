"""``DraftStore`` over our database: each call is one unit of work, committed once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autobill.audit import service as audit
from autobill.core.billing import BillingException
from autobill.db.session import unit_of_work
from autobill.intacct.idempotency import controlid
from autobill.invoice import batch, service
from autobill.workflows.adapters.audit import new_entry
from autobill.workflows.ports import Settlement, StoredDraft
from autobill.workflows.snapshots import core_invoice

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session, sessionmaker

    from autobill.models import Draft
    from autobill.workflows.inputs import Decision, Finding, InvoiceSnapshot, ParkInvoiceInput


class DatabaseDraftStore:
    """Drafts, decisions, postings and parked invoices in our database.

    Args:
        sessions: the session factory; every method opens its own session and commits once.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def save_draft(
        self, invoice: InvoiceSnapshot, findings: Sequence[Finding], *, trace_id: str
    ) -> str:
        """Store the draft, or find the one already stored for its key; return its id."""
        with unit_of_work(self._sessions) as session:
            draft = service.save_draft(
                session,
                company_id=invoice.company_id,
                billing_key=invoice.billing_key,
                invoice=core_invoice(invoice),
                findings=[BillingException(f.kind, f.source, f.message) for f in findings],
                entity_id=invoice.entity_id,
                sources=[list(line.sources) for line in invoice.lines],
                trace_id=trace_id,
            )
            return str(draft.id)

    def record_intacct_key(self, draft_id: str, intacct_key: str) -> None:
        """Remember the Intacct key of the draft."""
        with unit_of_work(self._sessions) as session:
            service.record_intacct_key(session, int(draft_id), intacct_key)

    def record_decision(self, draft_id: str, decision: Decision, *, trace_id: str) -> None:
        """Store a reviewer's decision on the draft."""
        with unit_of_work(self._sessions) as session:
            service.record_decision(
                session,
                int(draft_id),
                approved=decision.approved,
                user=decision.user,
                reason=decision.reason,
                trace_id=trace_id,
            )

    def record_posting(self, draft_id: str, intacct_key: str) -> None:
        """Mark the draft posted in Intacct."""
        with unit_of_work(self._sessions) as session:
            draft = service.draft_of(session, int(draft_id))
            # The controlid the post activity wrote with, so the posting names its write.
            control = controlid(company=draft.company_id, key=draft.billing_key, step="post")
            service.record_posting(session, draft.id, intacct_key, control_id=control)

    def park(self, parked: ParkInvoiceInput) -> None:
        """Record the invoice as an exception for people (idempotent per billing key and step)."""
        with unit_of_work(self._sessions) as session:
            service.park(
                session,
                company_id=parked.company_id,
                billing_key=parked.billing_key,
                draft_id=int(parked.draft_id) if parked.draft_id else None,
                step=parked.step,
                kind=parked.error_type,
                message=parked.message,
            )

    def save_drafts(
        self, invoices: Sequence[tuple[InvoiceSnapshot, Sequence[Finding]]], *, trace_id: str
    ) -> Sequence[StoredDraft]:
        """Store (or find) the drafts of a batch in one transaction; answer in the same order."""
        with unit_of_work(self._sessions) as session:
            drafts = batch.save_drafts(session, [_new(i, f, trace_id) for i, f in invoices])
            return [_stored(draft) for draft in drafts]

    def settle(self, settlements: Sequence[Settlement]) -> None:
        """Record a batch's keys, postings and parkings with their audit entries, atomically."""
        with unit_of_work(self._sessions) as session:
            changed = batch.settle(session, [_settled(s) for s in settlements])
            entries = [
                new_entry(entry)
                for settlement, new in zip(settlements, changed, strict=True)
                if new
                for entry in settlement.audit
            ]
            audit.append_many(session, entries)


def _new(invoice: InvoiceSnapshot, findings: Sequence[Finding], trace_id: str) -> batch.NewDraft:
    """The invoice slice's new draft of an activity's invoice snapshot."""
    return batch.NewDraft(
        company_id=invoice.company_id,
        billing_key=invoice.billing_key,
        invoice=core_invoice(invoice),
        findings=[BillingException(f.kind, f.source, f.message) for f in findings],
        entity_id=invoice.entity_id,
        sources=[list(line.sources) for line in invoice.lines],
        trace_id=trace_id,
    )


def _stored(draft: Draft) -> StoredDraft:
    """What the activity needs to know of a stored draft."""
    posted = draft.status == service.POSTED
    return StoredDraft(draft_id=str(draft.id), intacct_key=draft.intacct_key, posted=posted)


def _settled(settlement: Settlement) -> batch.Settled:
    """The invoice slice's settlement of an activity's one."""
    parked = settlement.parked
    parking = None
    if parked is not None:
        parking = service.Parking(parked.step, parked.error_type, parked.message)
    return batch.Settled(
        draft_id=int(settlement.draft_id),
        intacct_key=settlement.intacct_key,
        posted_by=settlement.posted_by,
        parked=parking,
    )
