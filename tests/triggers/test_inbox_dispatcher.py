"""The dispatcher: pending inbox events go to the starter once, marked only after success."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.orm import sessionmaker

from autobill.db.session import unit_of_work
from autobill.inbox import service
from autobill.triggers.dispatcher import Dispatcher
from fixtures.triggers import FakeStarter, inbox_rows, wait_until

if TYPE_CHECKING:
    import sqlalchemy as sa

pytestmark = pytest.mark.asyncio


def store(engine: sa.Engine, *external_ids: str) -> None:
    """Accept one generic milestone event per id."""
    with unit_of_work(sessionmaker(engine)) as session:
        for external_id in external_ids:
            payload = {"type": "milestone.completed", "task_id": external_id}
            service.accept(session, source="events", external_id=external_id, payload=payload)


async def test_each_pending_event_is_started_once(fresh_engine: sa.Engine) -> None:
    """Three events: three starts in order, all marked handled, nothing more next round."""
    # given
    store(fresh_engine, "a", "b", "c")
    starter = FakeStarter()
    dispatcher = Dispatcher(sessionmaker(fresh_engine), starter)
    # when
    first, second = await dispatcher.dispatch_once(), await dispatcher.dispatch_once()
    # then
    assert (first, second) == (3, 0)
    assert [e.external_id for e in starter.started] == ["a", "b", "c"]
    assert all(row.handled_at is not None for row in inbox_rows(fresh_engine))


async def test_a_failed_start_leaves_the_event_pending(fresh_engine: sa.Engine) -> None:
    """A start that raises is not marked handled; the next round starts it."""
    # given
    store(fresh_engine, "a")
    starter = FakeStarter(failures=1)
    dispatcher = Dispatcher(sessionmaker(fresh_engine), starter)
    # when
    first = await dispatcher.dispatch_once()
    pending_after_failure = [row.handled_at for row in inbox_rows(fresh_engine)]
    second = await dispatcher.dispatch_once()
    # then
    assert (first, second) == (0, 1)
    assert pending_after_failure == [None]
    assert [e.external_id for e in starter.started] == ["a"]


async def test_the_running_dispatcher_wakes_for_new_events(fresh_engine: sa.Engine) -> None:
    """The loop picks up an event as soon as it is woken, and stops when told to."""
    # given
    starter = FakeStarter()
    dispatcher = Dispatcher(sessionmaker(fresh_engine), starter, interval_seconds=30)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(stop))
    await asyncio.sleep(0.05)
    # when
    store(fresh_engine, "a")
    dispatcher.wake()
    started = await asyncio.to_thread(wait_until, lambda: len(starter.started) == 1)
    stop.set()
    await asyncio.wait_for(task, timeout=2)
    # then
    assert started
