"""Properties of billing calendars: month steps, periods, spans and day counts (billing 2)."""

from __future__ import annotations

import calendar
import itertools
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autobill.core.calendar import (
    ONE_DAY,
    DateSpan,
    add_months,
    billing_period,
    month_end,
    months_touched,
    periods_overlapping,
    proration,
)

EARLIEST, LATEST = date(1990, 1, 1), date(2060, 12, 31)
MONTHS = st.sampled_from([1, 3, 12])


def month_ends(first: date, last: date) -> st.SearchStrategy[date]:
    """The last day of a month between ``first`` and ``last``: the clamping cases."""
    return st.dates(first, last).map(month_end)


# Anchors skew to days 28-31, where clamping to a short month happens.
anchors = st.one_of(
    st.dates(EARLIEST, LATEST),
    month_ends(EARLIEST, LATEST),
    st.dates(EARLIEST, LATEST).map(lambda d: d.replace(day=min(29, month_end(d).day))),
)


@st.composite
def spans(draw: st.DrawFn, max_days: int = 1200) -> DateSpan:
    """An inclusive span of one day to a few years."""
    first = draw(st.one_of(st.dates(EARLIEST, LATEST), month_ends(EARLIEST, LATEST)))
    length = draw(st.integers(min_value=0, max_value=max_days))
    return DateSpan(first, first + timedelta(days=length))


def month_index(day: date) -> int:
    """Months since year 0, for comparing month arithmetic."""
    return day.year * 12 + day.month - 1


@given(anchor=anchors, months=st.integers(min_value=-400, max_value=400))
def test_add_months_keeps_the_anchor_day_clamped(anchor: date, months: int) -> None:
    """Adding months lands in the right month on the anchor day, or that month's last day."""
    # given an anchor date and a number of months (either sign)
    # when the months are added
    moved = add_months(anchor, months)
    # then the month moved by exactly that much and the day is the anchor's, clamped
    assert month_index(moved) == month_index(anchor) + months
    last_day = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == min(anchor.day, last_day)


@given(
    anchor=anchors,
    a=st.integers(min_value=-200, max_value=200),
    b=st.integers(min_value=-200, max_value=200),
)
def test_add_months_is_monotone(anchor: date, a: int, b: int) -> None:
    """More months never give an earlier date, and zero months give the anchor itself."""
    # given an anchor and two month counts
    # when each is added to the anchor
    # then the dates are ordered like the counts
    assert add_months(anchor, 0) == anchor
    if a < b:
        assert add_months(anchor, a) < add_months(anchor, b)


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        (date(2026, 1, 31), [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]),
        (date(2028, 1, 31), [date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30)]),
        (date(2026, 3, 31), [date(2026, 2, 28), date(2026, 1, 31), date(2025, 12, 31)]),
    ],
)
def test_add_months_examples(anchor: date, expected: list[date]) -> None:
    """Anchor Jan 31 gives Feb 28 (29 in 2028), Mar 31, Apr 30; going back clamps too."""
    # given an anchor at a month end
    step = 1 if anchor.month == 1 else -1
    # when one, two and three months are moved from the anchor (not chained)
    moved = [add_months(anchor, step * n) for n in (1, 2, 3)]
    # then each keeps the anchor day where the month has it
    assert moved == expected


@settings(max_examples=150)
@given(anchor=anchors, months=MONTHS, index=st.integers(min_value=-60, max_value=60))
def test_billing_periods_tile_time(anchor: date, months: int, index: int) -> None:
    """Consecutive periods meet with no gap or overlap and period 0 starts on the anchor."""
    # given a schedule anchored at a date, F months long
    # when a period and the next one are built (negative indexes included)
    period = billing_period(anchor, months, index)
    following = billing_period(anchor, months, index + 1)
    # then the next starts the day after this one ends, and each starts on an anchored date
    assert following.first == period.last + ONE_DAY
    assert period.first == add_months(anchor, index * months)
    assert billing_period(anchor, months, 0).first == anchor
    assert 28 * months <= period.days <= 31 * months + 1
    assert month_index(period.first) == month_index(anchor) + index * months


@settings(max_examples=150)
@given(anchor=anchors, months=MONTHS, span=spans())
def test_periods_overlapping_are_exactly_those_sharing_a_day(
    anchor: date, months: int, span: DateSpan
) -> None:
    """periods_overlapping yields, in order, every period sharing a day with the span, no other."""
    # given a schedule and a span anywhere around its anchor
    # when the overlapping periods are listed
    found = list(periods_overlapping(anchor, months, span))
    # then they are exactly the periods of a brute-force search that overlap the span
    start = (month_index(span.first) - month_index(anchor)) // months
    end = (month_index(span.last) - month_index(anchor)) // months
    nearby = [billing_period(anchor, months, k) for k in range(start - 3, end + 3)]
    assert found == [p for p in nearby if p.overlaps(span)]
    # and they cover the span without gap, the first holding its first day, the last its last
    assert span.first in found[0]
    assert span.last in found[-1]
    assert all(a.last + ONE_DAY == b.first for a, b in itertools.pairwise(found))


@given(span=spans(max_days=3000))
def test_months_touched_partition_the_span(span: DateSpan) -> None:
    """The month parts of a span cover it day for day, one part per calendar month."""
    # given a span
    # when it is cut at month ends
    parts = months_touched(span)
    # then the parts run from its first to its last day without gap or overlap, each in one month
    assert parts[0].first == span.first
    assert parts[-1].last == span.last
    assert all(a.last + ONE_DAY == b.first for a, b in itertools.pairwise(parts))
    assert all((p.first.year, p.first.month) == (p.last.year, p.last.month) for p in parts)
    assert all(p.last == month_end(p.last) for p in parts[:-1])
    assert sum(p.days for p in parts) == span.days
    assert len(parts) == month_index(span.last) - month_index(span.first) + 1


@given(span=spans())
def test_day_counts_are_inclusive(span: DateSpan) -> None:
    """A span counts both its ends, and a period's proration of itself is one."""
    # given a span
    # when its days are counted
    # then both ends count, and a span covers all of itself
    assert span.days == (span.last - span.first).days + 1
    assert proration(span, span) == 1
    assert DateSpan(span.first, span.first).days == 1


def test_november_has_thirty_days() -> None:
    """1 Nov to 30 Nov is 30 days, both ends included."""
    # given November as a span
    november = DateSpan(date(2026, 11, 1), date(2026, 11, 30))
    # when its days are counted
    # then there are 30
    assert november.days == 30
    assert proration(DateSpan(date(2026, 11, 16), date(2026, 11, 30)), november) == Fraction(1, 2)


@given(span=spans())
def test_a_span_cannot_end_before_it_starts(span: DateSpan) -> None:
    """A span whose last day precedes its first is refused."""
    # given the ends of a span, swapped
    # when it is built (first after last)
    # then a ValueError is raised
    with pytest.raises(ValueError, match="before it starts"):
        DateSpan(span.last + ONE_DAY, span.first)
