"""Calendar arithmetic for billing: month steps clamped to month ends, inclusive spans, periods.

The billing spec counts days inclusively (1 Nov - 30 Nov is 30 days), so spans here are closed
``[first, last]`` rather than half-open; the names ``first`` and ``last`` say so at every use.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterator

ONE_DAY: Final = timedelta(days=1)
MONTHS_PER_PERIOD: Final[dict[str, int]] = {"Monthly": 1, "Quarterly": 3, "Annually": 12}
_MONTH_ABBR: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip


@dataclass(frozen=True, slots=True, order=True)
class DateSpan:
    """The calendar days from ``first`` to ``last``, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            msg = f"span ends ({self.last}) before it starts ({self.first})"
            raise ValueError(msg)

    @property
    def days(self) -> int:
        """Number of days in the span, counting both ends."""
        return (self.last - self.first).days + 1

    def overlaps(self, other: DateSpan) -> bool:
        """Whether the two spans share at least one day."""
        return self.first <= other.last and other.first <= self.last

    def clip(self, other: DateSpan) -> DateSpan | None:
        """Return the days both spans share, or None when they share none."""
        if not self.overlaps(other):
            return None
        return DateSpan(max(self.first, other.first), min(self.last, other.last))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


@lru_cache(maxsize=65536)  # pure, and called for every line of a large company
def add_months(anchor: date, months: int) -> date:
    """Move ``anchor`` by whole months, keeping its day clamped to the target month's last day.

    Args:
        anchor: the starting date (its day of month is the one kept).
        months: how many months to move, negative to go back.

    Returns:
        The date ``months`` months away (Jan 31 + 1 month is Feb 28 or 29).
    """
    index = anchor.year * 12 + anchor.month - 1 + months
    year, month0 = divmod(index, 12)
    last_day = _stdlib_calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(anchor.day, last_day))


@lru_cache(maxsize=65536)  # pure, and called for every line of a large company
def month_end(day: date) -> date:
    """Return the last day of ``day``'s calendar month."""
    return day.replace(day=_stdlib_calendar.monthrange(day.year, day.month)[1])


@lru_cache(maxsize=65536)  # pure, and called for every line of a large company
def month_key(day: date) -> str:
    """Return the ``YYYY-MM`` key of ``day``'s calendar month."""
    return f"{day.year:04d}-{day.month:02d}"


def billing_period(anchor: date, months: int, index: int) -> DateSpan:
    """Return billing period ``index`` of a schedule anchored at ``anchor``, ``months`` long.

    Args:
        anchor: the contract's BEGINDATE.
        months: the period length in months (1, 3 or 12).
        index: the period number; 0 starts at the anchor, negative ones precede it.

    Returns:
        The period's inclusive span.
    """
    first = add_months(anchor, index * months)
    return DateSpan(first, add_months(anchor, (index + 1) * months) - ONE_DAY)


def periods_overlapping(anchor: date, months: int, span: DateSpan) -> Iterator[DateSpan]:
    """Yield, in order, the billing periods of the schedule that share a day with ``span``."""
    month_gap = (span.first.year - anchor.year) * 12 + span.first.month - anchor.month
    index = month_gap // months - 1  # one period early: clamping can shift a boundary
    first = add_months(anchor, index * months)
    while first <= span.last:
        index += 1
        following = add_months(anchor, index * months)  # each boundary is computed once
        if following > span.first:
            yield DateSpan(first, following - ONE_DAY)
        first = following


def months_touched(span: DateSpan) -> list[DateSpan]:
    """Return the parts of ``span`` that fall in each calendar month it touches, in order."""
    parts = []
    first = span.first
    while first <= span.last:
        last = min(month_end(first), span.last)
        parts.append(DateSpan(first, last))
        first = last + ONE_DAY
    return parts


def proration(charged: DateSpan, period: DateSpan) -> Fraction:
    """Return the exact share of ``period`` that ``charged`` covers, in days."""
    return Fraction(charged.days, period.days)


@lru_cache(maxsize=65536)  # pure, and called for every line of a large company
def format_day(day: date) -> str:
    """Write a date as on an invoice line: ``16 Nov 2026``."""
    return f"{day.day:02d} {_MONTH_ABBR[day.month - 1]} {day.year:04d}"
