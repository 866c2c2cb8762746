"""``autobill up``: everything on loopback, for a demo or a developer, until Ctrl-C.

In order: the Temporal dev server (its SQLite file in the data directory), the sandbox seeded
with the demo company (unless real Intacct credentials are configured), the database migrated
to head, the worker, the change poller (when ``triggers.poll_enabled``) and the web app.
Ctrl-C (or SIGTERM) stops them in reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import signal
import socket
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import sqlalchemy as sa
import typer
import uvicorn
from alembic import command
from alembic.config import Config
from rich.console import Console
from rich.table import Table

import autobill
from autobill import sandbox
from autobill.config import Settings, load_settings
from autobill.dataset import load_dataset
from autobill.db.session import create_engine
from autobill.demo import dataset_path as demo_dataset_path
from autobill.intacct.mapping import CompanySettings
from autobill.logs import configure_logging
from autobill.ops.common import FAILURE, fail
from autobill.ops.polling import polling
from autobill.ops.serve import server_config, web_app
from autobill.sandbox.seed import seed
from autobill.workflows.devserver import LOOPBACK, DevServer, DevServerError
from autobill.workflows.wiring import connect, intacct_client, real_worker

if TYPE_CHECKING:
    from collections.abc import Iterator

    from starlette.types import ASGIApp

    from autobill.core.dataset import Dataset

ALEMBIC_INI: Final = Path(autobill.__file__).resolve().parents[2] / "alembic.ini"
SANDBOX_FILE: Final = "sandbox.db"
TEMPORAL_DIR: Final = "temporal"
XML_PATH: Final = "/ia/xml/xmlgw.phtml"


class UpFailed(RuntimeError):
    """A part of ``autobill up`` could not start."""


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves the signals to ``autobill up``."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Install no handlers: ``autobill up`` decides when its servers stop."""
        yield


@dataclass(frozen=True)
class Urls:
    """Where the parts of ``autobill up`` listen."""

    web: str
    temporal: str
    temporal_ui: str | None
    sandbox: str | None
    data_dir: Path


def listening_socket(port: int) -> socket.socket:
    """A loopback socket bound to ``port`` (0: any free one), or :class:`UpFailed`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port))
    except OSError as error:
        sock.close()
        msg = f"cannot listen on {LOOPBACK}:{port}: {error.strerror}"
        raise UpFailed(msg) from None
    return sock


async def serving(stack: AsyncExitStack, app: ASGIApp, sock: socket.socket) -> None:
    """Serve ``app`` on ``sock`` until the stack closes; return once it accepts requests."""
    port = sock.getsockname()[1]
    server = EmbeddedServer(server_config(app, LOOPBACK, port))
    task = asyncio.create_task(server.serve(sockets=[sock]))

    async def stop() -> None:
        server.should_exit = True
        await task
        sock.close()

    stack.push_async_callback(stop)
    while not server.started:
        if task.done():
            msg = f"the server on port {port} stopped while starting"
            raise UpFailed(msg)
        await asyncio.sleep(0.02)


def migrate(database_url: str) -> None:
    """Bring the database to the newest schema with the repository's Alembic migrations."""
    if not ALEMBIC_INI.is_file():
        msg = f"{ALEMBIC_INI} is missing: run autobill up from a source checkout"
        raise UpFailed(msg)
    engine = create_engine(database_url, poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            config = Config(ALEMBIC_INI)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def sandbox_app(
    data_dir: Path, web_url: str, webhook_secret: str, dataset: Dataset | None = None
) -> tuple[ASGIApp, sandbox.Store]:
    """The sandbox over a SQLite file in the data directory, seeded once (the demo company)."""
    store = sandbox.Store(str(data_dir / SANDBOX_FILE))
    if store.is_empty():
        seed(store, dataset or load_dataset(demo_dataset_path()))
    oe = CompanySettings(company=sandbox.SandboxConfig().company_id)
    config = sandbox.SandboxConfig(
        custom_fields=frozenset({oe.trace_field, oe.trigger_field, oe.key_field}),
        webhooks=(f"{web_url}/webhooks/intacct",),
        webhook_secret=webhook_secret,
    )
    return sandbox.create_app(config, store), store


async def bring_up(
    stack: AsyncExitStack,
    settings: Settings,
    *,
    web_port: int,
    sandbox_port: int,
    dataset: Dataset | None = None,
) -> Urls:
    """Start every part, each stopped by ``stack`` in reverse order; return their URLs.

    ``dataset`` seeds a new sandbox instead of the demo company.
    """
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    web_sock = listening_socket(web_port)
    stack.callback(web_sock.close)
    web_url = f"http://{LOOPBACK}:{web_sock.getsockname()[1]}"
    dev = await asyncio.to_thread(DevServer.start, data_dir / TEMPORAL_DIR)
    stack.push_async_callback(asyncio.to_thread, dev.stop)
    configured = settings.webhook.intacct_secret
    secret = configured.get_secret_value() if configured else secrets.token_urlsafe(24)
    intacct = settings.intacct
    sandbox_url = None
    if not intacct.configured:
        app, store = sandbox_app(data_dir, web_url, secret, dataset)
        stack.callback(store.close)
        sandbox_sock = listening_socket(sandbox_port)
        await serving(stack, app, sandbox_sock)
        sandbox_url = f"http://{LOOPBACK}:{sandbox_sock.getsockname()[1]}"
        intacct = intacct.model_copy(update={"endpoint": sandbox_url + XML_PATH})
    temporal = settings.temporal.model_copy(update={"address": dev.address})
    settings = settings.model_copy(update={"intacct": intacct, "temporal": temporal})
    await asyncio.to_thread(migrate, settings.database_url)
    client = await connect(settings)
    await stack.enter_async_context(real_worker(settings, client=client))
    await stack.enter_async_context(polling(settings))
    reads = intacct_client(settings)
    stack.push_async_callback(reads.aclose)
    await serving(stack, web_app(settings, client, reads, intacct_secret=secret), web_sock)
    return Urls(web_url, dev.address, dev.ui_url, sandbox_url, data_dir)


def urls_table(urls: Urls) -> Table:
    """The table ``autobill up`` prints once everything runs."""
    table = Table(title="autobill is up")
    table.add_column("part")
    table.add_column("where", no_wrap=True)
    table.add_row("web app (API, webhooks)", urls.web)
    table.add_row("health", f"{urls.web}/api/health")
    table.add_row("drafts API", f"{urls.web}/api/drafts")
    if urls.sandbox is not None:
        table.add_row("Intacct sandbox", urls.sandbox + XML_PATH)
    table.add_row("Temporal frontend", urls.temporal)
    if urls.temporal_ui is not None:
        table.add_row("Temporal UI", urls.temporal_ui)
    table.add_row("data", str(urls.data_dir))
    return table


async def run_up(settings: Settings, *, web_port: int, sandbox_port: int, out: Console) -> None:
    """Bring everything up, print the URLs, and stop it all on SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        urls = await bring_up(stack, settings, web_port=web_port, sandbox_port=sandbox_port)
        out.print(urls_table(urls))
        out.print("Ctrl-C stops everything.", markup=False, highlight=False)
        out.file.flush()
        await stop.wait()
        out.print("stopping...", markup=False, highlight=False)
        out.file.flush()


def up(
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the files live (default: data_dir).")
    ] = None,
    web_port: Annotated[
        int | None, typer.Option("--web-port", help="Web app port (default: web.port; 0: any).")
    ] = None,
    sandbox_port: Annotated[
        int | None,
        typer.Option("--sandbox-port", help="Sandbox port (default: sandbox.port; 0: any)."),
    ] = None,
) -> None:
    """Run Temporal, the sandbox, the worker and the web app on loopback until Ctrl-C."""
    settings = load_settings() if data_dir is None else Settings(data_dir=data_dir)
    configure_logging(level=settings.log_level, json=settings.log_json)
    out = Console()
    try:
        asyncio.run(
            run_up(
                settings,
                web_port=settings.web.port if web_port is None else web_port,
                sandbox_port=settings.sandbox.port if sandbox_port is None else sandbox_port,
                out=out,
            )
        )
    except (UpFailed, DevServerError) as error:
        fail("up", str(error), FAILURE)
