"""A process-wide limiter of concurrent Intacct requests, one per tenant tier key.

Intacct allows a company about two concurrent XML requests on the base tier; a third waits or
fails. Every client of the same company in this process shares one limiter, so the whole
application never exceeds the company's allowance.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

DEFAULT_CONCURRENCY = 2


class Limiter:
    """At most ``limit`` requests in flight at once; records the highest concurrency seen.

    One limiter serves every thread and event loop of the process (the worker's activities run
    on a loop thread of their own, the web app's reads on the server's loop): a slot released
    on one loop is handed to the next waiter on its own loop.

    Args:
        limit: the tier's concurrent request allowance.
    """

    def __init__(self, limit: int = DEFAULT_CONCURRENCY) -> None:
        if limit < 1:
            msg = f"concurrency limit must be at least 1, not {limit}"
            raise ValueError(msg)
        self.limit = limit
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()
        self._waiters: deque[_Waiter] = deque()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the ``limit`` slots for the duration of a request."""
        await self._acquire()
        try:
            yield
        finally:
            self._release()

    async def _acquire(self) -> None:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self.in_flight < self.limit and not self._waiters:
                self._count_one()
                return
            waiter = _Waiter(loop, loop.create_future())
            self._waiters.append(waiter)
        try:
            await waiter.future
        except asyncio.CancelledError:
            with self._lock:
                handed = waiter not in self._waiters
                if not handed:
                    self._waiters.remove(waiter)
            # Handed over but cancelled before it could run: the slot goes back. (A cancelled
            # future is given back by ``_hand`` itself.)
            if handed and waiter.future.done() and not waiter.future.cancelled():
                self._release()
            raise

    def _release(self) -> None:
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                if waiter.loop.is_closed():
                    continue
                # The slot passes to the waiter as it is: ``in_flight`` does not change.
                waiter.loop.call_soon_threadsafe(self._hand, waiter.future)
                return
            self.in_flight -= 1

    def _hand(self, future: asyncio.Future[None]) -> None:
        """Give the slot to a waiter on its own loop; a waiter cancelled meanwhile returns it."""
        if future.cancelled():
            self._release()
            return
        future.set_result(None)

    def _count_one(self) -> None:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)


@dataclass(frozen=True, slots=True, eq=False)
class _Waiter:
    """A request waiting for a slot, on the loop it must be woken on."""

    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[None]


_LIMITERS: dict[str, Limiter] = {}


def limiter_for(key: str, *, limit: int = DEFAULT_CONCURRENCY) -> Limiter:
    """Return the process-wide limiter of a tenant, creating it on first use.

    Args:
        key: the tenant (company) the allowance belongs to.
        limit: its tier's concurrency; a changed tier replaces the limiter.

    Returns:
        The shared limiter.
    """
    current = _LIMITERS.get(key)
    if current is None or current.limit != limit:
        current = Limiter(limit)
        _LIMITERS[key] = current
    return current
