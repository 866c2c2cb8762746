"""Storing a batch of drafts and their Intacct outcomes in a few statements; never commits.

``save_drafts`` and ``settle`` do for hundreds of invoices what ``service.save_draft`` and
``record_intacct_key`` / ``record_posting`` / ``park`` do for one, inside the caller's single
transaction: one draft per (company, billing key) still rests on the table's uniqueness.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autobill.db.base import utc_now
from autobill.invoice import repository
from autobill.invoice.mapping import draft_values, line_values
from autobill.invoice.service import PARKED, POSTED, UNDECIDED, Parking, parked_finding
from autobill.models import DraftLine, Finding

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

    from autobill.core.billing import BillingException, Invoice
    from autobill.models import Draft


@dataclass(frozen=True, slots=True)
class NewDraft:
    """One invoice to store as a draft, with its findings and provenance (see ``save_draft``)."""

    company_id: str
    billing_key: str
    invoice: Invoice
    findings: Sequence[BillingException] = ()
    entity_id: str | None = None
    sources: Sequence[Sequence[dict[str, Any]]] = ()
    trace_id: str | None = None


@dataclass(frozen=True, slots=True)
class Settled:
    """What one draft came to in Intacct: its key (posted by ``posted_by``), or parked."""

    draft_id: int
    intacct_key: str | None = None
    posted_by: str | None = None
    parked: Parking | None = None


def save_drafts(session: Session, drafts: Sequence[NewDraft]) -> list[Draft]:
    """Store many drafts as ``save_draft`` does each, in a few statements; return them in order.

    A draft already stored for its (company, billing key) is returned unchanged.
    """
    found: dict[tuple[str, str], Draft] = {}
    for company_id in dict.fromkeys(d.company_id for d in drafts):
        mine = [d for d in drafts if d.company_id == company_id]
        rows = [_draft_row(d) for d in mine]
        created = repository.insert_drafts(session, rows)
        keys = [d.billing_key for d in mine]
        stored = repository.drafts_by_key(session, company_id=company_id, keys=keys)
        fresh = [(d, stored[d.billing_key]) for d in mine if stored[d.billing_key].id in created]
        _add_details(session, fresh)
        found.update(((company_id, key), draft) for key, draft in stored.items())
    return [found[d.company_id, d.billing_key] for d in drafts]


def _draft_row(new: NewDraft) -> dict[str, Any]:
    """The draft row of ``new``, as ``save_draft`` stores it."""
    values = draft_values(new.invoice)
    return values | {
        "company_id": new.company_id,
        "billing_key": new.billing_key,
        "entity_id": new.entity_id,
        "trace_id": new.trace_id,
        "status": UNDECIDED,
    }


def _add_details(session: Session, fresh: Sequence[tuple[NewDraft, Draft]]) -> None:
    """Insert the lines and findings of the drafts created now."""
    lines: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    for new, draft in fresh:
        for position in range(len(new.invoice.lines)):
            line_sources = new.sources[position] if position < len(new.sources) else ()
            row = line_values(new.invoice, position, line_sources)
            lines.append(row | {"draft_id": draft.id})
        findings += [_finding_row(new, draft.id, f) for f in new.findings]
    repository.add_rows(session, DraftLine, lines)
    repository.add_rows(session, Finding, findings)


def _finding_row(new: NewDraft, draft_id: int, found: BillingException) -> dict[str, Any]:
    return {
        "company_id": new.company_id,
        "billing_key": new.billing_key,
        "draft_id": draft_id,
        "kind": found.kind,
        "source": found.source,
        "message": found.message,
        "severity": "warning",
    }


def settle(session: Session, settled: Sequence[Settled]) -> list[bool]:
    """Record each draft's Intacct key, posting or parking; return which changed anything.

    A draft already carrying what it is given (a retried batch) is left as it is, so the caller
    writes no second audit entry for it.
    """
    drafts = repository.drafts_by_id(session, [s.draft_id for s in settled])
    now = utc_now()
    changed = [_settle_one(session, drafts[s.draft_id], s, now) for s in settled]
    postings = [
        {"draft_id": s.draft_id, "control_id": s.posted_by, "intacct_key": s.intacct_key}
        for s, new in zip(settled, changed, strict=True)
        if new and s.posted_by is not None
    ]
    repository.add_postings(session, postings)
    session.flush()
    return changed


def _settle_one(session: Session, draft: Draft, settled: Settled, now: datetime) -> bool:
    """Apply one settlement to its draft; return whether it changed anything."""
    if settled.parked is not None:
        return _park_draft(session, draft, settled.parked, now)
    status = POSTED if settled.posted_by is not None else draft.status
    if (draft.intacct_key, draft.status) == (settled.intacct_key, status):
        return False
    draft.intacct_key = settled.intacct_key
    draft.status = status
    draft.updated_at = now
    return True


def _park_draft(session: Session, draft: Draft, parking: Parking, now: datetime) -> bool:
    """Park the draft once per step; return whether it was parked now."""
    row = parked_finding(draft.company_id, draft.billing_key, draft.id, parking)
    if not repository.add_finding_once(session, row):
        return False
    draft.status = PARKED
    draft.updated_at = now
    return True
