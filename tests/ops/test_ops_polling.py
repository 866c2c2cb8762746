"""The change poller of ``autobill serve`` and ``up``: running only when enabled, stopped after."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from autobill.config import Settings, TriggerSettings
from autobill.ops.polling import polling
from fixtures.database import (  # noqa: F401 - fixtures registered for these tests
    backend,
    database_url,
    empty_database,
    fresh_engine,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    import sqlalchemy as sa

    from autobill.intacct.responses import Record

POLLER = "autobill-poller"


class CountingChanges:
    """A change source with nothing new, counting rounds and saying when it had enough."""

    def __init__(self, rounds: int) -> None:
        self.calls = 0
        self.rounds = rounds
        self.enough = asyncio.Event()

    async def changed(self, since: Mapping[str, str | None]) -> dict[str, list[Record]]:
        """Return no changes for any object."""
        self.calls += 1
        if self.calls >= self.rounds:
            self.enough.set()
        return {obj: [] for obj in since}


def settings_of(engine: sa.Engine, *, enabled: bool) -> Settings:
    """Settings on the test's database with the poller on or off, polling every 10 ms."""
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        triggers=TriggerSettings(poll_enabled=enabled, poll_interval_seconds=0.01),
    )


def poller_tasks() -> list[asyncio.Task[object]]:
    """The running tasks named as the poller's."""
    return [t for t in asyncio.all_tasks() if t.get_name() == POLLER]


@pytest.mark.asyncio
async def test_an_enabled_poller_runs_rounds_until_the_block_ends(
    fresh_engine: sa.Engine,  # noqa: F811 - the imported fixture, requested by name
) -> None:
    """Enabled, the poller polls every interval in the background and stops cleanly after."""
    # given
    source = CountingChanges(rounds=2)
    # when
    async with polling(settings_of(fresh_engine, enabled=True), source=source) as task:
        await asyncio.wait_for(source.enough.wait(), timeout=10)
        running = poller_tasks()
    # then
    assert task is not None
    assert running == [task]
    assert task.done()
    assert not task.cancelled()
    assert task.exception() is None
    assert poller_tasks() == []


@pytest.mark.asyncio
async def test_a_disabled_poller_is_not_started(
    fresh_engine: sa.Engine,  # noqa: F811 - the imported fixture, requested by name
) -> None:
    """Disabled (the default), nothing polls."""
    # given
    source = CountingChanges(rounds=1)
    # when
    async with polling(settings_of(fresh_engine, enabled=False), source=source) as task:
        await asyncio.sleep(0)
        running = poller_tasks()
    # then
    assert task is None
    assert running == []
    assert source.calls == 0


def test_the_poller_is_off_by_default_every_minute_when_on() -> None:
    """By default the poller is disabled, with a 60-second interval."""
    # when
    triggers = TriggerSettings()
    # then
    assert triggers.poll_enabled is False
    assert triggers.poll_interval_seconds == pytest.approx(60.0)
