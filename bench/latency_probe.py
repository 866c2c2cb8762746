"""The event-latency bench's load side: send signed events on a schedule and watch for drafts.

It runs in a process of its own (``run_phase``), so sending and polling do not compete with the
web app, the sandbox and the worker for the interpreter they share. A draft "exists" once the
sandbox's SQLite file holds a committed ``SODOCUMENT`` whose key custom field names the event's
billing key; an invoice is parked once our database holds its ``parked:`` finding. Both files
are read with one query each per round (new rows past a watermark), through read-only
connections. Times are wall clock (``time.time``) taken in this one process.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from autobill.web.signing import sign

if TYPE_CHECKING:
    from collections.abc import Iterable

EVENTS_PATH = "/webhooks/events"
ACCEPTED = 202
NEW_DOCUMENTS = (
    "SELECT recordno, json_extract(data, '$.' || ?) FROM records"
    " WHERE object = 'SODOCUMENT' AND recordno > ?"
)
LAST_DOCUMENT = "SELECT max(recordno) FROM records WHERE object = 'SODOCUMENT'"
NEW_PARKED = "SELECT id, billing_key FROM finding WHERE id > ? AND dedupe_key LIKE 'parked:%'"


@dataclass(frozen=True)
class Outbound:
    """One event to send: its billing key, its draft's key field, its body, when to send it."""

    key: str
    event_id: str
    document: str
    body: bytes
    at: float


@dataclass(frozen=True)
class Phase:
    """Where to send, what to watch, and the events of one phase."""

    web_url: str
    secret: str
    sandbox_db: str
    database: str
    key_field: str
    events: tuple[Outbound, ...]
    poll_seconds: float
    settle_seconds: float


@dataclass
class Seen:
    """What happened to one event: sent, accepted (status, round trip), drafted or parked."""

    key: str
    event_id: str
    sent_at: float | None = None
    accept_s: float | None = None
    status: int | None = None
    drafted_at: float | None = None
    parked_at: float | None = None

    @property
    def latency(self) -> float | None:
        """Seconds from just before the POST to the poll that first saw the draft."""
        if self.sent_at is None or self.drafted_at is None:
            return None
        return self.drafted_at - self.sent_at

    @property
    def resolved(self) -> bool:
        """Whether the event ended in a draft, a parked invoice or a refused delivery."""
        refused = self.status is not None and self.status != ACCEPTED
        return refused or self.drafted_at is not None or self.parked_at is not None


def run_phase(phase: Phase) -> tuple[list[Seen], int]:
    """Send the phase's events and watch them; return what was seen and the polls made."""
    return asyncio.run(_phase(phase))


def warm() -> None:
    """Nothing: submitted once so the process starts (and imports) before anything is timed."""


async def _phase(phase: Phase) -> tuple[list[Seen], int]:
    seen = {out.key: Seen(out.key, out.event_id) for out in phase.events}
    watcher = Watcher(phase, {out.document: out.key for out in phase.events})
    start = time.monotonic() + 0.05
    deadline = start + max(out.at for out in phase.events) + phase.settle_seconds
    polls = 0
    async with httpx.AsyncClient(base_url=phase.web_url, timeout=30) as http:
        senders = [
            asyncio.create_task(_send(http, phase.secret, out, start, seen[out.key]))
            for out in phase.events
        ]
        while time.monotonic() < deadline:
            watcher.poll(seen)
            polls += 1
            if all(task.done() for task in senders) and all(s.resolved for s in seen.values()):
                break
            await asyncio.sleep(phase.poll_seconds)
        for task in senders:
            task.cancel()
        await asyncio.gather(*senders, return_exceptions=True)
    watcher.close()
    return list(seen.values()), polls


async def _send(
    http: httpx.AsyncClient, secret: str, out: Outbound, start: float, seen: Seen
) -> None:
    await asyncio.sleep(max(0.0, start + out.at - time.monotonic()))
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Autobill-Timestamp": stamp,
        "X-Autobill-Signature": sign(secret, stamp, out.body),
    }
    seen.sent_at = time.time()
    answer = await http.post(EVENTS_PATH, content=out.body, headers=headers)
    seen.accept_s = time.time() - seen.sent_at
    seen.status = answer.status_code


class Watcher:
    """Reads new sandbox documents and new parked findings since the last round."""

    def __init__(self, phase: Phase, documents: dict[str, str]) -> None:
        self._field = phase.key_field
        self._documents = documents  # the key field's value -> the billing key
        self._sandbox = _read_only(phase.sandbox_db)
        self._database = _read_only(phase.database)
        self._document = _last(self._sandbox, LAST_DOCUMENT)
        self._finding = _last(self._database, "SELECT max(id) FROM finding")

    def poll(self, seen: dict[str, Seen]) -> None:
        """Stamp the events whose draft or parking became visible since the last round."""
        # Taken before the queries: a row they return was committed by then (its snapshot).
        now = time.time()
        rows = self._sandbox.execute(NEW_DOCUMENTS, (self._field, self._document)).fetchall()
        rows = [(number, self._documents.get(value or "")) for number, value in rows]
        self._document = _stamp(rows, self._document, seen, now, "drafted_at")
        rows = self._database.execute(NEW_PARKED, (self._finding,)).fetchall()
        self._finding = _stamp(rows, self._finding, seen, now, "parked_at")

    def close(self) -> None:
        """Close both connections."""
        self._sandbox.close()
        self._database.close()


def _stamp(
    rows: Iterable[tuple[int, str | None]], mark: int, seen: dict[str, Seen], now: float, what: str
) -> int:
    for number, key in rows:
        mark = max(mark, number)
        event = seen.get(key or "")
        if event is not None and getattr(event, what) is None:
            setattr(event, what, now)
    return mark


def _read_only(path: str) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)


def _last(connection: sqlite3.Connection, query: str) -> int:
    (value,) = connection.execute(query).fetchone()
    return int(value or 0)
