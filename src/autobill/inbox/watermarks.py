"""All SQL of the poll watermarks: one row per (company, Intacct object)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from autobill.db.base import utc_now
from autobill.db.upsert import insert_ignoring_conflict
from autobill.models import PollWatermark

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.orm import Session


def get(session: Session, *, company_id: str, obj: str) -> PollWatermark | None:
    """Return the watermark of one object of a company, if the poller ever read it."""
    query = sa.select(PollWatermark).where(
        PollWatermark.company_id == company_id, PollWatermark.object == obj
    )
    return session.scalars(query).one_or_none()


def lock(session: Session, *, company_id: str, obj: str) -> PollWatermark:
    """Return the watermark row, created empty if missing, locked for this transaction."""
    values: dict[str, object] = {
        "company_id": company_id,
        "object": obj,
        "modified_at": None,
        "seen": [],
        "updated_at": utc_now(),
    }
    insert_ignoring_conflict(
        session, PollWatermark, values, conflict_columns=("company_id", "object")
    )
    query = (
        sa.select(PollWatermark)
        .where(PollWatermark.company_id == company_id, PollWatermark.object == obj)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).one()


def advance(
    session: Session, watermark: PollWatermark, *, modified_at: str | None, seen: Iterable[str]
) -> None:
    """Move the watermark and remember the changes taken at its second."""
    watermark.modified_at = modified_at
    watermark.seen = sorted(set(seen))
    watermark.updated_at = utc_now()
    session.flush()
