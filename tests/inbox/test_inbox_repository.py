"""The inbox stores each (source, external id) once, however often it is delivered."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import sqlalchemy as sa

from autobill.db.session import session_factory, unit_of_work
from autobill.inbox import repository as inbox_repository
from autobill.models import InboxEvent

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PAYLOAD = {"type": "milestone.completed", "task": "T-1", "amount": "1200.00"}


def count_events(session: Session) -> int:
    """Return how many inbox events are stored."""
    return session.scalar(sa.select(sa.func.count()).select_from(InboxEvent)) or 0


class TestInsertIfNew:
    """Storing events in the inbox."""

    def test_the_same_event_five_times_is_stored_once(self, session: Session) -> None:
        """Five deliveries of one event store one row; only the first reports it as new."""
        # when
        results = [
            inbox_repository.insert_if_new(
                session, source="intacct", external_id="evt-1", payload=PAYLOAD
            )
            for _ in range(5)
        ]
        # then
        assert results == [True, False, False, False, False]
        assert count_events(session) == 1

    def test_the_same_id_from_another_source_is_a_new_event(self, session: Session) -> None:
        """Uniqueness is per source: the same external id from two sources is two events."""
        # when
        results = [
            inbox_repository.insert_if_new(session, source=source, external_id="1", payload={})
            for source in ("intacct", "events")
        ]
        # then
        assert results == [True, True]

    def test_the_stored_event_keeps_its_payload(self, session: Session) -> None:
        """The stored event has its payload, an aware receipt time and is not handled yet."""
        # given
        inbox_repository.insert_if_new(
            session, source="events", external_id="e-7", payload=PAYLOAD, trace_id="t-7"
        )
        # when
        event = inbox_repository.get(session, source="events", external_id="e-7")
        # then
        assert event is not None
        assert (event.payload, event.trace_id, event.handled_at) == (PAYLOAD, "t-7", None)
        assert event.received_at.utcoffset() is not None


def test_mark_handled_takes_the_event_off_the_unhandled_list(session: Session) -> None:
    """An event marked handled is no longer returned as waiting."""
    # given
    for external_id in ("a", "b"):
        inbox_repository.insert_if_new(session, source="s", external_id=external_id, payload={})
    first, second = inbox_repository.unhandled(session)
    # when
    inbox_repository.mark_handled(session, first)
    # then
    assert inbox_repository.unhandled(session) == [second]


def test_concurrent_deliveries_store_one_event(fresh_engine: sa.Engine) -> None:
    """Five deliveries of one event racing in separate transactions store one row."""
    # given
    factory = session_factory(fresh_engine)
    results: list[bool] = []

    def deliver() -> None:
        with unit_of_work(factory) as session:
            new = inbox_repository.insert_if_new(
                session, source="intacct", external_id="evt-9", payload=PAYLOAD
            )
        results.append(new)

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    with unit_of_work(factory) as session:
        assert (sorted(results), count_events(session)) == ([False] * 4 + [True], 1)
