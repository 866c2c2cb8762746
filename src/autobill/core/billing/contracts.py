"""Contract lines: what each Fixed price and Quantity based line bills (billing-semantics 3-4)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from autobill.core.billing.describe import describe
from autobill.core.billing.model import (
    COMPLETED,
    EVERY_INVOICE,
    FIXED_PRICE,
    ONE_TIME,
    BillingException,
    Charge,
    Dimensions,
    InvoiceKey,
)
from autobill.core.calendar import MONTHS_PER_PERIOD, ONE_DAY, DateSpan, periods_overlapping
from autobill.core.money import (
    EXACT,
    Currency,
    allocate_amounts,
    exact_product,
    percent_of,
    round_half_up,
    round_ratio,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date
    from types import EllipsisType

    from autobill.core.dataset import Dataset
    from autobill.core.records import Contract, ContractLine, Customer, Item, Tier

_CREDIT, _CHARGE, _MINIMUM = 0, 1, 2
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class LineContext:
    """A contract line with everything it is billed with resolved."""

    line: ContractLine
    contract: Contract
    customer: Customer
    item: Item
    currency: Currency
    active: DateSpan
    dimensions: Dimensions

    @property
    def period_months(self) -> int:
        """Months in one billing period of the contract."""
        return MONTHS_PER_PERIOD[self.contract.billingfrequency]

    @property
    def price(self) -> Decimal | None:
        """The line's PRICE, else its item's BASEPRICE."""
        return self.line.price if self.line.price is not None else self.item.baseprice

    def charge(  # noqa: PLR0913 - keyword-only, one per line attribute
        self,
        *,
        kind: str,
        on: date,
        amount: Decimal,
        sub: tuple[int, ...],
        period: DateSpan | None = None,
        quantity: Decimal = Decimal(1),
        unit_price: Decimal | EllipsisType | None = ...,
    ) -> Charge:
        """Build one charge of this line, billed on ``on``."""
        key = InvoiceKey(
            on, self.customer.customerid, self.contract.contractid, None, self.currency.code
        )
        return Charge(
            key=key,
            order=(0, self.line.lineno, *sub),
            kind=kind,
            source=self.line.source,
            item_id=self.item.itemid,
            description=describe(self.item, kind, period),
            quantity=quantity,
            unit_price=amount if unit_price is ... else unit_price,
            amount=amount,
            period=period,
            gl_account=self.item.glaccount,
            dimensions=self.dimensions,
            term=self.contract.termname,
        )


def line_context(data: Dataset, contract: Contract, line: ContractLine) -> LineContext:
    """Resolve a contract line's item, customer, currency, active span and dimensions."""
    index = data.index
    customer = index.customers[contract.customerid]
    code = contract.currency or customer.currency or data.company.basecurr
    active = DateSpan(line.begindate or contract.begindate, line.enddate or contract.enddate)
    dims = Dimensions(
        locationid=line.locationid or contract.locationid or customer.locationid,
        departmentid=line.departmentid or contract.departmentid,
        classid=line.classid or contract.classid,
        projectid=line.projectid,
    )
    return LineContext(
        line, contract, customer, index.items[line.itemid], Currency.of(code), active, dims
    )


def period_amount(ctx: LineContext) -> Decimal:
    """P: the line's exact amount per billing period, after its discount."""
    line = ctx.line
    if line.flatamount is not None:
        gross = line.flatamount
    else:
        price = ctx.price
        if price is None:  # the loader refuses such a line; keep the core total anyway
            return Decimal(0)
        gross = exact_product(line.quantity or _ONE, price, line.multiplier or _ONE)
    return _discounted(line, gross)


def _discounted(line: ContractLine, amount: Decimal) -> Decimal:
    """Apply the line's DISCOUNTPERCENT, exactly."""
    if not line.discountpercent:
        return amount
    return EXACT.subtract(amount, percent_of(amount, line.discountpercent))


def is_milestone(line: ContractLine) -> bool:
    """Whether a Fixed price line bills through a milestone template."""
    return line.billingoptions == "Use billing template" and bool(line.billingtemplatename)


def fixed_price_plan(
    data: Dataset, ctx: LineContext
) -> tuple[tuple[Charge, ...], tuple[BillingException, ...]]:
    """Every charge a Fixed price line bills over its whole term, and its exceptions.

    Args:
        data: the company's records.
        ctx: the resolved line.

    Returns:
        The line's billing plan in date order, and its ``milestone_without_date`` exceptions.
    """
    line = ctx.line
    if line.billingoptions == ONE_TIME:
        amount = round_half_up(period_amount(ctx), ctx.currency.places)
        return (
            ctx.charge(kind="one_time", on=ctx.active.first, amount=amount, sub=(_CHARGE,)),
        ), ()
    if is_milestone(line):
        return _milestones(data, ctx)
    if line.billingoptions not in (EVERY_INVOICE, "Use billing template"):
        return (), ()
    charges = _in_arrears(ctx) if ctx.contract.billinarrears else _in_advance(ctx)
    return tuple(sorted(charges, key=lambda c: (c.key.invoice_date, c.order))), ()


def milestone_total(ctx: LineContext) -> Decimal:
    """T: a milestone line's total, FLATAMOUNT undiscounted, else P."""
    flat = ctx.line.flatamount
    exact = flat if flat is not None else period_amount(ctx)
    return round_half_up(exact, ctx.currency.places)


def _in_advance(ctx: LineContext) -> Iterator[Charge]:
    per = period_amount(ctx)
    places = ctx.currency.places
    line_end = ctx.active.last
    runs_to = max(line_end, ctx.contract.enddate)
    for period in periods_overlapping(ctx.contract.begindate, ctx.period_months, ctx.active):
        charged = DateSpan(max(period.first, ctx.active.first), min(period.last, runs_to))
        amount = round_ratio(exact_product(per, Decimal(charged.days)), period.days, places)
        yield ctx.charge(
            kind="recurring", on=charged.first, amount=amount, period=charged, sub=(_CHARGE,)
        )
        if line_end < charged.last:
            unused = DateSpan(line_end + ONE_DAY, charged.last)
            credit = round_ratio(exact_product(-per, Decimal(unused.days)), period.days, places)
            yield ctx.charge(
                kind="credit", on=unused.first, amount=credit, period=unused, sub=(_CREDIT,)
            )


def _in_arrears(ctx: LineContext) -> Iterator[Charge]:
    per = period_amount(ctx)
    for period in periods_overlapping(ctx.contract.begindate, ctx.period_months, ctx.active):
        charged = period.clip(ctx.active)
        if charged is None:  # pragma: no cover - periods_overlapping yields overlaps only
            continue
        days = Decimal(charged.days)
        amount = round_ratio(exact_product(per, days), period.days, ctx.currency.places)
        yield ctx.charge(
            kind="recurring", on=charged.last, amount=amount, period=charged, sub=(_CHARGE,)
        )


def _milestones(
    data: Dataset, ctx: LineContext
) -> tuple[tuple[Charge, ...], tuple[BillingException, ...]]:
    template = data.index.templates[ctx.line.billingtemplatename or ""]
    total = milestone_total(ctx)
    parts = allocate_decimal(total, [e.percent for e in template.entries], ctx.currency)
    charges: list[Charge] = []
    undated: list[str] = []
    for position, (entry, part) in enumerate(zip(template.entries, parts, strict=True)):
        task = data.index.tasks[entry.taskid]
        if task.taskstatus != COMPLETED:
            continue
        if task.actualenddate is None:
            undated.append(f"{task.taskid} ({task.name})")
            continue
        charges.append(
            ctx.charge(
                kind="milestone", on=task.actualenddate, amount=part, sub=(_CHARGE, position)
            )
        )
    found: tuple[BillingException, ...] = ()
    if undated:
        message = f"completed task without ACTUALENDDATE: {', '.join(undated)}"
        found = (BillingException("milestone_without_date", ctx.line.source, message),)
    return tuple(sorted(charges, key=lambda c: (c.key.invoice_date, c.order))), found


def allocate_decimal(total: Decimal, weights: list[Decimal], currency: Currency) -> list[Decimal]:
    """Allocate a rounded amount over weights, returning plain Decimals."""
    return allocate_amounts(total, weights, places=currency.places)


def usage_charges(data: Dataset, ctx: LineContext, window: DateSpan) -> Iterator[Charge]:
    """The usage and minimum lines of a Quantity based line billed within ``window``."""
    line = ctx.line
    usage = data.index.usage_by_line.get((line.contractid, line.lineno), ())
    dates = [u.usagedate for u in usage]  # ascending: the index sorts usage by date
    for period in periods_overlapping(ctx.contract.begindate, ctx.period_months, ctx.active):
        usage_period = period.clip(ctx.active)
        if usage_period is None or usage_period.last not in window:
            continue
        first = bisect_left(dates, usage_period.first)
        last = bisect_right(dates, usage_period.last, lo=first)
        records = [u.quantity for u in usage[first:last]]
        yield from _usage_period_charges(ctx, usage_period, records)


def _usage_period_charges(
    ctx: LineContext, usage_period: DateSpan, records: list[Decimal]
) -> Iterator[Charge]:
    line = ctx.line
    places = ctx.currency.places
    on = usage_period.last
    billed = Decimal(0)
    if records:
        quantity = max(sum(records, Decimal(0)) - (line.includedunits or Decimal(0)), Decimal(0))
        billed = round_half_up(_discounted(line, _price_usage(ctx, quantity)), places)
        unit_price = ctx.price if line.pricingmodel == "Unit" else None
        yield ctx.charge(
            kind="usage",
            on=on,
            amount=billed,
            period=usage_period,
            quantity=quantity,
            sub=(_CHARGE,),
            unit_price=unit_price,
        )
    if line.minimumamount is not None and billed < line.minimumamount:
        shortfall = round_half_up(line.minimumamount - billed, places)
        yield ctx.charge(
            kind="minimum", on=on, amount=shortfall, period=usage_period, sub=(_MINIMUM,)
        )


def _price_usage(ctx: LineContext, quantity: Decimal) -> Decimal:
    """Price Q units by the line's pricing model, exactly."""
    line = ctx.line
    model = line.pricingmodel
    if model == "Tiered graduated":
        return _graduated(quantity, line.tiers)
    if model == "Tiered volume":
        return exact_product(quantity, _volume_tier(quantity, line.tiers).price)
    price = ctx.price or Decimal(0)
    if model == "Package":
        whole, rest = EXACT.divmod(quantity, line.packagesize or _ONE)  # Q is never negative
        return exact_product(whole + 1 if rest else whole, price)
    return exact_product(quantity, price)


def _graduated(quantity: Decimal, tiers: tuple[Tier, ...]) -> Decimal:
    total = Decimal(0)
    below = Decimal(0)
    for tier in tiers:
        top = quantity if tier.upto is None else min(quantity, tier.upto)
        if top > below:
            total = EXACT.add(total, exact_product(EXACT.subtract(top, below), tier.price))
        if tier.upto is None or quantity <= tier.upto:
            break
        below = tier.upto
    return total


def _volume_tier(quantity: Decimal, tiers: tuple[Tier, ...]) -> Tier:
    for tier in tiers:
        if tier.upto is None or quantity <= tier.upto:
            return tier
    return tiers[-1]


def is_fixed_price(line: ContractLine) -> bool:
    """Whether a line bills a fixed price (not quantity)."""
    return line.billingmethod == FIXED_PRICE
