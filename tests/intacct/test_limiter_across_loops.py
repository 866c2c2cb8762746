"""The process-wide limiter holds across threads and event loops, and survives cancellation."""

from __future__ import annotations

import asyncio
import threading

from autobill.intacct.limits import Limiter


async def _requests(limiter: Limiter, count: int, seen: list[int], lock: threading.Lock) -> None:
    async def one() -> None:
        async with limiter.slot():
            with lock:
                seen.append(limiter.in_flight)
            await asyncio.sleep(0.01)

    await asyncio.gather(*(one() for _ in range(count)))


def test_two_loops_in_two_threads_share_the_allowance() -> None:
    """Requests from the worker's loop thread and the web app's loop never exceed the tier."""
    # given
    limiter, seen, lock = Limiter(2), [], threading.Lock()
    threads = [
        threading.Thread(target=asyncio.run, args=(_requests(limiter, 20, seen, lock),))
        for _ in range(3)
    ]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then
    assert len(seen) == 60
    assert limiter.peak == 2
    assert max(seen) <= 2
    assert limiter.in_flight == 0


def test_a_cancelled_waiter_gives_its_slot_back() -> None:
    """A request cancelled while waiting takes no slot with it."""

    async def scenario() -> int:
        limiter = Limiter(1)
        async with limiter.slot():
            waiting = asyncio.create_task(_hold(limiter))
            await asyncio.sleep(0.01)
            waiting.cancel()
            await asyncio.gather(waiting, return_exceptions=True)
        async with limiter.slot():  # would wait forever had the slot leaked
            return limiter.in_flight

    assert asyncio.run(asyncio.wait_for(scenario(), timeout=5)) == 1


async def _hold(limiter: Limiter) -> None:
    async with limiter.slot():
        await asyncio.sleep(1)
