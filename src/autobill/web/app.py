"""The FastAPI app factory: API, webhooks, error handlers, and the inbox dispatcher's loop."""

from __future__ import annotations

import asyncio
import contextlib
import time
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI

from autobill.db.session import create_engine, session_factory
from autobill.triggers.dispatcher import DEFAULT_INTERVAL_SECONDS, Dispatcher
from autobill.web import api, drafts, exception_handlers, webhooks
from autobill.web.deps import WebState
from autobill.web.signing import MemoryReplayGuard
from autobill.workflows.review import ReviewDesk

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from sqlalchemy.orm import Session, sessionmaker
    from temporalio.client import Client

    from autobill.config import Settings
    from autobill.triggers.dispatcher import EventStarter
    from autobill.web.signing import ReplayGuard


def create_app(  # noqa: PLR0913 - settings plus the parts tests and ``autobill up`` inject
    settings: Settings | None = None,
    *,
    factory: sessionmaker[Session] | None = None,
    starter: EventStarter | None = None,
    temporal: Client | None = None,
    intacct_secret: str | None = None,
    clock: Callable[[], float] = time.time,
    replay: ReplayGuard | None = None,
    max_body_bytes: int = 1_048_576,
    dispatch_interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
) -> FastAPI:
    """Build the web app.

    Args:
        settings: the settings (database URL, ``webhook.secret`` and
            ``webhook.replay_window_seconds``); read from the environment when None.
        factory: a session factory to use instead of one on ``settings.database_url``.
        starter: when given, a dispatcher hands accepted events to it while the app runs.
        temporal: when given, ``/api/drafts`` lists drafts and sends decisions through it.
        intacct_secret: the secret of Intacct's (the sandbox's) deliveries, if it differs from
            ``webhook.secret``.
        clock: Unix time, for the signature window.
        replay: the replay guard (in-process by default).
        max_body_bytes: the largest webhook body accepted.
        dispatch_interval_seconds: how often the dispatcher looks for events it was not woken for.
    """
    if settings is None:
        from autobill.config import load_settings  # noqa: PLC0415 - only without injected settings

        settings = load_settings()
    engine = None
    if factory is None:
        engine = create_engine(settings.database_url)
        factory = session_factory(engine)
    secret = settings.webhook.secret.get_secret_value() if settings.webhook.secret else ""
    window = settings.webhook.replay_window_seconds
    dispatcher = Dispatcher(factory, starter, interval_seconds=dispatch_interval_seconds) if (
        starter is not None
    ) else None
    state = WebState(
        factory=factory,
        events_secret=secret,
        intacct_secret=secret if intacct_secret is None else intacct_secret,
        window_seconds=window,
        clock=clock,
        replay=replay or MemoryReplayGuard(window_seconds=window, clock=clock),
        max_body_bytes=max_body_bytes,
        on_accepted=dispatcher.wake if dispatcher is not None else None,
        review=ReviewDesk(factory, temporal) if temporal is not None else None,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        del app
        stop = asyncio.Event()
        task = asyncio.create_task(dispatcher.run(stop)) if dispatcher is not None else None
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if engine is not None:
                engine.dispose()

    app = FastAPI(title="autobill", lifespan=lifespan)
    app.state.web = state
    exception_handlers.install(app)
    app.include_router(api.router)
    if temporal is not None:
        app.include_router(drafts.router)
    app.include_router(webhooks.router)
    return app
