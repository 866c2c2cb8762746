"""Invoice drafts' use cases: store, key in Intacct, decide, post, park; services never commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autobill.db.base import utc_now
from autobill.invoice import repository
from autobill.invoice.schemas import (
    Amount,
    DecisionView,
    DraftDetail,
    DraftLineView,
    DraftSummary,
    FindingView,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sqlalchemy.orm import Session

    from autobill.core.billing import BillingException, Invoice
    from autobill.models import Draft

PARKED = "parked"
POSTED = "posted"
UNDECIDED = "drafted"


class DraftNotFound(LookupError):
    """No draft has this id."""


@dataclass(frozen=True, slots=True)
class Parking:
    """Why an invoice is parked for people: the step that failed and the error."""

    step: str
    kind: str
    message: str


def save_draft(  # noqa: PLR0913 - the draft, its identity and provenance, keyword-only
    session: Session,
    *,
    company_id: str,
    billing_key: str,
    invoice: Invoice,
    findings: Sequence[BillingException] = (),
    entity_id: str | None = None,
    sources: Sequence[Sequence[dict[str, Any]]] = (),
    trace_id: str | None = None,
) -> Draft:
    """Store the draft of (company, billing key) with its lines and findings, or find it.

    A repeat returns the draft already stored, unchanged (its findings are not added twice).
    """
    draft, created = repository.save_invoice(
        session,
        company_id=company_id,
        billing_key=billing_key,
        invoice=invoice,
        sources=sources,
        trace_id=trace_id,
    )
    if created:
        draft.entity_id = entity_id
        rows = [
            {
                "company_id": company_id,
                "billing_key": billing_key,
                "draft_id": draft.id,
                "kind": f.kind,
                "source": f.source,
                "message": f.message,
                "severity": "warning",
            }
            for f in findings
        ]
        repository.add_findings(session, rows)
    return draft


def parked_finding(
    company_id: str, billing_key: str, draft_id: int | None, parking: Parking
) -> dict[str, Any]:
    """The finding that parks an invoice, deduplicated per (company, billing key, step)."""
    dedupe = f"parked:{company_id}:{billing_key}:{parking.step}"
    return {
        "company_id": company_id,
        "billing_key": billing_key,
        "dedupe_key": dedupe[:255],
        "draft_id": draft_id,
        "kind": parking.kind,
        "source": parking.step,
        "message": parking.message,
        "severity": "error",
    }


def draft_of(session: Session, draft_id: int) -> Draft:
    """Return the draft with this id, or raise :class:`DraftNotFound`."""
    draft = repository.get(session, draft_id)
    if draft is None:
        msg = f"draft {draft_id} does not exist"
        raise DraftNotFound(msg)
    return draft


def record_intacct_key(session: Session, draft_id: int, intacct_key: str) -> Draft:
    """Remember the key Intacct gave the draft."""
    draft = draft_of(session, draft_id)
    draft.intacct_key = intacct_key
    draft.updated_at = utc_now()
    session.flush()
    return draft


def record_decision(  # noqa: PLR0913 - a decision's parts, keyword-only
    session: Session,
    draft_id: int,
    *,
    approved: bool,
    user: str,
    reason: str | None,
    fields: Mapping[str, Any] | None = None,
    trace_id: str | None = None,
) -> Draft:
    """Store who approved or rejected the draft, when and why.

    ``fields`` maps each field a reviewer saw to its AI-suggested and approved values.
    """
    draft = draft_of(session, draft_id)
    decision = "approved" if approved else "rejected"
    repository.add_decision(
        session,
        {
            "draft_id": draft.id,
            "decision": decision,
            "decided_by": user,
            "reason": reason,
            "fields": dict(fields or {}),
            "trace_id": trace_id,
        },
    )
    draft.status = decision
    draft.updated_at = utc_now()
    session.flush()
    return draft


def record_posting(session: Session, draft_id: int, intacct_key: str, *, control_id: str) -> Draft:
    """Record the draft as posted in Intacct by the write with this controlid (once)."""
    draft = draft_of(session, draft_id)
    repository.add_posting(
        session, {"draft_id": draft.id, "control_id": control_id, "intacct_key": intacct_key}
    )
    draft.status = "posted"
    draft.updated_at = utc_now()
    session.flush()
    return draft


def park(  # noqa: PLR0913 - a parked invoice's parts, keyword-only
    session: Session,
    *,
    company_id: str,
    billing_key: str,
    draft_id: int | None,
    step: str,
    kind: str,
    message: str,
) -> None:
    """Record the invoice as an exception for people: once per (company, billing key, step)."""
    row = parked_finding(company_id, billing_key, draft_id, Parking(step, kind, message))
    repository.add_findings(session, [row])
    draft = repository.get(session, draft_id) if draft_id is not None else None
    if draft is not None:
        draft.status = PARKED
        draft.updated_at = utc_now()
        session.flush()


def undecided_drafts(session: Session, *, limit: int = 100) -> list[Draft]:
    """Return the drafts nobody has decided yet (only these can await a review), newest first."""
    return repository.list_drafts(session, statuses=[UNDECIDED], limit=limit)


def list_drafts(session: Session, *, limit: int = 100) -> list[Draft]:
    """Return every draft, newest first."""
    return repository.list_drafts(session, limit=limit)


def summary(draft: Draft, *, waiting: bool) -> DraftSummary:
    """Return the list view of a draft."""
    return DraftSummary(
        id=draft.id,
        company_id=draft.company_id,
        billing_key=draft.billing_key,
        status=draft.status,
        customer_id=draft.customer_id,
        invoice_on=draft.invoice_on,
        total=Amount.of_minor(draft.total_amount_minor, draft.currency),
        intacct_key=draft.intacct_key,
        waiting=waiting,
    )


def detail(session: Session, draft: Draft, *, waiting: bool) -> DraftDetail:
    """Return a draft with its lines and their sources, its findings and its decisions."""
    currency = draft.currency
    lines = [
        DraftLineView(
            position=line.position,
            kind=line.kind,
            description=line.description,
            item_id=line.item_id,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=Amount.of_minor(line.line_amount_minor, currency),
            period_start_on=line.period_start_on,
            period_end_on=line.period_end_on,
            gl_account=line.gl_account,
            sources=list(line.sources),
        )
        for line in draft.lines
    ]
    findings = [
        FindingView(kind=f.kind, source=f.source, message=f.message, severity=f.severity)
        for f in repository.findings_of_draft(session, draft)
    ]
    decisions = [
        DecisionView(
            decision=d.decision, decided_by=d.decided_by, decided_at=d.decided_at, reason=d.reason
        )
        for d in repository.decisions_of(session, draft.id)
    ]
    return DraftDetail(
        summary=summary(draft, waiting=waiting),
        subtotal=Amount.of_minor(draft.subtotal_amount_minor, currency),
        tax=Amount.of_minor(draft.tax_amount_minor, currency),
        due_on=draft.due_on,
        lines=lines,
        findings=findings,
        decisions=decisions,
    )


def parked_keys(session: Session, *, company_id: str) -> set[str]:
    """Return the billing keys of the company parked as exceptions for people."""
    return repository.parked_keys(session, company_id=company_id)
