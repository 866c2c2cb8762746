"""All SQL of the event inbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from autobill.db.base import utc_now
from autobill.db.upsert import insert_ignoring_conflict
from autobill.models import InboxEvent

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session


def insert_if_new(
    session: Session,
    *,
    source: str,
    external_id: str,
    payload: Mapping[str, Any],
    trace_id: str | None = None,
) -> bool:
    """Store an event unless ``(source, external_id)`` is already in; True if it was new."""
    values = {
        "source": source,
        "external_id": external_id,
        "payload": dict(payload),
        "trace_id": trace_id,
        "received_at": utc_now(),
    }
    conflict = ("source", "external_id")
    return (
        insert_ignoring_conflict(session, InboxEvent, values, conflict_columns=conflict) is not None
    )


def get(session: Session, *, source: str, external_id: str) -> InboxEvent | None:
    """Return the event with this source and external id, if any."""
    query = sa.select(InboxEvent).where(
        InboxEvent.source == source, InboxEvent.external_id == external_id
    )
    return session.scalars(query).one_or_none()


def unhandled(session: Session, *, limit: int = 100) -> list[InboxEvent]:
    """Return the oldest events whose workflow was not started yet."""
    query = (
        sa.select(InboxEvent)
        .where(InboxEvent.handled_at.is_(None))
        .order_by(InboxEvent.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def mark_handled(session: Session, event: InboxEvent, *, at: datetime | None = None) -> None:
    """Record that the event's workflow was started."""
    event.handled_at = at or utc_now()
    session.flush()


def received_by_trace(session: Session, trace_ids: Sequence[str]) -> dict[str, datetime]:
    """Return when the events of these trace ids were accepted, by trace id."""
    query = sa.select(InboxEvent.trace_id, InboxEvent.received_at).where(
        InboxEvent.trace_id.in_(trace_ids)
    )
    return {trace: at for trace, at in session.execute(query) if trace is not None}


def count_unhandled(session: Session) -> int:
    """Return how many accepted events still wait for their workflow to be started."""
    query = sa.select(sa.func.count()).where(InboxEvent.handled_at.is_(None))
    return int(session.scalar(query) or 0)
