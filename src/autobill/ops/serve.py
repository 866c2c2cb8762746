"""``autobill serve``: the web app (API and webhooks), its inbox dispatcher starting workflows."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Annotated

import typer
import uvicorn
from rich.console import Console

from autobill.billing.reader import IntacctReader
from autobill.config import load_settings
from autobill.logs import configure_logging
from autobill.ops.common import company_of, review_policy, temporal
from autobill.ops.polling import polling
from autobill.triggers.dispatcher import TemporalEventStarter
from autobill.triggers.landing import ScheduleKeys
from autobill.web import create_app
from autobill.workflows.wiring import intacct_client

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.types import ASGIApp
    from temporalio.client import Client

    from autobill.config import Settings
    from autobill.intacct import IntacctClient


def server_config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    """A quiet uvicorn configuration for ``app`` on ``host``:``port``, logging through ours."""
    # log_config=None: uvicorn installs no handlers, so its warnings reach our root handler.
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, log_config=None
    )


def web_app(
    settings: Settings,
    client: Client,
    intacct: IntacctClient,
    *,
    intacct_secret: str | None = None,
) -> FastAPI:
    """The web app: its dispatcher starts the workflows of the invoices events land on."""
    reader = IntacctReader(intacct, entity=settings.intacct.entity_id)
    starter = TemporalEventStarter(
        client,
        company_id=company_of(settings),
        entity_id=settings.intacct.entity_id,
        task_queue=settings.temporal.task_queue,
        policy=review_policy(settings),
        keys=ScheduleKeys(reader).keys,
    )
    configured = settings.webhook.intacct_secret
    if intacct_secret is None and configured is not None:
        intacct_secret = configured.get_secret_value()
    return create_app(
        settings,
        starter=starter,
        temporal=client,
        intacct_secret=intacct_secret,
        dispatch_interval_seconds=settings.triggers.dispatch_interval_seconds,
    )


def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default: web.host).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: web.port).")] = None,
) -> None:
    """Serve the web app against the configured Temporal and database until Ctrl-C."""
    settings = load_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    host = host or settings.web.host
    port = port or settings.web.port

    async def main() -> None:
        client = await temporal(settings, "serve")
        intacct = intacct_client(settings)
        # uvicorn's own signal handling: Ctrl-C shuts the app down (and its dispatcher) cleanly.
        app = web_app(settings, client, intacct)
        server = uvicorn.Server(server_config(app, host, port))
        Console(stderr=True).print(
            f"autobill serve: http://{host}:{port} (Temporal {settings.temporal.address}); "
            "Ctrl-C stops it",
            markup=False,
            highlight=False,
        )
        try:
            async with polling(settings):
                await server.serve()
        finally:
            await intacct.aclose()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
