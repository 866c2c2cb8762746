"""Hands new inbox events to a starter, and marks each handled only once its start succeeded.

Accepting an event (a webhook, the poller) only stores it; this dispatcher works later, in its
own units of work. A start that fails leaves the event pending, so the next round tries again;
a start that succeeded but was not marked (a crash in between) is repeated, which is harmless
because the workflow id is the billing key and a duplicate start is refused.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, Protocol

from temporalio.exceptions import WorkflowAlreadyStartedError

from autobill.billing.keys import parse
from autobill.db.session import unit_of_work
from autobill.inbox import service
from autobill.triggers.billing_keys import billing_key_for
from autobill.workflows.inputs import InvoiceWorkflowInput, ReviewPolicy
from autobill.workflows.starters import start_invoice
from autobill.workflows.worker import TASK_QUEUE

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from datetime import date
    from typing import Any

    from sqlalchemy.orm import Session, sessionmaker
    from temporalio.client import Client

    from autobill.inbox.service import PendingEvent

log = logging.getLogger(__name__)
DEFAULT_BATCH: Final = 100
DEFAULT_INTERVAL_SECONDS: Final = 1.0
DEFAULT_CONCURRENCY: Final = 8
# Starting a key again is harmless (refused by Temporal) but costs a round trip per event.
REMEMBER_SECONDS: Final = 60.0


class EventStarter(Protocol):
    """Starts whatever an inbox event calls for; raises when the start should be retried."""

    async def start(self, event: PendingEvent) -> None:
        """Start the event's work (a duplicate start must be harmless)."""
        ...


class Dispatcher:
    """Moves pending inbox events to a starter, a batch per round."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        starter: EventStarter,
        *,
        batch_size: int = DEFAULT_BATCH,
        interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self._factory = factory
        self._starter = starter
        self._concurrency = concurrency
        self._batch_size = batch_size
        self._interval = interval_seconds
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        """Ask the running loop to look for new events now instead of after the interval."""
        self._wakeup.set()

    async def dispatch_once(self) -> int:
        """Start every pending event of one batch; return how many were started and marked.

        The batch's events start concurrently (at most ``concurrency`` at once): finding an
        event's invoice reads Intacct, and one slow read must not hold up the rest. The
        started ones are marked together; a crash before that only repeats harmless starts.
        """
        events = await asyncio.to_thread(self._pending)
        gate = asyncio.Semaphore(self._concurrency)

        async def one(event: PendingEvent) -> int | None:
            async with gate:
                try:
                    await self._starter.start(event)
                except Exception:
                    # The payload can hold customer data and the error a secret: name the event.
                    log.exception("starting inbox event %s failed; retried next round", event.id)
                    return None
                return event.id

        started = [i for i in await asyncio.gather(*(one(e) for e in events)) if i is not None]
        if started:
            await asyncio.to_thread(self._mark, started)
        return len(started)

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until ``stop`` is set, waking on :meth:`wake` or every interval."""
        while not stop.is_set():
            # Cleared before the round: an event accepted during it wakes the next one at once.
            self._wakeup.clear()
            try:
                await self.dispatch_once()
            except Exception:
                log.exception("dispatch round failed; retrying after the interval")
            waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wakeup.wait())]
            _, pending = await asyncio.wait(
                waits, timeout=self._interval, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()

    def _pending(self) -> list[PendingEvent]:
        with unit_of_work(self._factory) as session:
            return service.pending(session, limit=self._batch_size)

    def _mark(self, event_ids: list[int]) -> None:
        with unit_of_work(self._factory) as session:
            for event_id in event_ids:
                service.mark_handled(session, event_id)


def _today() -> date:
    return datetime.now(UTC).date()


async def keys_of_event(source: str, payload: dict[str, Any]) -> tuple[str, ...]:
    """The reading-free billing key of an event (``billing_key_for``), as a tuple."""
    key = billing_key_for(source, payload)
    return () if key is None else (key,)


class TemporalEventStarter:
    """Starts an ``InvoiceWorkflow`` per billing key the event lands on; a duplicate is success.

    Args:
        client: the Temporal client.
        company_id: the company of events that do not name one.
        entity_id: the entity billed.
        task_queue: the worker's task queue.
        policy: the review policy of the started workflows.
        keys: the billing keys of an event (``ScheduleKeys.keys`` reads them off the schedule).
        today: the date the workflows compute as of.
        clock: monotonic seconds, for remembering the keys just started.
    """

    def __init__(  # noqa: PLR0913 - the client and the workflow input's settings
        self,
        client: Client,
        *,
        company_id: str,
        entity_id: str | None = None,
        task_queue: str = TASK_QUEUE,
        policy: ReviewPolicy | None = None,
        keys: Callable[[str, dict[str, Any]], Awaitable[tuple[str, ...]]] = keys_of_event,
        today: Callable[[], date] = _today,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._clock = clock
        self._started: dict[str, float] = {}
        self._company_id = company_id
        self._entity_id = entity_id
        self._task_queue = task_queue
        self._policy = policy or ReviewPolicy()
        self._keys = keys
        self._today = today

    async def start(self, event: PendingEvent) -> None:
        """Start the invoice workflow of each billing key the event lands on."""
        keys = await self._keys(event.source, event.payload)
        if not keys:
            log.info("inbox event %s bills nothing; no workflow started", event.id)
        now = self._clock()
        self._started = {k: at for k, at in self._started.items() if now - at < REMEMBER_SECONDS}
        for key in keys:
            if key in self._started:
                # A burst of events about one invoice: its workflow was started moments ago.
                log.info("workflow %s just started; inbox event %s is a duplicate", key, event.id)
                continue
            await self._start(event, key)
            self._started[key] = now

    async def _start(self, event: PendingEvent, key: str) -> None:
        given = InvoiceWorkflowInput(
            billing_key=key,
            company_id=str(event.payload.get("company") or self._company_id),
            entity_id=self._entity_id,
            as_of=self._today(),
            trace_id=event.trace_id or f"inbox-{event.id}",
            policy=self._policy,
            not_before=parse(key).invoice_on,
        )
        try:
            await start_invoice(self._client, given, task_queue=self._task_queue)
        except WorkflowAlreadyStartedError:
            log.info("workflow %s already started; inbox event %s is a duplicate", key, event.id)
