"""The preview as the document ``autobill preview --format json`` writes (preview.md).

The document's shape is written once, here, as JSON text: the text is exactly what
``json.dumps(document, indent=2, ensure_ascii=False)`` would print, and is built from strings
because the standard encoder drops to pure Python whenever it indents (several times slower on
a company of thousands of contracts). :func:`preview_document` parses that text back.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, Final

from autobill.core.money import format_amount

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date
    from decimal import Decimal

    from autobill.core.billing import Invoice, InvoiceLine, Preview
    from autobill.core.revrec import RevenueEntry

FORMAT: Final = "autobill-preview/1"
_NULL: Final = "null"


def preview_json(result: Preview) -> str:
    """Write the preview as JSON text indented by two spaces, keys in the documented order."""
    invoices = _array(map(_invoice, result.invoices), 1)
    revenue = _array(map(_revenue, result.revenue), 1)
    found = _array(
        (
            _EXCEPTION.format(_text(e.kind), _text(e.source), _text(e.message))
            for e in result.exceptions
        ),
        1,
    )
    return _DOCUMENT.format(_text(FORMAT), _day(result.as_of), invoices, revenue, found) + "\n"


def preview_document(result: Preview) -> dict[str, Any]:
    """Return the preview as plain JSON values (the parsed :func:`preview_json` text)."""
    document: dict[str, Any] = json.loads(preview_json(result))
    return document


def decimal_text(value: Decimal | None) -> str | None:
    """Write an exact quantity, rate or price without padding or exponent notation."""
    if value is None:
        return None
    text = format(value, "f")
    return text[1:] if text.startswith("-") and not value else text


def _template(keys: tuple[str, ...], depth: int) -> str:
    """The format string of an object with these keys, ``depth`` levels of indentation deep."""
    inner = "\n" + "  " * (depth + 1)
    body = ",".join(f'{inner}"{key}": {{}}' for key in keys)
    return "{{" + body + "\n" + "  " * depth + "}}"


# Each object's keys, in the documented order, at the depth where it appears.
_DOCUMENT: Final = _template(("format", "as_of", "invoices", "revenue", "exceptions"), 0)
_INVOICE: Final = _template(
    (
        "customer_id",
        "contract_id",
        "project_id",
        "invoice_date",
        "due_date",
        "currency",
        "exchange_rate",
        "lines",
        "subtotal",
        "tax_total",
        "total",
        "base_total",
        "flags",
    ),
    2,
)
_LINE: Final = _template(
    (
        "kind",
        "source",
        "item_id",
        "description",
        "quantity",
        "unit_price",
        "amount",
        "period_start",
        "period_end",
        "gl_account",
        "dimensions",
        "taxes",
        "base_amount",
    ),
    4,
)
_DIMENSIONS: Final = _template(("LOCATIONID", "DEPARTMENTID", "CLASSID", "PROJECTID"), 5)
_TAX: Final = _template(("detail_id", "amount"), 6)
_REVENUE: Final = _template(
    ("source", "template", "allocated", "schedule", "recognised_to_date"), 2
)
_MONTH: Final = _template(("month", "amount"), 4)
_EXCEPTION: Final = _template(("kind", "source", "message"), 2)


def _array(items: Iterable[str], depth: int) -> str:
    """An array of already-encoded items, each indented one level deeper than ``depth``."""
    inner = "\n" + "  " * (depth + 1)
    body = ",".join(inner + item for item in items)
    return "[" + body + "\n" + "  " * depth + "]" if body else "[]"


def _text(value: str | None) -> str:
    return _NULL if value is None else encode_basestring(value)


def _day(value: date | None) -> str:
    return _NULL if value is None else f'"{value.isoformat()}"'


def _money(value: Decimal | None, places: int) -> str:
    return _NULL if value is None else f'"{format_amount(value, places)}"'


def _exact(value: Decimal | None) -> str:
    return _text(decimal_text(value))


def _invoice(inv: Invoice) -> str:
    key, places = inv.key, inv.places
    return _INVOICE.format(
        _text(key.customer_id),
        _text(key.contract_id),
        _text(key.project_id),
        _day(key.invoice_date),
        _day(inv.due_date),
        _text(key.currency),
        _exact(inv.exchange_rate),
        _array((_line(line, places, inv.base_places) for line in inv.lines), 3),
        _money(inv.subtotal, places),
        _money(inv.tax_total, places),
        _money(inv.total, places),
        _money(inv.base_total, inv.base_places),
        _array(map(_text, inv.flags), 3),
    )


def _line(line: InvoiceLine, places: int, base_places: int) -> str:
    charge = line.charge
    period, dims = charge.period, charge.dimensions
    # usage and time lines show the price or rate as given; the others their rounded amount
    as_given = charge.kind in {"usage", "time"}
    unit_price = _exact(charge.unit_price) if as_given else _money(charge.unit_price, places)
    taxes = (_TAX.format(_text(t.detail_id), _money(t.amount, places)) for t in line.taxes)
    dimensions = _DIMENSIONS.format(
        _text(dims.locationid),
        _text(dims.departmentid),
        _text(dims.classid),
        _text(dims.projectid),
    )
    return _LINE.format(
        _text(charge.kind),
        _text(charge.source),
        _text(charge.item_id),
        _text(charge.description),
        _exact(charge.quantity),
        unit_price,
        _money(charge.amount, places),
        _day(period.first if period else None),
        _day(period.last if period else None),
        _text(charge.gl_account),
        dimensions,
        _array(taxes, 5),
        _money(line.base_amount, base_places),
    )


def _revenue(entry: RevenueEntry) -> str:
    places = entry.places
    months = (_MONTH.format(_text(m), _money(amount, places)) for m, amount in entry.schedule)
    return _REVENUE.format(
        _text(entry.source),
        _text(entry.template),
        _money(entry.allocated, places),
        _array(months, 3),
        _money(entry.recognised_to_date, places),
    )
