"""The change poller against the sandbox over HTTP: every change once, across restarts."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.orm import sessionmaker

from autobill.intacct.payloads import create
from autobill.triggers.events import POLL_SOURCE
from autobill.triggers.poller import ConcurrentPoll, IntacctChanges, Poller
from fixtures.sandbox_server import (  # noqa: F401 - pytest fixtures
    sandbox_config,
    sandbox_dataset,
    sandbox_server,
)
from fixtures.triggers import inbox_rows, sandbox_client, update, write

if TYPE_CHECKING:
    from collections.abc import Mapping

    import sqlalchemy as sa

    from autobill.intacct.responses import Record
    from fixtures.sandbox_server import RunningSandbox

pytestmark = pytest.mark.asyncio


async def poll(engine: sa.Engine, sandbox: RunningSandbox) -> int:
    """Run one round of a new poller (a fresh process, as far as state goes)."""
    async with sandbox_client(sandbox.xml_url) as client:
        poller = Poller(sessionmaker(engine), IntacctChanges(client), company_id="DEMO")
        return await poller.poll_once()


def polled(engine: sa.Engine) -> list[tuple[str, str]]:
    """Return (type, object) of each polled inbox event, in order."""
    return [(r.payload["type"], r.payload["object"]) for r in inbox_rows(engine, POLL_SOURCE)]


async def test_each_change_is_picked_up_once_across_restarts(
    fresh_engine: sa.Engine,
    sandbox_server: RunningSandbox,  # noqa: F811 - the imported fixture, requested by name
) -> None:
    """Pollers in sequence on one database store each change exactly once."""
    # given: a first poller takes everything there is
    initial = await poll(fresh_engine, sandbox_server)
    # when: changes made between the rounds of pollers that restart each time
    await write(sandbox_server.xml_url, update("TASK", TASKID="T-TRAIN", TASKSTATUS="Completed"))
    after_task = await poll(fresh_engine, sandbox_server)
    again = await poll(fresh_engine, sandbox_server)
    usage = {"CONTRACTID": "CN-1", "LINENO": "2", "USAGEDATE": "11/17/2026", "QUANTITY": "12"}
    await write(
        sandbox_server.xml_url,
        create(controlid="usage-1", obj="CONTRACTUSAGE", records=[usage]),
        update("TIMESHEETENTRY", RECORDNO="1", DESCRIPTION="Training, corrected"),
    )
    after_usage = await poll(fresh_engine, sandbox_server)
    last = await poll(fresh_engine, sandbox_server)
    # then
    assert initial == len(polled(fresh_engine)) - 3
    assert (after_task, again, after_usage, last) == (1, 0, 2, 0)
    assert polled(fresh_engine)[initial:] == [
        ("task.completed", "TASK"),
        ("timesheet.approved", "TIMESHEETENTRY"),
        ("usage.added", "CONTRACTUSAGE"),
    ]


class FakeChanges:
    """A change source serving fixed records, and recording what it was asked."""

    def __init__(self) -> None:
        self.records: dict[str, list[Record]] = {"TASK": []}
        self.asked: list[Mapping[str, str | None]] = []

    async def changed(self, since: Mapping[str, str | None]) -> dict[str, list[Record]]:
        """Return the records modified at or after each object's moment."""
        self.asked.append(dict(since))
        found: dict[str, list[Record]] = {}
        for obj, moment in since.items():
            found[obj] = [
                r for r in self.records.get(obj, []) if moment is None or _iso(r) >= moment
            ]
        return found


def _iso(record: Record) -> str:
    month, day, rest = str(record["WHENMODIFIED"]).split("/", 2)
    year, time = rest.split(" ")
    return f"{year}-{month}-{day}T{time}"


def task(key: str, stamp: str, **fields: Any) -> Record:  # noqa: ANN401 - record fields
    """Return a TASK record modified at ``stamp`` (Intacct's format)."""
    return {"RECORDNO": key, "WHENMODIFIED": stamp, "TASKSTATUS": "Completed", **fields}


async def test_changes_in_the_watermarks_second_are_taken_once(fresh_engine: sa.Engine) -> None:
    """A record written in the same second as the last one read is not missed nor repeated."""
    # given
    source = FakeChanges()
    source.records["TASK"] = [task("1", "11/30/2026 10:00:00")]
    first = Poller(sessionmaker(fresh_engine), source, company_id="DEMO", objects=("TASK",))
    taken = [await first.poll_once()]
    # when: another change in the very same second, then one a second later
    source.records["TASK"].append(task("2", "11/30/2026 10:00:00"))
    second = Poller(sessionmaker(fresh_engine), source, company_id="DEMO", objects=("TASK",))
    taken.append(await second.poll_once())
    taken.append(await second.poll_once())
    source.records["TASK"].append(task("1", "11/30/2026 10:00:01", NAME="renamed"))
    taken.append(await second.poll_once())
    taken.append(await first.poll_once())
    # then
    assert taken == [1, 1, 0, 1, 0]
    assert source.asked[-1] == {"TASK": "2026-11-30T10:00:01"}
    keys = [r.payload["key"] for r in inbox_rows(fresh_engine, POLL_SOURCE)]
    assert keys == ["1", "2", "1"]


async def test_a_record_changed_again_within_the_second_is_taken_again(
    fresh_engine: sa.Engine,
) -> None:
    """Same key, same second, other fields: a new change, taken once."""
    # given
    source = FakeChanges()
    source.records["TASK"] = [task("1", "11/30/2026 10:00:00")]
    poller = Poller(sessionmaker(fresh_engine), source, company_id="DEMO", objects=("TASK",))
    await poller.poll_once()
    # when
    source.records["TASK"] = [task("1", "11/30/2026 10:00:00", NAME="edited")]
    taken = [await poller.poll_once(), await poller.poll_once()]
    # then
    assert taken == [1, 0]


async def test_a_lookback_window_catches_late_commits_once(fresh_engine: sa.Engine) -> None:
    """With a lookback, a change stamped before the watermark is still taken, and only once."""
    # given
    source = FakeChanges()
    source.records["TASK"] = [task("1", "11/30/2026 10:00:05")]
    poller = Poller(
        sessionmaker(fresh_engine), source, company_id="DEMO", objects=("TASK",),
        lookback_seconds=10,
    )
    await poller.poll_once()
    # when: a change committed late, stamped 3 seconds before the watermark
    source.records["TASK"].append(task("2", "11/30/2026 10:00:02"))
    taken = [await poller.poll_once(), await poller.poll_once()]
    # then
    assert taken == [1, 0]
    assert source.asked[-1] == {"TASK": "2026-11-30T09:59:55"}


async def test_a_round_that_fails_to_store_is_read_again(fresh_engine: sa.Engine) -> None:
    """A crash before the commit stores neither the events nor the watermark."""
    # given
    source = FakeChanges()
    source.records["TASK"] = [task("1", "11/30/2026 10:00:00")]
    factory = sessionmaker(fresh_engine)
    broken = Poller(factory, source, company_id="DEMO", objects=("TASK", "NOSUCH"))

    def fail(*_: object) -> int:
        msg = "the process died"
        raise RuntimeError(msg)

    broken._store = fail  # type: ignore[method-assign] # noqa: SLF001 - simulate the crash
    # when
    with pytest.raises(RuntimeError):
        await broken.poll_once()
    restarted = Poller(factory, source, company_id="DEMO", objects=("TASK",))
    taken = [await restarted.poll_once(), await restarted.poll_once()]
    # then
    assert taken == [1, 0]


async def test_the_running_poller_polls_until_stopped(fresh_engine: sa.Engine) -> None:
    """The loop polls every interval and stops when told to."""
    # given
    source = FakeChanges()
    source.records["TASK"] = [task("1", "11/30/2026 10:00:00")]
    poller = Poller(
        sessionmaker(fresh_engine), source, company_id="DEMO", objects=("TASK",),
        interval_seconds=0.01,
    )
    stop = asyncio.Event()
    # when
    running = asyncio.create_task(poller.run(stop))
    while len(source.asked) < 3:  # noqa: ASYNC110 - waiting on a fake's counter
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(running, timeout=2)
    # then
    assert len(inbox_rows(fresh_engine, POLL_SOURCE)) == 1


async def test_a_poller_that_lost_a_race_stores_nothing(fresh_engine: sa.Engine) -> None:
    """If another poller moved the watermark while this one read, this round is dropped."""
    # given: a source that lets a rival poll to completion in the middle of our read
    source = FakeChanges()
    source.records["TASK"] = [task("1", "11/30/2026 10:00:00")]
    factory = sessionmaker(fresh_engine)
    rival = Poller(factory, source, company_id="DEMO", objects=("TASK",))

    class Racing(FakeChanges):
        async def changed(self, since: Mapping[str, str | None]) -> dict[str, list[Record]]:
            found = await source.changed(since)
            await rival.poll_once()
            return found

    loser = Poller(factory, Racing(), company_id="DEMO", objects=("TASK",))
    # when / then
    with pytest.raises(ConcurrentPoll):
        await loser.poll_once()
    assert len(inbox_rows(fresh_engine, POLL_SOURCE)) == 1
    assert await loser.poll_once() == 0
