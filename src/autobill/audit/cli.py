"""``autobill audit``: commands over the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from autobill.audit import service as audit_service
from autobill.config import load_settings
from autobill.db.session import create_engine, session_factory, unit_of_work

if TYPE_CHECKING:
    import sqlalchemy as sa

    from autobill.audit.service import ChainBreak

BROKEN = 1
UNREADABLE = 3  # 2 is Click's usage error

audit_app = typer.Typer(name="audit", help="Inspect the audit log.", no_args_is_help=True)


@audit_app.callback()
def _audit() -> None:
    """Inspect the audit log."""


@audit_app.command("verify")
def verify() -> None:
    """Check the audit log's hash chain; exit 1 and list the breaks when it does not hold."""
    console = Console()
    engine = create_engine(load_settings().database_url)
    try:
        with unit_of_work(session_factory(_one_snapshot(engine))) as session:
            breaks = audit_service.verify(session)
    except SQLAlchemyError as error:
        console.print(f"[red]cannot read the audit log:[/red] {error.__class__.__name__}: {error}")
        raise typer.Exit(UNREADABLE) from None
    finally:
        engine.dispose()
    _report(console, breaks)


def _report(console: Console, breaks: list[ChainBreak]) -> None:
    if not breaks:
        console.print("audit chain intact")
        return
    for found in breaks:
        console.print(f"entry {found.position}: {found.kind.value}: {found.detail}", markup=False)
    console.print(f"[red]audit chain broken in {len(breaks)} place(s)[/red]")
    raise typer.Exit(BROKEN)


def _one_snapshot(engine: sa.Engine) -> sa.Engine:
    if engine.dialect.name != "postgresql":
        return engine  # SQLite transactions already read one snapshot
    # Appends committed during the walk must not look like a cut or extended chain.
    return engine.execution_options(isolation_level="REPEATABLE READ")
