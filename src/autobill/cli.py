"""The ``autobill`` command line."""

from __future__ import annotations

import sys
from pathlib import Path  # noqa: TC003 - Typer reads the annotations at run time
from typing import Annotated, Literal

import typer
from rich.console import Console

from autobill import __version__
from autobill.audit.cli import audit_app
from autobill.core.billing import InvalidWindow, preview
from autobill.core.report import preview_json
from autobill.dataset import DatasetError, load_dataset
from autobill.demo import dataset_path as demo_dataset_path
from autobill.ops.common import parse_day
from autobill.ops.demo import demo
from autobill.ops.drafts import drafts_app
from autobill.ops.run import run, schedule
from autobill.ops.serve import serve
from autobill.ops.up import up
from autobill.render import preview_tables
from autobill.sandbox.cli import sandbox_app
from autobill.workflows.cli import worker

app = typer.Typer(
    name="autobill",
    help="Turns billable events into correct, reviewed invoices in Sage Intacct.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(audit_app, name="audit")
app.add_typer(drafts_app, name="drafts")
app.command("worker")(worker)
app.command("serve")(serve)
app.command("up")(up)
app.command("demo")(demo)
app.command("run")(run)
app.command("schedule")(schedule)
USAGE_ERROR = 2


def dataset_file(value: Path) -> Path:
    """Resolve a ``--dataset`` value: a file, or ``demo`` for the bundled demo company."""
    if str(value) == "demo" and not value.exists():
        return demo_dataset_path()
    return value


@app.callback()
def _root() -> None:
    """Turns billable events into correct, reviewed invoices in Sage Intacct."""


@app.command("version")
def version() -> None:
    """Print autobill's version."""
    typer.echo(__version__)


@app.command("preview")
def preview_command(
    dataset: Annotated[
        Path, typer.Option("--dataset", help="Dataset file (YAML or JSON), or demo.")
    ],
    as_of: Annotated[str, typer.Option("--as-of", help="Last invoice date (YYYY-MM-DD).")],
    start: Annotated[
        str | None, typer.Option("--from", help="First invoice date (YYYY-MM-DD).")
    ] = None,
    output: Annotated[
        Literal["table", "json"], typer.Option("--format", help="table for people, json for tools.")
    ] = "table",
) -> None:
    """Show what would be billed: invoices, revenue schedules and exceptions, from a dataset."""
    as_of_day = parse_day(as_of)
    start_day = None if start is None else parse_day(start)
    err = Console(stderr=True)
    try:
        data = load_dataset(dataset_file(dataset))
        result = preview(data, as_of=as_of_day, start=start_day)
    except (DatasetError, InvalidWindow) as error:
        err.print(f"autobill preview: {error}", markup=False, highlight=False)
        raise typer.Exit(USAGE_ERROR) from None
    if output == "json":
        sys.stdout.buffer.write(preview_json(result).encode())
        return
    Console().print(*preview_tables(result))
