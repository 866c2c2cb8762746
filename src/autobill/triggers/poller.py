"""The change poller, for tenants without triggers: Intacct changes become inbox events.

Every round reads TASK, TIMESHEETENTRY, CONTRACTDETAIL and CONTRACTUSAGE records modified since
each object's stored ``WHENMODIFIED`` watermark, in one batched request (``readByQuery`` per
object, then ``readMore`` pages), and stores one inbox event per change together with the moved
watermark in one unit of work: a crash before the commit repeats the round, one after it
never reads the same change again. ``WHENMODIFIED`` has whole seconds, so the query includes
the watermark's second and the changes already taken at it are remembered (record key and a
digest of its fields) and skipped. ``lookback_seconds`` widens that to a window, for sources
whose late commits can carry an older ``WHENMODIFIED``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Protocol

from autobill.db.session import unit_of_work
from autobill.inbox import service
from autobill.inbox.service import NewEvent, Watermark
from autobill.intacct.paging import more_pages
from autobill.intacct.payloads import read_by_query
from autobill.triggers.events import POLL_SOURCE

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sqlalchemy.orm import Session, sessionmaker

    from autobill.intacct import IntacctClient
    from autobill.intacct.responses import Record

log = logging.getLogger(__name__)
OBJECTS: Final = ("TASK", "TIMESHEETENTRY", "CONTRACTDETAIL", "CONTRACTUSAGE")
DEFAULT_INTERVAL_SECONDS: Final = 60.0
INTACCT_STAMP: Final = "%m/%d/%Y %H:%M:%S"
_ENDED: Final = frozenset({"Closed", "Canceled", "Cancelled", "Not renewed"})


class ChangeSource(Protocol):
    """Reads the records of some objects modified at or after a moment (ISO, no zone)."""

    async def changed(self, since: Mapping[str, str | None]) -> dict[str, list[Record]]:
        """Return each object's records modified at or after its moment (all if None)."""
        ...


class IntacctChanges:
    """Reads changes with the Intacct client: one request of a readByQuery per object."""

    def __init__(self, client: IntacctClient, *, entity: str | None = None) -> None:
        self._client = client
        self._entity = entity

    async def changed(self, since: Mapping[str, str | None]) -> dict[str, list[Record]]:
        """Return each object's records modified at or after its moment (all if None)."""
        objects = list(since)
        functions = [
            read_by_query(
                controlid=f"poll-{obj.lower()}-{uuid.uuid4().hex}",
                obj=obj,
                query=_where(since[obj]),
                fields="*",
            )
            for obj in objects
        ]
        results = await self._client.execute(functions, entity=self._entity)
        found: dict[str, list[Record]] = {}
        for obj, first in zip(objects, results, strict=True):
            records = found.setdefault(obj, [])
            async for page in more_pages(self._client, first, entity=self._entity):
                records.extend(page)
        return found


def _where(moment: str | None) -> str:
    if moment is None:
        return ""
    return f"WHENMODIFIED >= '{datetime.fromisoformat(moment).strftime(INTACCT_STAMP)}'"


@dataclass(frozen=True, slots=True)
class _Change:
    obj: str
    key: str
    modified: str  # ISO, no zone; "" when the record carries no WHENMODIFIED
    digest: str
    record: Record

    @property
    def token(self) -> str:
        return f"{self.modified}|{self.key}|{self.digest}"


class Poller:
    """Polls one company's Intacct changes into the inbox."""

    def __init__(  # noqa: PLR0913 - storage, source, tenant and tuning
        self,
        factory: sessionmaker[Session],
        source: ChangeSource,
        *,
        company_id: str,
        objects: Sequence[str] = OBJECTS,
        interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
        lookback_seconds: int = 0,
    ) -> None:
        self._factory = factory
        self._source = source
        self._company_id = company_id
        self._objects = tuple(objects)
        self._interval = interval_seconds
        self._lookback = timedelta(seconds=lookback_seconds)

    async def poll_once(self) -> int:
        """Read one round of changes; return how many new inbox events it stored."""
        marks = await asyncio.to_thread(self._watermarks)
        since = {obj: self._since(mark) for obj, mark in marks.items()}
        records = await self._source.changed(since)
        plans = {obj: self._plan(obj, marks[obj], records.get(obj, [])) for obj in self._objects}
        return await asyncio.to_thread(self._store, marks, plans)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll every interval until ``stop`` is set; a failed round is retried next time."""
        while not stop.is_set():
            try:
                new = await self.poll_once()
            except Exception:
                log.exception("polling %s failed; retrying after the interval", self._company_id)
            else:
                log.debug("polled %s: %d new events", self._company_id, new)
            try:
                await asyncio.wait_for(stop.wait(), timeout=self._interval)
            except TimeoutError:
                continue

    def _watermarks(self) -> dict[str, Watermark]:
        with unit_of_work(self._factory) as session:
            return {
                obj: service.watermark(session, company_id=self._company_id, obj=obj)
                for obj in self._objects
            }

    def _since(self, mark: Watermark) -> str | None:
        if mark.modified_at is None:
            return None
        return (datetime.fromisoformat(mark.modified_at) - self._lookback).isoformat()

    def _plan(
        self, obj: str, mark: Watermark, records: Sequence[Record]
    ) -> tuple[list[NewEvent], Watermark]:
        changes = [_change(obj, record) for record in records]
        fresh = [c for c in changes if c.token not in mark.seen and self._after_floor(c, mark)]
        stamps = [c.modified for c in changes if c.modified]
        newest = max([*stamps, mark.modified_at or ""]) or None
        tokens = mark.seen | {c.token for c in changes}
        if newest is None:
            # Nothing read carries a WHENMODIFIED yet, so every round reads all: skip by token.
            return [self._event(c) for c in fresh], Watermark(None, frozenset(tokens))
        floor = self._since(Watermark(newest, frozenset())) or newest
        seen = frozenset(t for t in tokens if t.split("|", 1)[0] >= floor)
        return [self._event(c) for c in fresh], Watermark(newest, seen)

    def _after_floor(self, change: _Change, mark: Watermark) -> bool:
        floor = self._since(mark)
        return floor is None or not change.modified or change.modified >= floor

    def _event(self, change: _Change) -> NewEvent:
        payload: dict[str, Any] = {
            "id": f"{change.obj}:{change.key}:{change.modified}:{change.digest}",
            "type": _kind(change),
            "company": self._company_id,
            "object": change.obj,
            "key": change.key,
            "occurredAt": change.modified,
            "record": change.record,
        }
        return NewEvent(POLL_SOURCE, str(payload["id"]), payload)

    def _store(
        self, marks: Mapping[str, Watermark], plans: Mapping[str, tuple[list[NewEvent], Watermark]]
    ) -> int:
        with unit_of_work(self._factory) as session:
            new = 0
            for obj, (events, advanced) in plans.items():
                stored = service.record_poll(
                    session,
                    company_id=self._company_id,
                    obj=obj,
                    events=events,
                    expected=marks[obj],
                    advanced=advanced,
                )
                if stored is None:
                    msg = f"another poller moved the {obj} watermark of {self._company_id}"
                    raise ConcurrentPoll(msg)
                new += stored
            return new


class ConcurrentPoll(RuntimeError):
    """Another poller stored the same round first; this round is dropped and read again."""


def _change(obj: str, record: Record) -> _Change:
    key = str(record.get("RECORDNO") or "")
    text = json.dumps(record, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return _Change(obj, key, _iso(record.get("WHENMODIFIED")), digest, record)


def _iso(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        return ""
    text = value.strip()
    try:
        return datetime.strptime(text, INTACCT_STAMP).isoformat()  # noqa: DTZ007 - no zone in Intacct
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None).isoformat()
    except ValueError:
        return ""


def _kind(change: _Change) -> str:
    record = change.record
    if change.obj == "TASK" and record.get("TASKSTATUS") == "Completed":
        return "task.completed"
    if change.obj == "TIMESHEETENTRY" and record.get("STATE") == "Approved":
        return "timesheet.approved"
    if change.obj == "CONTRACTDETAIL":
        if record.get("STATE") in _ENDED:
            return "contractline.ended"
        return "contractline.changed"
    if change.obj == "CONTRACTUSAGE":
        return "usage.added"
    return f"{change.obj.lower()}.changed"
