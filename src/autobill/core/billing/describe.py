"""Line descriptions as an invoice prints them (preview.md, Lines)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autobill.core.calendar import format_day

if TYPE_CHECKING:
    from autobill.core.calendar import DateSpan
    from autobill.core.records import Item


def describe(item: Item | None, kind: str, period: DateSpan | None) -> str:
    """Name the line by its item, then its period or its kind.

    Args:
        item: the line's item, if any.
        kind: the line kind (``recurring``, ``credit``, ``one_time`` ...).
        period: the days the line covers, if it covers a period.

    Returns:
        ``Pro plan, 16 Nov 2026 - 30 Nov 2026`` or ``Onboarding setup (one-time)``.
    """
    name = kind if item is None else item.name or item.itemid
    if period is None:
        return f"{name} ({kind.replace('_', '-')})"
    unused = "unused " if kind == "credit" else ""
    return f"{name}, {unused}{format_day(period.first)} - {format_day(period.last)}"
