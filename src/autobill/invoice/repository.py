"""All SQL of invoice drafts: one draft per (company, billing key), with its lines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from autobill.db.upsert import insert_ignoring_conflict
from autobill.invoice.mapping import draft_values, line_values
from autobill.models import Draft, DraftLine, Finding, Posting, ReviewDecision

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sqlalchemy.orm import Session

    from autobill.core.billing.model import Invoice

# Keys per IN list: well under the bound-parameter limits of SQLite and PostgreSQL.
IN_CHUNK: Final = 500


def get_or_create_draft(
    session: Session, *, company_id: str, billing_key: str, values: Mapping[str, Any]
) -> tuple[Draft, bool]:
    """Insert a draft unless the company already has one for this billing key.

    Returns the draft and whether it was created now; an existing draft is returned unchanged.
    """
    row = {**values, "company_id": company_id, "billing_key": billing_key}
    conflict = ("company_id", "billing_key")
    new_id = insert_ignoring_conflict(session, Draft, row, conflict_columns=conflict)
    draft = get_by_key(session, company_id=company_id, billing_key=billing_key)
    if draft is None:  # pragma: no cover - the insert or the conflicting row guarantees one
        msg = f"draft {company_id}/{billing_key} vanished"
        raise LookupError(msg)
    return draft, new_id is not None


def get_by_key(session: Session, *, company_id: str, billing_key: str) -> Draft | None:
    """Return the company's draft for ``billing_key``, if any."""
    query = sa.select(Draft).where(Draft.company_id == company_id, Draft.billing_key == billing_key)
    return session.scalars(query).one_or_none()


def get(session: Session, draft_id: int) -> Draft | None:
    """Return the draft with this id, if any."""
    return session.get(Draft, draft_id)


def save_invoice(  # noqa: PLR0913 - identity, invoice and provenance, all keyword-only
    session: Session,
    *,
    company_id: str,
    billing_key: str,
    invoice: Invoice,
    sources: Sequence[Sequence[dict[str, Any]]] = (),
    base_currency: str | None = None,
    trace_id: str | None = None,
    billing_run_id: int | None = None,
) -> tuple[Draft, bool]:
    """Store ``invoice`` as the draft for ``billing_key`` with its lines, unless one exists.

    ``sources`` gives, per line, the source records it came from. Returns the draft and whether
    it was created now; an existing draft keeps its lines.
    """
    values = draft_values(invoice, base_currency=base_currency)
    values |= {"trace_id": trace_id, "billing_run_id": billing_run_id}
    draft, created = get_or_create_draft(
        session, company_id=company_id, billing_key=billing_key, values=values
    )
    if created:
        _add_lines(session, draft, invoice, sources)
    return draft, created


def _add_lines(
    session: Session, draft: Draft, invoice: Invoice, sources: Sequence[Sequence[dict[str, Any]]]
) -> None:
    for position in range(len(invoice.lines)):
        line_sources = sources[position] if position < len(sources) else ()
        draft.lines.append(DraftLine(**line_values(invoice, position, line_sources)))
    session.flush()


def insert_drafts(session: Session, rows: Sequence[Mapping[str, Any]]) -> set[int]:
    """Insert drafts, skipping each whose (company, billing key) is stored; return the new ids.

    One executemany (batched into multi-row statements by the driver layer, compiled once).
    """
    if not rows:
        return set()
    statement = (
        _insert(session, Draft)
        .on_conflict_do_nothing(index_elements=["company_id", "billing_key"])
        .returning(Draft.id)
    )
    return set(session.scalars(statement, [dict(row) for row in rows]))


def drafts_by_key(session: Session, *, company_id: str, keys: Sequence[str]) -> dict[str, Draft]:
    """Return the company's drafts of these billing keys, by billing key."""
    found: dict[str, Draft] = {}
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start : start + IN_CHUNK]
        query = sa.select(Draft).where(Draft.company_id == company_id, Draft.billing_key.in_(chunk))
        found.update((draft.billing_key, draft) for draft in session.scalars(query))
    return found


def drafts_by_id(session: Session, ids: Sequence[int]) -> dict[int, Draft]:
    """Return the drafts of these ids, by id."""
    found: dict[int, Draft] = {}
    for start in range(0, len(ids), IN_CHUNK):
        query = sa.select(Draft).where(Draft.id.in_(ids[start : start + IN_CHUNK]))
        found.update((draft.id, draft) for draft in session.scalars(query))
    return found


def add_rows(session: Session, model: type[DraftLine | Finding], rows: Sequence[Any]) -> None:
    """Insert plain rows (lines or findings without a dedupe key) in one executemany."""
    if rows:
        session.execute(sa.insert(model), list(rows))


def add_finding_once(session: Session, row: Mapping[str, Any]) -> bool:
    """Insert a finding unless its ``dedupe_key`` is stored; return whether it was inserted."""
    return (
        insert_ignoring_conflict(session, Finding, row, conflict_columns=("dedupe_key",))
        is not None
    )


def add_postings(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert postings in one executemany, skipping each draft whose posting is recorded."""
    if rows:
        statement = _insert(session, Posting).on_conflict_do_nothing(index_elements=["draft_id"])
        session.execute(statement, [dict(row) for row in rows])


def _insert(session: Session, model: type[Draft | Posting]) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT of ``model``, which knows ON CONFLICT DO NOTHING."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def add_findings(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert findings; one whose ``dedupe_key`` is already stored is skipped."""
    for row in rows:
        if row.get("dedupe_key") is None:
            session.add(Finding(**row))
        else:
            insert_ignoring_conflict(session, Finding, row, conflict_columns=("dedupe_key",))
    session.flush()


def findings_of(session: Session, *, company_id: str, billing_key: str) -> list[Finding]:
    """Return the findings recorded for a billing key, oldest first."""
    query = (
        sa.select(Finding)
        .where(Finding.company_id == company_id, Finding.billing_key == billing_key)
        .order_by(Finding.id)
    )
    return list(session.scalars(query))


def add_decision(session: Session, values: Mapping[str, Any]) -> ReviewDecision:
    """Insert a review decision, unless the same person's same decision is already stored."""
    query = sa.select(ReviewDecision).where(
        ReviewDecision.draft_id == values["draft_id"],
        ReviewDecision.decision == values["decision"],
        ReviewDecision.decided_by == values["decided_by"],
    )
    existing = session.scalars(query).first()
    if existing is not None:
        return existing
    decision = ReviewDecision(**values)
    session.add(decision)
    session.flush()
    return decision


def add_posting(session: Session, values: Mapping[str, Any]) -> None:
    """Insert the draft's posting unless it is already recorded."""
    insert_ignoring_conflict(session, Posting, values, conflict_columns=("draft_id",))


def posting_of(session: Session, draft_id: int) -> Posting | None:
    """Return the draft's posting, if any."""
    return session.scalars(sa.select(Posting).where(Posting.draft_id == draft_id)).one_or_none()


def list_drafts(
    session: Session, *, statuses: Sequence[str] | None = None, limit: int = 100
) -> list[Draft]:
    """Return drafts, newest first, optionally only those in one of ``statuses``."""
    query = sa.select(Draft).order_by(Draft.id.desc()).limit(limit)
    if statuses is not None:
        query = query.where(Draft.status.in_(statuses))
    return list(session.scalars(query))


def findings_of_draft(session: Session, draft: Draft) -> list[Finding]:
    """Return the findings of a draft: attached to it or to its billing key, oldest first."""
    query = (
        sa.select(Finding)
        .where(
            sa.or_(
                Finding.draft_id == draft.id,
                sa.and_(
                    Finding.company_id == draft.company_id,
                    Finding.billing_key == draft.billing_key,
                ),
            )
        )
        .order_by(Finding.id)
    )
    return list(session.scalars(query))


def decisions_of(session: Session, draft_id: int) -> list[ReviewDecision]:
    """Return the review decisions of a draft, oldest first."""
    query = (
        sa.select(ReviewDecision)
        .where(ReviewDecision.draft_id == draft_id)
        .order_by(ReviewDecision.id)
    )
    return list(session.scalars(query))


def parked_keys(session: Session, *, company_id: str) -> set[str]:
    """Return the billing keys of the company parked as exceptions (with or without a draft)."""
    query = sa.select(Finding.billing_key).where(
        Finding.company_id == company_id, Finding.dedupe_key.like("parked:%")
    )
    return {key for key in session.scalars(query) if key}
