"""Hands new inbox events to a starter, and marks each handled only once its start succeeded.

Accepting an event (a webhook, the poller) only stores it; this dispatcher works later, in its
own units of work. A start that fails leaves the event pending, so the next round tries again;
a start that succeeded but was not marked (a crash in between) is repeated, which is harmless
because the workflow id is the billing key and a duplicate start is refused.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, Protocol

from temporalio.exceptions import WorkflowAlreadyStartedError

from autobill.db.session import unit_of_work
from autobill.inbox import service
from autobill.triggers.billing_keys import billing_key_for
from autobill.workflows.inputs import InvoiceWorkflowInput, ReviewPolicy
from autobill.workflows.starters import start_invoice
from autobill.workflows.worker import TASK_QUEUE

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date
    from typing import Any

    from sqlalchemy.orm import Session, sessionmaker
    from temporalio.client import Client

    from autobill.inbox.service import PendingEvent

log = logging.getLogger(__name__)
DEFAULT_BATCH: Final = 100
DEFAULT_INTERVAL_SECONDS: Final = 1.0


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
    ) -> None:
        self._factory = factory
        self._starter = starter
        self._batch_size = batch_size
        self._interval = interval_seconds
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        """Ask the running loop to look for new events now instead of after the interval."""
        self._wakeup.set()

    async def dispatch_once(self) -> int:
        """Start every pending event of one batch; return how many were started and marked."""
        events = await asyncio.to_thread(self._pending)
        done = 0
        for event in events:
            try:
                await self._starter.start(event)
            except Exception:
                # The payload can hold customer data and the error a secret: name the event only.
                log.exception("starting inbox event %s failed; retried next round", event.id)
                continue
            await asyncio.to_thread(self._mark, event.id)
            done += 1
        return done

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until ``stop`` is set, waking on :meth:`wake` or every interval."""
        while not stop.is_set():
            try:
                await self.dispatch_once()
            except Exception:
                log.exception("dispatch round failed; retrying after the interval")
            self._wakeup.clear()
            waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wakeup.wait())]
            _, pending = await asyncio.wait(
                waits, timeout=self._interval, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()

    def _pending(self) -> list[PendingEvent]:
        with unit_of_work(self._factory) as session:
            return service.pending(session, limit=self._batch_size)

    def _mark(self, event_id: int) -> None:
        with unit_of_work(self._factory) as session:
            service.mark_handled(session, event_id)


def _today() -> date:
    return datetime.now(UTC).date()


class TemporalEventStarter:
    """Starts an ``InvoiceWorkflow`` under the event's billing key; a duplicate is success."""

    def __init__(  # noqa: PLR0913 - the client and the workflow input's settings
        self,
        client: Client,
        *,
        company_id: str,
        entity_id: str | None = None,
        task_queue: str = TASK_QUEUE,
        policy: ReviewPolicy | None = None,
        billing_key: Callable[[str, dict[str, Any]], str | None] = billing_key_for,
        today: Callable[[], date] = _today,
    ) -> None:
        self._client = client
        self._company_id = company_id
        self._entity_id = entity_id
        self._task_queue = task_queue
        self._policy = policy or ReviewPolicy()
        self._billing_key = billing_key
        self._today = today

    async def start(self, event: PendingEvent) -> None:
        """Start the invoice workflow of the event, if it bills anything."""
        key = self._billing_key(event.source, event.payload)
        if key is None:
            log.info("inbox event %s bills nothing; no workflow started", event.id)
            return
        given = InvoiceWorkflowInput(
            billing_key=key,
            company_id=str(event.payload.get("company") or self._company_id),
            entity_id=self._entity_id,
            as_of=self._today(),
            trace_id=event.trace_id or f"inbox-{event.id}",
            policy=self._policy,
        )
        try:
            await start_invoice(self._client, given, task_queue=self._task_queue)
        except WorkflowAlreadyStartedError:
            log.info("workflow %s already started; inbox event %s is a duplicate", key, event.id)
