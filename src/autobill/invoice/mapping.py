"""Turning the core's ``Invoice`` into draft and line rows (amounts as minor units)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autobill.core.money import round_half_up

if TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal

    from autobill.core.billing.model import Invoice, InvoiceLine, TaxAmount


def minor(amount: Decimal, places: int) -> int:
    """Return an amount already rounded to ``places`` decimals as a whole count of minor units."""
    if round_half_up(amount, places) != amount:
        msg = f"{amount} has more than {places} decimals: round it in the core first"
        raise ValueError(msg)
    return int(amount.scaleb(places))


def draft_values(invoice: Invoice, *, base_currency: str | None = None) -> dict[str, Any]:
    """Return the draft row's columns for ``invoice`` (identity and status are the caller's)."""
    key = invoice.key
    base_total = invoice.base_total
    return {
        "customer_id": key.customer_id,
        "contract_id": key.contract_id,
        "project_id": key.project_id,
        "invoice_on": key.invoice_date,
        "due_on": invoice.due_date,
        "currency": key.currency,
        "subtotal_amount_minor": minor(invoice.subtotal, invoice.places),
        "tax_amount_minor": minor(invoice.tax_total, invoice.places),
        "total_amount_minor": minor(invoice.total, invoice.places),
        "exchange_rate": invoice.exchange_rate,
        "base_currency": base_currency if base_total is not None else None,
        "base_total_amount_minor": _optional_minor(base_total, invoice.base_places),
        "flags": list(invoice.flags),
    }


def _optional_minor(amount: Decimal | None, places: int) -> int | None:
    return None if amount is None else minor(amount, places)


def line_values(
    invoice: Invoice, position: int, sources: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """Return the row of the invoice's line at ``position``, with its source records."""
    line = invoice.lines[position]
    charge = line.charge
    period = charge.period
    return {
        "position": position,
        "kind": charge.kind,
        "source": charge.source,
        "item_id": charge.item_id,
        "description": charge.description,
        "quantity": charge.quantity,
        "unit_price": charge.unit_price,
        "currency": invoice.key.currency,
        "line_amount_minor": minor(charge.amount, invoice.places),
        "tax_amount_minor": _tax_minor(line, invoice),
        "base_amount_minor": _optional_minor(line.base_amount, invoice.base_places),
        "period_start_on": period.first if period else None,
        "period_end_on": period.last if period else None,
        "gl_account": charge.gl_account,
        "term": charge.term,
        "dimensions": charge.dimensions._asdict(),
        "taxes": [_tax_json(tax) for tax in line.taxes],
        "sources": list(sources) or [{"source": charge.source, "kind": charge.kind}],
    }


def _tax_minor(line: InvoiceLine, invoice: Invoice) -> int:
    return sum(minor(tax.amount, invoice.places) for tax in line.taxes)


def _tax_json(tax: TaxAmount) -> dict[str, str | None]:
    base = None if tax.base_amount is None else str(tax.base_amount)
    return {"detail_id": tax.detail_id, "amount": str(tax.amount), "base_amount": base}
