"""The billing keys an inbox event lands on, read off the billing schedule in Intacct.

The event alone says what changed and when (``billing_keys.change_of``); the invoice it lands
on depends on the contract's periods, on whether a project bills through its contract, and on
which contracts bill a milestone. ``ScheduleKeys`` reads the source's records (one batched
round, as the invoice workflow will) and asks the core, so an event starts the workflow of
exactly the invoice ``preview`` would put the change on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Final

from autobill.billing.errors import BillingError
from autobill.billing.keys import BillingKey, SourceKind
from autobill.billing.landing import Change, landing_key, milestone_contracts
from autobill.billing.reader import Query
from autobill.intacct.query import eq
from autobill.triggers.billing_keys import Happened, MilestoneDone, change_of

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from autobill.billing.reader import IntacctReader
    from autobill.billing.records import Records

log = logging.getLogger(__name__)
# Long enough for one write's burst of events, short enough that a later change is read anew.
DEFAULT_REUSE_SECONDS: Final = 5.0


class ScheduleKeys:
    """Finds the billing keys of an event by reading its source from Intacct.

    A burst of events about one change (a month's timesheet entries approved in one go, each
    its own event) is read once: an answer is reused for the same change for ``reuse_seconds``.

    Args:
        reader: the batched Intacct reads (on the loop this object is awaited on).
        reuse_seconds: how long an answer serves identical changes.
        clock: monotonic seconds.
    """

    def __init__(
        self,
        reader: IntacctReader,
        *,
        reuse_seconds: float = DEFAULT_REUSE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._reader = reader
        self._reuse = reuse_seconds
        self._clock = clock
        self._recent: dict[Happened, tuple[float, tuple[str, ...]]] = {}
        self._reading: dict[Happened, asyncio.Future[tuple[str, ...]]] = {}

    async def keys(self, source: str, payload: dict[str, Any]) -> tuple[str, ...]:
        """The billing keys the event lands on; none when it bills nothing.

        Raises:
            IntacctError: when Intacct cannot be read (the event is retried later).
        """
        happened = change_of(source, payload)
        if happened is None:
            return ()
        now = self._clock()
        self._recent = {c: r for c, r in self._recent.items() if now - r[0] < self._reuse}
        if happened in self._recent:
            return self._recent[happened][1]
        pending = self._reading.get(happened)
        if pending is None:  # one read per change, however many events wait for it
            pending = asyncio.ensure_future(self._find(happened))
            self._reading[happened] = pending
            pending.add_done_callback(lambda _: self._reading.pop(happened, None))
        found = await asyncio.shield(pending)
        self._recent[happened] = (now, found)
        return found

    async def _find(self, happened: Happened) -> tuple[str, ...]:
        if isinstance(happened, MilestoneDone):
            return await self._milestone(happened)
        found = await self._landing(happened, exact=False)
        return () if found is None else (str(found),)

    async def _milestone(self, done: MilestoneDone) -> tuple[str, ...]:
        """The completion day's invoices of every contract billing the task as a milestone."""
        lines = await self._reader.read([Query("CONTRACTDETAIL", eq("PROJECTID", done.project_id))])
        templates = (await self._reader.master()).get("CONTRACTBILLINGTEMPLATE", ())
        contracts = milestone_contracts(lines["CONTRACTDETAIL"], templates, task_id=done.task_id)
        keys = []
        for contract_id in contracts:
            change = Change(SourceKind.CONTRACT, contract_id, done.on)
            found = await self._landing(change, exact=True)
            if found is not None:
                keys.append(str(found))
        return tuple(keys)

    async def _landing(self, change: Change, *, exact: bool) -> BillingKey | None:
        """Read the change's source and find the invoice the core puts it on."""
        try:
            records = await self._reader.event(BillingKey(change.kind, change.source_id, change.on))
            return await asyncio.to_thread(_landing_of, records, change, exact=exact)
        except BillingError as error:
            # Unreadable or missing records bill nothing now; the billing run reports them.
            log.warning("no invoice found for %s %s: %s", change.kind, change.source_id, error)
            return None


def _landing_of(records: Records, change: Change, *, exact: bool) -> BillingKey | None:
    """Compute off the event loop: a contract's whole schedule is a few milliseconds of work."""
    return landing_key(records, change, exact=exact)
