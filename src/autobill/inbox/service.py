"""Use cases of the event inbox: accept an event once, list the pending ones, mark one handled.

Callers own the transaction (a request or a dispatcher step is one unit of work); nothing here
commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autobill.inbox import repository, watermarks
from autobill.models import InboxEvent

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import datetime

    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """An inbox event whose workflow has not been started yet."""

    id: int
    source: str
    external_id: str
    payload: dict[str, Any]
    trace_id: str | None


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to store: where it came from, its id there and its payload."""

    source: str
    external_id: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Watermark:
    """How far the poller has read one object: the newest second and the changes taken at it."""

    modified_at: str | None
    seen: frozenset[str]


def accept(
    session: Session,
    *,
    source: str,
    external_id: str,
    payload: Mapping[str, Any],
    trace_id: str | None = None,
) -> bool:
    """Store the event unless the same (source, external id) is in; True if it is new."""
    return repository.insert_if_new(
        session, source=source, external_id=external_id, payload=payload, trace_id=trace_id
    )


def pending(session: Session, *, limit: int = 100) -> list[PendingEvent]:
    """Return the oldest events not handled yet."""
    return [
        PendingEvent(e.id, e.source, e.external_id, dict(e.payload), e.trace_id)
        for e in repository.unhandled(session, limit=limit)
    ]


def mark_handled(session: Session, event_id: int) -> None:
    """Record that the event's workflow was started (or that it needs none)."""
    event = session.get(InboxEvent, event_id)
    if event is not None and event.handled_at is None:
        repository.mark_handled(session, event)


def watermark(session: Session, *, company_id: str, obj: str) -> Watermark:
    """Return how far the poller has read an object of a company."""
    row = watermarks.get(session, company_id=company_id, obj=obj)
    if row is None:
        return Watermark(None, frozenset())
    return Watermark(row.modified_at, frozenset(str(s) for s in row.seen))


def record_poll(  # noqa: PLR0913 - one object's poll: where, what, and the watermark move
    session: Session,
    *,
    company_id: str,
    obj: str,
    events: Iterable[NewEvent],
    expected: Watermark,
    advanced: Watermark,
) -> int | None:
    """Store polled events and move the watermark together; None if another poller moved it.

    Returns:
        How many of the events were new, or None when the stored watermark is no longer
        ``expected`` (nothing is written then).
    """
    row = watermarks.lock(session, company_id=company_id, obj=obj)
    if Watermark(row.modified_at, frozenset(str(s) for s in row.seen)) != expected:
        return None
    new = sum(
        accept(session, source=e.source, external_id=e.external_id, payload=e.payload)
        for e in events
    )
    watermarks.advance(session, row, modified_at=advanced.modified_at, seen=advanced.seen)
    return new


def received_by_trace(session: Session, trace_ids: Iterable[str]) -> dict[str, datetime]:
    """Return when the events of these trace ids were accepted, by trace id."""
    return repository.received_by_trace(session, sorted(set(trace_ids)))


def count_pending(session: Session) -> int:
    """Return how many accepted events still wait for their workflow to be started."""
    return repository.count_unhandled(session)
