"""``autobill sandbox``: serve the emulator, load a dataset into its store, print its stats."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Final

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from autobill.dataset import DatasetError, load_dataset
from autobill.demo import dataset_path as demo_dataset_path
from autobill.sandbox.app import create_app
from autobill.sandbox.config import SandboxConfig
from autobill.sandbox.seed import StoreNotEmpty, seed
from autobill.sandbox.store import Store

DEFAULT_DB: Final = "autobill-sandbox.db"
USAGE_ERROR: Final = 2

sandbox_app = typer.Typer(
    name="sandbox", help="A local Sage Intacct emulator (XML gateway) for tests and demos.",
    no_args_is_help=True, add_completion=False,
)

DbOption = Annotated[str, typer.Option("--db", help="SQLite file, or :memory:.")]


def _seed_path(value: str) -> Path:
    return demo_dataset_path() if value == "demo" else Path(value)


def _load(store: Store, path: Path, err: Console) -> dict[str, int]:
    try:
        return seed(store, load_dataset(path))
    except (DatasetError, StoreNotEmpty, OSError) as error:
        err.print(f"autobill sandbox: {error}", markup=False, highlight=False)
        raise typer.Exit(USAGE_ERROR) from None


def _tenant(
    latency: float, max_concurrent: int, close_date: str | None, secrets: tuple[str, str]
) -> SandboxConfig:
    """Return the tenant's configuration from the serve options."""
    closed = None
    if close_date is not None:
        try:
            closed = date.fromisoformat(close_date)
        except ValueError:
            msg = f"{close_date!r} is not a date (YYYY-MM-DD)"
            raise typer.BadParameter(msg) from None
    defaults = SandboxConfig()
    return replace(
        defaults, latency_seconds=latency, max_concurrent=max_concurrent, close_date=closed,
        sender_password=secrets[0] or defaults.sender_password,
        user_password=secrets[1] or defaults.user_password,
    )


@sandbox_app.command("serve")
def serve(  # noqa: PLR0913, PLR0917 - one parameter per command-line option
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    db: DbOption = ":memory:",
    seed_from: Annotated[
        str | None, typer.Option("--seed", help="demo, or a dataset file to load first.")
    ] = None,
    latency: Annotated[
        float, typer.Option(help="Floor of every request's service time, in seconds.")
    ] = 0.0,
    max_concurrent: Annotated[int, typer.Option(help="Concurrent requests before 429.")] = 2,
    close_date: Annotated[
        str | None, typer.Option(help="Books closed up to this date (YYYY-MM-DD).")
    ] = None,
    sender_password: Annotated[str, typer.Option(
        envvar="AUTOBILL_SANDBOX_SENDER_PASSWORD", hidden=True)] = "",
    user_password: Annotated[str, typer.Option(
        envvar="AUTOBILL_SANDBOX_USER_PASSWORD", hidden=True)] = "",
) -> None:
    """Serve the sandbox's XML gateway at /ia/xml/xmlgw.phtml."""
    config = _tenant(latency, max_concurrent, close_date, (sender_password, user_password))
    store = Store(db)
    if seed_from is not None and store.is_empty():
        _load(store, _seed_path(seed_from), Console(stderr=True))
    Console(stderr=True).print(
        f"Sandbox company {config.company_id} at http://{host}:{port}/ia/xml/xmlgw.phtml",
        markup=False, highlight=False,
    )
    uvicorn.run(create_app(config, store), host=host, port=port, log_level="warning")


@sandbox_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="Dataset file (YAML or JSON), or 'demo'.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Load a dataset into an empty sandbox store, all or nothing."""
    store = Store(db)
    try:
        counts = _load(store, _seed_path(str(file)), Console(stderr=True))
    finally:
        store.close()
    typer.echo(f"loaded {sum(counts.values())} records into {db}")


@sandbox_app.command("stats")
def stats(db: DbOption = DEFAULT_DB) -> None:
    """Print the API transaction meter and the record count of each object."""
    store = Store(db)
    meter = Table("company", "day", "transactions", title="API transactions")
    for company, day, count in store.meter():
        meter.add_row(company, day, str(count))
    records = Table("object", "records", title="Records")
    for name, count in store.counts().items():
        records.add_row(name, str(count))
    store.close()
    Console().print(meter, records)
