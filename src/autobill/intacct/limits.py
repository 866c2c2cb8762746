"""A process-wide limiter of concurrent Intacct requests, one per tenant tier key.

Intacct allows a company about two concurrent XML requests on the base tier; a third waits or
fails. Every client of the same company in this process shares one limiter, so the whole
application never exceeds the company's allowance.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

DEFAULT_CONCURRENCY = 2


class Limiter:
    """At most ``limit`` requests in flight at once; records the highest concurrency seen.

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
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the ``limit`` slots for the duration of a request."""
        semaphore = self._for_running_loop()
        async with semaphore:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            try:
                yield
            finally:
                self.in_flight -= 1

    def _for_running_loop(self) -> asyncio.Semaphore:
        # A semaphore belongs to one event loop; a new loop (a new test, a new run) gets a new one.
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._loop is not loop:
            self._semaphore = asyncio.Semaphore(self.limit)
            self._loop = loop
            self.in_flight = 0
        return self._semaphore


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
