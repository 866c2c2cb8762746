"""``autobill drafts``: list, show, approve and reject drafts through the review desk."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console, Group
from rich.table import Table

from autobill.config import load_settings
from autobill.db.session import create_engine, session_factory
from autobill.errors import AutobillError
from autobill.ops.common import USAGE_ERROR, fail, temporal
from autobill.workflows.review import ReviewDesk

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from autobill.invoice.schemas import Amount, DraftDetail, DraftSummary

T = TypeVar("T")
drafts_app = typer.Typer(
    name="drafts",
    help="Drafts for review: list them, show one, approve or reject the waiting ones.",
    no_args_is_help=True,
    add_completion=False,
)

DraftId = Annotated[int, typer.Argument(help="The draft's id (see `autobill drafts list`).")]
By = Annotated[str, typer.Option("--by", help="Who decides (recorded with the decision).")]
Reason = Annotated[str | None, typer.Option("--reason", help="Why (recorded as well).")]


def _with_desk(command: str, work: Callable[[ReviewDesk], Awaitable[T]]) -> T:
    """Run ``work`` on a review desk over the configured database and Temporal."""
    settings = load_settings()
    engine = create_engine(settings.database_url)

    async def main() -> T:
        client = await temporal(settings, command)
        return await work(ReviewDesk(session_factory(engine), client))

    try:
        return asyncio.run(main())
    except AutobillError as error:
        fail(command, error.message, USAGE_ERROR)
    finally:
        engine.dispose()


@drafts_app.command("list")
def list_command(
    *,
    waiting: Annotated[
        bool, typer.Option("--waiting", help="Only drafts awaiting a decision.")
    ] = False,
) -> None:
    """List drafts, newest first."""
    found = _with_desk("drafts list", lambda desk: desk.drafts(waiting_only=waiting))
    Console().print(drafts_table(found))


@drafts_app.command("show")
def show_command(draft_id: DraftId) -> None:
    """Show a draft: its lines with their sources, its findings, decisions and Intacct key."""
    detail = _with_desk("drafts show", lambda desk: desk.show(draft_id))
    Console().print(draft_view(detail))


@drafts_app.command("approve")
def approve_command(draft_id: DraftId, by: By, reason: Reason = None) -> None:
    """Approve a waiting draft; its workflow records the decision and posts the invoice."""
    _decide("drafts approve", draft_id, approve=True, by=by, reason=reason)


@drafts_app.command("reject")
def reject_command(draft_id: DraftId, by: By, reason: Reason = None) -> None:
    """Reject a waiting draft; its workflow records the decision."""
    _decide("drafts reject", draft_id, approve=False, by=by, reason=reason)


def _decide(command: str, draft_id: int, *, approve: bool, by: str, reason: str | None) -> None:
    """Send the decision and show the draft with it recorded."""
    detail = _with_desk(
        command, lambda desk: desk.decide(draft_id, approve=approve, user=by, reason=reason)
    )
    Console().print(draft_view(detail))


def _money(amount: Amount) -> str:
    return f"{amount.amount} {amount.currency}"


def drafts_table(drafts: list[DraftSummary]) -> Table:
    """A table of drafts, one row each."""
    table = Table(title=f"{len(drafts)} draft(s)")
    for name in ("id", "billing key", "customer", "invoice date", "total", "status", "Intacct key"):
        table.add_column(name, justify="right" if name in {"id", "total"} else "left")
    for d in drafts:
        status = f"{d.status} (waiting)" if d.waiting else d.status
        table.add_row(
            str(d.id),
            d.billing_key,
            d.customer_id,
            d.invoice_on.isoformat(),
            _money(d.total),
            status,
            d.intacct_key or "-",
        )
    return table


def draft_view(detail: DraftDetail) -> Group:
    """A draft's header, lines (with sources), findings and decisions."""
    s = detail.summary
    header = Table.grid(padding=(0, 2))
    header.add_column(style="bold")
    header.add_column()
    for name, value in (
        ("draft", f"{s.id} · {s.billing_key}"),
        ("status", f"{s.status} (waiting for a decision)" if s.waiting else s.status),
        ("customer", s.customer_id),
        ("invoice date", f"{s.invoice_on.isoformat()} (due {detail.due_on.isoformat()})"),
        ("total", f"{_money(s.total)} (tax {_money(detail.tax)})"),
        ("Intacct key", s.intacct_key or "-"),
    ):
        header.add_row(name, value)
    return Group(header, _lines(detail), _findings(detail), _decisions(detail))


def _lines(detail: DraftDetail) -> Table:
    table = Table(title="lines")
    for name in ("#", "description", "quantity", "unit price", "amount", "period", "sources"):
        table.add_column(name)
    for line in detail.lines:
        period = f"{line.period_start_on} to {line.period_end_on}" if line.period_start_on else "-"
        sources = "\n".join(json.dumps(src, sort_keys=True, default=str) for src in line.sources)
        unit = "-" if line.unit_price is None else str(line.unit_price)
        table.add_row(
            str(line.position + 1),
            line.description,
            str(line.quantity),
            unit,
            _money(line.amount),
            period,
            sources,
        )
    return table


def _findings(detail: DraftDetail) -> Table:
    table = Table(title=f"findings ({len(detail.findings)})")
    for name in ("severity", "kind", "source", "message"):
        table.add_column(name)
    for f in detail.findings:
        table.add_row(f.severity, f.kind, f.source, f.message)
    return table


def _decisions(detail: DraftDetail) -> Table:
    table = Table(title=f"decisions ({len(detail.decisions)})")
    for name in ("decision", "by", "at", "reason"):
        table.add_column(name)
    for d in detail.decisions:
        table.add_row(d.decision, d.decided_by, d.decided_at.isoformat(), d.reason or "-")
    return table
