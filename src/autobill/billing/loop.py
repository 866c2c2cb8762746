"""One event loop on a thread of its own, where the async Intacct client lives.

Activities are synchronous and run in the worker's thread pool; they hand their coroutines to
this loop and wait for the result. One long-lived loop (rather than ``asyncio.run`` per call)
keeps what the client builds once: its HTTP connection pool, its API sessions, its
concurrency limiter (asyncio primitives belong to the loop they were made on) and its
master-data cache, so concurrent activities share Intacct's two request slots instead of each
opening its own session and connections.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Self, TypeVar

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine
    from types import TracebackType

T = TypeVar("T")


class LoopThread:
    """Runs coroutines on a private event loop in a daemon thread until closed."""

    def __init__(self, name: str = "intacct-loop") -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[object, object, T]) -> T:
        """Run the coroutine on the loop and wait for its result (or exception) here."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def close(self, finalizer: Callable[[], Awaitable[None]] | None = None) -> None:
        """Run ``finalizer`` (e.g. closing the client) on the loop, then stop the loop."""
        if self._loop.is_closed():
            return
        if finalizer is not None:
            asyncio.run_coroutine_threadsafe(_awaited(finalizer), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


async def _awaited(finalizer: Callable[[], Awaitable[None]]) -> None:
    await finalizer()
