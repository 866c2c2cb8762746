"""The preview as the document ``autobill preview --format json`` writes (preview.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

from autobill.core.money import format_amount

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

    from autobill.core.billing import Invoice, InvoiceLine, Preview
    from autobill.core.revrec import RevenueEntry

FORMAT: Final = "autobill-preview/1"


def preview_json(result: Preview) -> str:
    """Write the preview as UTF-8 JSON text, indented by two spaces, with a final newline."""
    return json.dumps(preview_document(result), indent=2, ensure_ascii=False) + "\n"


def preview_document(result: Preview) -> dict[str, Any]:
    """Turn the preview into plain JSON values, keys in the documented order."""
    return {
        "format": FORMAT,
        "as_of": _day(result.as_of),
        "invoices": [_invoice(inv) for inv in result.invoices],
        "revenue": [_revenue(entry) for entry in result.revenue],
        "exceptions": [
            {"kind": e.kind, "source": e.source, "message": e.message} for e in result.exceptions
        ],
    }


def decimal_text(value: Decimal | None) -> str | None:
    """Write an exact quantity, rate or price without padding or exponent notation."""
    if value is None:
        return None
    text = format(value, "f")
    return text[1:] if text.startswith("-") and not value else text


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(value: Decimal | None, places: int) -> str | None:
    return None if value is None else format_amount(value, places)


def _invoice(inv: Invoice) -> dict[str, Any]:
    key = inv.key
    return {
        "customer_id": key.customer_id,
        "contract_id": key.contract_id,
        "project_id": key.project_id,
        "invoice_date": _day(key.invoice_date),
        "due_date": _day(inv.due_date),
        "currency": key.currency,
        "exchange_rate": decimal_text(inv.exchange_rate),
        "lines": [_line(line, inv) for line in inv.lines],
        "subtotal": _money(inv.subtotal, inv.places),
        "tax_total": _money(inv.tax_total, inv.places),
        "total": _money(inv.total, inv.places),
        "base_total": _money(inv.base_total, inv.base_places),
        "flags": list(inv.flags),
    }


def _line(line: InvoiceLine, inv: Invoice) -> dict[str, Any]:
    charge = line.charge
    period = charge.period
    unit_price = charge.unit_price
    priced_by_amount = unit_price is not None and charge.kind not in {"usage", "time"}
    return {
        "kind": charge.kind,
        "source": charge.source,
        "item_id": charge.item_id,
        "description": charge.description,
        "quantity": decimal_text(charge.quantity),
        "unit_price": (
            _money(unit_price, inv.places) if priced_by_amount else decimal_text(unit_price)
        ),
        "amount": _money(charge.amount, inv.places),
        "period_start": _day(period.first if period else None),
        "period_end": _day(period.last if period else None),
        "gl_account": charge.gl_account,
        "dimensions": {
            "LOCATIONID": charge.dimensions.locationid,
            "DEPARTMENTID": charge.dimensions.departmentid,
            "CLASSID": charge.dimensions.classid,
            "PROJECTID": charge.dimensions.projectid,
        },
        "taxes": [
            {"detail_id": t.detail_id, "amount": _money(t.amount, inv.places)} for t in line.taxes
        ],
        "base_amount": _money(line.base_amount, inv.base_places),
    }


def _revenue(entry: RevenueEntry) -> dict[str, Any]:
    return {
        "source": entry.source,
        "template": entry.template,
        "allocated": _money(entry.allocated, entry.places),
        "schedule": [
            {"month": month, "amount": _money(amount, entry.places)}
            for month, amount in entry.schedule
        ],
        "recognised_to_date": _money(entry.recognised_to_date, entry.places),
    }
