"""The change poller as a background task of ``autobill serve`` and ``autobill up``."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Final

from autobill.db.session import create_engine, session_factory
from autobill.intacct import ClientOptions, IntacctClient
from autobill.ops.common import company_of
from autobill.triggers.poller import IntacctChanges, Poller
from autobill.workflows.wiring import intacct_credentials

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from autobill.config import Settings
    from autobill.triggers.poller import ChangeSource

log = logging.getLogger(__name__)
STOP_GRACE_SECONDS: Final = 30.0


@asynccontextmanager
async def polling(
    settings: Settings, *, source: ChangeSource | None = None
) -> AsyncIterator[asyncio.Task[None] | None]:
    """Run the poller in the background for the block when ``triggers.poll_enabled``, else nothing.

    ``source`` stands in for the Intacct client of the settings (tests pass a fake).
    """
    if not settings.triggers.poll_enabled:
        yield None
        return
    async with AsyncExitStack() as stack:
        engine = create_engine(settings.database_url)
        stack.callback(engine.dispose)
        if source is None:
            source = await stack.enter_async_context(_intacct_changes(settings))
        poller = Poller(
            session_factory(engine),
            source,
            company_id=company_of(settings),
            interval_seconds=settings.triggers.poll_interval_seconds,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(poller.run(stop), name="autobill-poller")
        log.info("change poller started, every %s s", settings.triggers.poll_interval_seconds)
        try:
            yield task
        finally:
            stop.set()
            try:
                # A round in flight finishes (its commit is all or nothing); a hung one is cut.
                await asyncio.wait_for(task, timeout=STOP_GRACE_SECONDS)
            except TimeoutError:
                log.warning("change poller did not stop in %s s; cancelled", STOP_GRACE_SECONDS)
            log.info("change poller stopped")


@asynccontextmanager
async def _intacct_changes(settings: Settings) -> AsyncIterator[IntacctChanges]:
    """Changes read with an Intacct client of the settings (the sandbox's without credentials)."""
    sender, login, endpoint = intacct_credentials(settings.intacct)
    client = IntacctClient(sender=sender, login=login, options=ClientOptions(endpoint=endpoint))
    try:
        yield IntacctChanges(client, entity=settings.intacct.entity_id)
    finally:
        await client.aclose()
