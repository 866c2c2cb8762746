"""Rich tables of a preview, for people (``--format table``)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

from autobill.core.money import format_amount
from autobill.core.report import decimal_text

if TYPE_CHECKING:
    from rich.console import RenderableType

    from autobill.core.billing import Invoice, Preview
    from autobill.core.revrec import RevenueEntry


def preview_tables(result: Preview) -> list[RenderableType]:
    """Render each invoice with its lines, then the revenue schedules, then the exceptions."""
    heading = Text(
        f"{len(result.invoices)} invoices up to {result.as_of.isoformat()}", style="bold"
    )
    return [
        heading,
        *(_invoice(inv) for inv in result.invoices),
        _revenue(result.revenue),
        _exceptions(result),
    ]


def _invoice(inv: Invoice) -> Table:
    key = inv.key
    flags = f"  [red]{', '.join(inv.flags)}[/red]" if inv.flags else ""
    title = (
        f"{key.invoice_date.isoformat()}  {key.customer_id}  "
        f"{key.contract_id or key.project_id}  {key.currency}  "
        f"due {inv.due_date.isoformat()}{flags}"
    )
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_footer=True)
    money = partial(format_amount, places=inv.places)
    table.add_column("Kind", footer="total")
    table.add_column("Description", ratio=1)
    table.add_column("Qty", justify="right")
    table.add_column("Amount", justify="right", footer=money(inv.subtotal))
    table.add_column("Tax", justify="right", footer=money(inv.tax_total))
    table.add_column("Total", justify="right", footer=Text(money(inv.total), style="bold"))
    for line in inv.lines:
        charge = line.charge
        tax = sum((t.amount for t in line.taxes), charge.amount - charge.amount)
        table.add_row(
            charge.kind,
            charge.description,
            decimal_text(charge.quantity),
            money(charge.amount),
            money(tax),
            money(charge.amount + tax),
        )
    return table


def _revenue(entries: tuple[RevenueEntry, ...]) -> Table:
    table = Table(
        title=f"Revenue schedules ({len(entries)})", title_justify="left", box=box.SIMPLE_HEAD
    )
    for column in ("Source", "Template", "Months", "Allocated", "Recognised to date"):
        table.add_column(
            column,
            justify="right" if column in {"Months", "Allocated", "Recognised to date"} else "left",
        )
    for entry in entries:
        table.add_row(
            entry.source,
            entry.template,
            str(len(entry.schedule)),
            format_amount(entry.allocated, entry.places),
            format_amount(entry.recognised_to_date, entry.places),
        )
    return table


def _exceptions(result: Preview) -> Table:
    table = Table(
        title=f"Exceptions for review ({len(result.exceptions)})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for column in ("Kind", "Source", "Message"):
        table.add_column(column)
    for found in result.exceptions:
        table.add_row(found.kind, found.source, found.message)
    return table
