"""Revenue recognition (ASC 606 / IFRS 15): SSP allocation and monthly schedules (billing 7).

Fixed price lines are recognised from their billing plan over the whole term; usage, time and
expense lines as billed on the preview's invoices. Every split goes through ``allocate``, so a
schedule always sums to what it was allocated (a milestone schedule once every part is billed).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from autobill.core.billing.contracts import is_fixed_price, is_milestone, milestone_total
from autobill.core.calendar import month_key, months_touched
from autobill.core.money import allocate_amounts

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date

    from autobill.core.billing.contracts import LineContext
    from autobill.core.billing.model import Charge, Invoice
    from autobill.core.calendar import DateSpan
    from autobill.core.dataset import Dataset

DAILY_RATE: Final = "Daily rate"
STRAIGHT_LINE: Final = "Straight line"
ON_INVOICE: Final = "On invoice"
ON_COMPLETION: Final = "On completion"
LinePlan = tuple["LineContext", tuple["Charge", ...]]


@dataclass(frozen=True, slots=True)
class RevenueEntry:
    """One performance obligation's allocated amount and its schedule by month."""

    source: str
    template: str
    places: int
    allocated: Decimal
    schedule: tuple[tuple[str, Decimal], ...]
    recognised_to_date: Decimal


def recognise(
    data: Dataset, plans: Sequence[LinePlan], invoices: Sequence[Invoice], *, as_of: date
) -> tuple[RevenueEntry, ...]:
    """Build the revenue entries of every contract line and of every billed time/expense line.

    Args:
        data: the company's records (for milestone templates).
        plans: each contract line's resolved context and its Fixed price billing plan.
        invoices: the preview's produced invoices.
        as_of: the date up to whose month revenue counts as recognised.

    Returns:
        The entries ordered by source.
    """
    billed = _billed_by_source(invoices)
    entries: list[RevenueEntry] = []
    by_contract: dict[str, list[LinePlan]] = defaultdict(list)
    for ctx, plan in plans:
        by_contract[ctx.contract.contractid].append((ctx, plan))
    for lines in by_contract.values():
        fixed = [(ctx, plan) for ctx, plan in lines if is_fixed_price(ctx.line)]
        for (ctx, plan), allocated in zip(fixed, _allocate_ssp(fixed), strict=True):
            entries.append(_fixed_entry(data, ctx, plan, allocated, as_of))
        entries.extend(
            _billed_entry(
                ctx.line.source, ctx.currency.places, billed.pop(ctx.line.source, []), as_of
            )
            for ctx, _ in lines
            if not is_fixed_price(ctx.line)
        )
    for source, amounts in billed.items():
        if not source.startswith("CONTRACTDETAIL:"):
            entries.append(_billed_entry(source, amounts[0][2], amounts, as_of))
    return tuple(sorted(entries, key=lambda e: e.source))


def _billed_by_source(invoices: Iterable[Invoice]) -> dict[str, list[tuple[date, Decimal, int]]]:
    """Usage, minimum, time and expense amounts billed on the invoices, by line source."""
    billed: dict[str, list[tuple[date, Decimal, int]]] = defaultdict(list)
    for invoice in invoices:
        for line in invoice.lines:
            if line.charge.kind in {"usage", "minimum", "time", "expense"}:
                billed[line.charge.source].append(
                    (invoice.key.invoice_date, line.charge.amount, invoice.places)
                )
    return billed


def _line_amount(ctx: LineContext, plan: tuple[Charge, ...]) -> Decimal:
    """A Fixed price line's amount: its plan's sum, or T for a milestone line."""
    if is_milestone(ctx.line):
        return milestone_total(ctx)
    return sum((c.amount for c in plan), Decimal(0))


def _allocate_ssp(fixed: list[LinePlan]) -> list[Decimal]:
    """Share the transaction price of the lines with FAIRVALUE by it; others keep their amount."""
    amounts = [_line_amount(ctx, plan) for ctx, plan in fixed]
    shared = [i for i, (ctx, _) in enumerate(fixed) if ctx.line.fairvalue is not None]
    if shared:
        places = fixed[shared[0]][0].currency.places
        price = sum((amounts[i] for i in shared), Decimal(0))
        weights = [fixed[i][0].line.fairvalue or Decimal(0) for i in shared]
        for i, part in zip(shared, allocate_amounts(price, weights, places=places), strict=True):
            amounts[i] = part
    return amounts


def template_of(ctx: LineContext) -> str:
    """The line's revenue template: its own, else its item's, else ``On invoice``."""
    return ctx.line.revenuetemplatename or ctx.item.revrectemplate or ON_INVOICE


def _fixed_entry(
    data: Dataset, ctx: LineContext, plan: tuple[Charge, ...], allocated: Decimal, as_of: date
) -> RevenueEntry:
    template = template_of(ctx)
    total = (allocated, ctx.currency.places)
    if template in {DAILY_RATE, STRAIGHT_LINE}:
        parts = _over_months(ctx, total, daily=template == DAILY_RATE)
    elif is_milestone(ctx.line):
        parts = _by_milestone(data, ctx, plan, total)
    else:
        parts = _as_invoiced(plan, total)
    schedule, to_date = _schedule(parts, as_of)
    return RevenueEntry(
        ctx.line.source, template, ctx.currency.places, allocated, schedule, to_date
    )


def _over_months(
    ctx: LineContext, total: tuple[Decimal, int], *, daily: bool
) -> list[tuple[str, Decimal]]:
    """Spread over the calendar months of the active span, by active days or equally."""
    parts = spread_over_months(ctx.active, total[0], places=total[1], daily=daily)
    return [(month_key(month.first), share) for month, share in parts]


def spread_over_months(
    span: DateSpan, total: Decimal, *, places: int, daily: bool
) -> list[tuple[DateSpan, Decimal]]:
    """Allocate an amount over the calendar months a span touches (Daily rate, Straight line).

    Args:
        span: the days to recognise over.
        total: the amount, rounded to ``places``.
        places: the currency's minor unit.
        daily: weight each month by its days in the span (Daily rate), else equally.

    Returns:
        Each month's part of the span with its share; the shares sum to ``total``.
    """
    months = months_touched(span)
    weights = [m.days if daily else 1 for m in months]
    return list(zip(months, allocate_amounts(total, weights, places=places), strict=True))


def _by_milestone(
    data: Dataset, ctx: LineContext, plan: tuple[Charge, ...], total: tuple[Decimal, int]
) -> list[tuple[str, Decimal]]:
    """Split over the template's percents; each part lands in the month its milestone bills."""
    entries = data.index.templates[ctx.line.billingtemplatename or ""].entries
    shares = allocate_amounts(total[0], [e.percent for e in entries], places=total[1])
    billed_on = {c.order[-1]: c.key.invoice_date for c in plan}
    return [(month_key(billed_on[i]), s) for i, s in enumerate(shares) if i in billed_on]


def _as_invoiced(plan: tuple[Charge, ...], total: tuple[Decimal, int]) -> list[tuple[str, Decimal]]:
    """Recognise each plan line in its month, reallocated by amount if the total differs."""
    in_order = sorted(plan, key=lambda c: (c.key.invoice_date, c.order))
    amounts = [c.amount for c in in_order]
    if sum(amounts, Decimal(0)) != total[0]:
        amounts = allocate_amounts(total[0], amounts, places=total[1])
    return [(month_key(c.key.invoice_date), a) for c, a in zip(in_order, amounts, strict=True)]


def _billed_entry(
    source: str, places: int, billed: list[tuple[date, Decimal, int]], as_of: date
) -> RevenueEntry:
    parts = [(month_key(on), amount) for on, amount, _ in billed]
    allocated = sum((amount for _, amount in parts), Decimal(0))
    schedule, to_date = _schedule(parts, as_of)
    return RevenueEntry(source, ON_INVOICE, places, allocated, schedule, to_date)


def _schedule(
    parts: Iterable[tuple[str, Decimal]], as_of: date
) -> tuple[tuple[tuple[str, Decimal], ...], Decimal]:
    """Total the parts by month, leave out zero months, and sum the months up to ``as_of``."""
    by_month: dict[str, Decimal] = defaultdict(Decimal)
    for month, amount in parts:
        by_month[month] += amount
    schedule = tuple((m, by_month[m]) for m in sorted(by_month) if by_month[m])
    to_date = sum((a for m, a in schedule if m <= month_key(as_of)), Decimal(0))
    return schedule, to_date
