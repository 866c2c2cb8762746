"""Properties of fixed price billing and its revenue (billing-semantics 1-3 and 7)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autobill.core.billing import preview
from autobill.core.billing.contracts import fixed_price_plan, line_context
from autobill.core.calendar import (
    MONTHS_PER_PERIOD,
    ONE_DAY,
    DateSpan,
    billing_period,
    month_end,
    month_key,
    months_touched,
    periods_overlapping,
)
from autobill.core.dataset import Dataset
from autobill.core.money import Currency, Money, allocate, round_half_up
from autobill.core.records import (
    ArTerm,
    BillingTemplate,
    Company,
    Contract,
    ContractLine,
    ContractUsage,
    Customer,
    ExchangeRate,
    Item,
    Task,
    TaxDetail,
    TaxScheduleMap,
    TemplateEntry,
)
from autobill.core.report import preview_document

if TYPE_CHECKING:
    from autobill.core.billing import Charge, Preview
    from autobill.core.revrec import RevenueEntry

CODES = ("USD", "JPY", "KWD")
TEMPLATES = ("Daily rate", "Straight line", "On invoice", "On completion")
MAX_PERIODS = {"Monthly": 14, "Quarterly": 5, "Annually": 2}
RATES = {  # 1 unit of the first currency in the second, for base currency amounts
    ("USD", "JPY"): "151.37", ("JPY", "USD"): "0.0066", ("USD", "KWD"): "0.30725",
    ("KWD", "USD"): "3.2547", ("JPY", "KWD"): "0.00203", ("KWD", "JPY"): "492.61",
}  # fmt: skip
ENGINE = settings(max_examples=80, deadline=None)

anchors = st.one_of(
    st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(month_end),
)
# FLATAMOUNT as the dataset writes it: a Decimal string with two places.
flat_amounts = st.integers(min_value=0, max_value=10**7).map(
    lambda n: Decimal(f"{n // 100}.{n % 100:02d}")
)
fair_values = st.integers(min_value=1, max_value=10**6).map(lambda n: Decimal(n).scaleb(-2))
Price = dict[str, Decimal | None]


@st.composite
def pricings(draw: st.DrawFn) -> tuple[Price, Fraction]:
    """A line's price fields, flat or QUANTITY x PRICE x MULTIPLIER, and the exact P they make."""
    discount = draw(st.sampled_from([None, Decimal("12.5"), Decimal("33.33"), Decimal(100)]))
    kept = 1 - Fraction(discount or 0) / 100
    if draw(st.booleans()):
        flat = draw(flat_amounts)
        return {"flatamount": flat, "discountpercent": discount}, Fraction(flat) * kept
    quantity = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=7).map(Decimal)))
    multiplier = draw(st.sampled_from([None, Decimal("1.5"), Decimal(12)]))
    price = draw(flat_amounts)
    fields = {"quantity": quantity, "price": price, "multiplier": multiplier}
    exact = Fraction(quantity or 1) * Fraction(price) * Fraction(multiplier or 1) * kept
    return {**fields, "discountpercent": discount}, exact


def dataset(  # noqa: PLR0913 - each keyword switches one optional part of the company on
    contract: Contract,
    lines: list[ContractLine],
    *,
    basecurr: str | None = None,
    tasks: tuple[Task, ...] = (),
    taxable: bool = False,
    rates: bool = True,
) -> Dataset:
    """One customer, one item, one contract with its lines, and the milestones they need.

    A task's name carries its template PERCENT; every Quantity based line used 10 units on the
    contract's first day.
    """
    entries = tuple(TemplateEntry(t.taskid, Decimal(t.name)) for t in tasks)
    usage = tuple(
        ContractUsage(contract.contractid, ln.lineno, contract.begindate, Decimal(10))
        for ln in lines
        if ln.billingmethod == "Quantity based"
    )
    return Dataset(
        company=Company(basecurr=basecurr or contract.currency or "USD"),
        arterms=(ArTerm("Net 30", 30),),
        taxdetails=(TaxDetail("VAT", Decimal("7.25")),),
        taxschedulemaps=(TaxScheduleMap("CG", "IG", ("VAT",)),),
        exchangerates=tuple(
            ExchangeRate(a, b, date(2000, 1, 1), Decimal(r)) for (a, b), r in RATES.items()
        )
        if rates
        else (),
        customers=(Customer("C1", "Acme", "Net 30", taxable=taxable, taxgroup="CG"),),
        items=(Item("SUB", "Subscription", glaccount="4000", taxable=True, taxgroup="IG"),),
        contracts=(contract,),
        contractlines=tuple(lines),
        billingtemplates=(BillingTemplate("MS", "Percent", entries),) if entries else (),
        tasks=tasks,
        contractusage=usage,
    )


@st.composite
def contracts(draw: st.DrawFn, *, arrears: bool | None = None, whole: bool = False) -> Contract:
    """A contract of a few billing periods, ending on a period end or (unless whole) within one."""
    begin = draw(anchors)
    frequency = draw(st.sampled_from(sorted(MAX_PERIODS)))
    count = draw(st.integers(min_value=1, max_value=MAX_PERIODS[frequency]))
    last = billing_period(begin, MONTHS_PER_PERIOD[frequency], count - 1)
    end = (
        last.last if whole else draw(st.one_of(st.just(last.last), st.dates(last.first, last.last)))
    )
    return Contract(
        "K1", "C1", "Contract", begin, end, "Net 30", frequency,
        currency=draw(st.sampled_from(CODES)),
        billinarrears=draw(st.booleans()) if arrears is None else arrears,
    )  # fmt: skip


@st.composite
def line_spans(draw: st.DrawFn, contract: Contract, *, early: bool = False) -> DateSpan:
    """A line's active span in or around its contract; ``early`` ends it before the contract."""
    latest_end = contract.enddate - ONE_DAY if early else contract.enddate + timedelta(days=45)
    first = draw(st.dates(contract.begindate - timedelta(days=45), latest_end))
    return DateSpan(first, draw(st.dates(first, latest_end)))


@st.composite
def fixed_lines(draw: st.DrawFn, contract: Contract, lineno: int) -> ContractLine:
    """A recurring or one-time Fixed price line, priced flat or by quantity, price and discount."""
    span = draw(st.one_of(st.none(), line_spans(contract)))
    fields, _ = draw(pricings())
    options = ["Use billing template", "Include with every invoice", "One-time"]
    return ContractLine(
        contractid=contract.contractid,
        lineno=lineno,
        itemid="SUB",
        billingmethod="Fixed price",
        billingoptions=draw(st.sampled_from(options)),
        begindate=span.first if span else None,
        enddate=span.last if span else None,
        **fields,
        revenuetemplatename=draw(st.sampled_from(TEMPLATES)),
        fairvalue=draw(st.one_of(st.none(), fair_values)),
    )


def some_lines(
    data: st.DataObject, contract: Contract, least: int = 1, most: int = 3
) -> list[ContractLine]:
    """``least`` to ``most`` Fixed price lines of the contract."""
    count = data.draw(st.integers(min_value=least, max_value=most))
    return [data.draw(fixed_lines(contract, n)) for n in range(1, count + 1)]


def recurring_line(contract: Contract, lineno: int, span: DateSpan, price: Price) -> ContractLine:
    """A recurring line active over ``span``, priced by ``price``."""
    return ContractLine(
        contract.contractid, lineno, "SUB", "Fixed price",
        begindate=span.first, enddate=span.last, **price,
    )  # fmt: skip


def plan(data: Dataset, line: ContractLine) -> tuple[Charge, ...]:
    """The line's whole billing plan."""
    return fixed_price_plan(data, line_context(data, data.contracts[0], line))[0]


def periods_of(contract: Contract, span: DateSpan) -> list[DateSpan]:
    """The contract's billing periods that share a day with ``span``."""
    months = MONTHS_PER_PERIOD[contract.billingfrequency]
    return list(periods_overlapping(contract.begindate, months, span))


def currency_of(contract: Contract) -> Currency:
    """The contract's currency."""
    return Currency.of(contract.currency or "USD")


def unit(contract: Contract) -> Fraction:
    """One minor unit of the contract's currency."""
    return Fraction(1, 10 ** currency_of(contract).places)


def schedule_sum(entry: RevenueEntry) -> Decimal:
    """What a revenue schedule recognises in all."""
    return sum((amount for _, amount in entry.schedule), Decimal(0))


@ENGINE
@given(data=st.data(), contract=contracts(whole=True), pricing=pricings())
def test_a_full_period_bills_exactly_p(
    data: st.DataObject, contract: Contract, pricing: tuple[Price, Fraction]
) -> None:
    """A recurring line active over exactly one billing period bills round(P) once."""
    # given a line active over exactly one of its contract's periods
    period = data.draw(
        st.sampled_from(periods_of(contract, DateSpan(contract.begindate, contract.enddate)))
    )
    price, exact = pricing
    records = dataset(contract, [recurring_line(contract, 1, period, price)])
    # when its plan is made
    charges = plan(records, records.contractlines[0])
    # then it is one charge of round(P) for that period, on its first (or, in arrears, last) day
    p = round_half_up(exact, currency_of(contract).places)
    assert [(c.kind, c.period, c.amount) for c in charges] == [("recurring", period, p)]
    assert charges[0].key.invoice_date == (period.last if contract.billinarrears else period.first)


@ENGINE
@given(data=st.data(), contract=contracts(whole=True), pricing=pricings())
def test_parts_of_a_period_sum_to_p(
    data: st.DataObject, contract: Contract, pricing: tuple[Price, Fraction]
) -> None:
    """A line split at any days into consecutive lines at one price bills P, to their rounding."""
    # given a period covered by 2-4 consecutive lines at the same price (upgrades on days D)
    period = data.draw(
        st.sampled_from(periods_of(contract, DateSpan(contract.begindate, contract.enddate)))
    )
    cuts = st.lists(
        st.dates(period.first + ONE_DAY, period.last), min_size=1, max_size=3, unique=True
    )
    starts = [period.first, *sorted(data.draw(cuts))]
    ends = [d - ONE_DAY for d in starts[1:]] + [period.last]
    spans = [DateSpan(a, b) for a, b in zip(starts, ends, strict=True)]
    price, exact = pricing
    lines = [recurring_line(contract, n, span, price) for n, span in enumerate(spans, 1)]
    records = dataset(contract, lines)
    # when every part's plan is made
    total = sum(Fraction(c.amount) for line in lines for c in plan(records, line))
    # then the charges, credits included, sum to P within half a minor unit per part
    assert abs(total - exact) <= len(lines) * unit(contract) / 2
    if not contract.billinarrears:  # each credit cancels the next part's charge exactly
        assert total == round_half_up(exact, currency_of(contract).places)


@ENGINE
@given(data=st.data(), contract=contracts(), pricing=pricings(), early=st.booleans())
def test_a_period_never_bills_more_than_p(
    data: st.DataObject, contract: Contract, pricing: tuple[Price, Fraction], *, early: bool
) -> None:
    """Each period nets round(P x days used / days) within a unit; an early end is credited."""
    # given a line in or around its contract, often ending before it, in advance or arrears
    span = data.draw(line_spans(contract, early=early))
    price, exact = pricing
    records = dataset(contract, [recurring_line(contract, 1, span, price)])
    places = currency_of(contract).places
    # when its plan is made
    charges = plan(records, records.contractlines[0])
    # then each period is charged as billing-semantics 3 says: in advance from the later start
    # to the period's end or E, on that start; in arrears the days used, on the last of them
    periods = periods_of(contract, span)
    recurring = [(c.key.invoice_date, c.period) for c in charges if c.kind == "recurring"]
    if contract.billinarrears:
        runs = [p.clip(span) or p for p in periods]
        assert recurring == [(run.last, run) for run in runs]
    else:
        ends = max(span.last, contract.enddate)
        runs = [DateSpan(max(p.first, span.first), min(p.last, ends)) for p in periods]
        assert recurring == [(run.first, run) for run in runs]
    # and its charge and credit net to the days used, never more than one period's bill
    for period in periods:
        net = sum(c.amount for c in charges if c.period is not None and c.period.first in period)
        used = period.clip(span) or period
        assert 0 <= net <= round_half_up(exact, places)
        prorated = exact * used.days / period.days
        assert abs(net - round_half_up(prorated, places)) <= unit(contract)
    # and in advance a line ending before the last run's end is credited the rest, the next day
    credit_lines = [(c.key.invoice_date, c.period) for c in charges if c.kind == "credit"]
    if not contract.billinarrears and span.last < runs[-1].last:
        rest = DateSpan(span.last + ONE_DAY, runs[-1].last)
        assert credit_lines == [(rest.first, rest)]
    else:
        assert credit_lines == []


def test_upgrade_example() -> None:
    """300.00/month upgraded to 600.00 on 16 Nov: 300.00 on 1 Nov; -150.00 and 300.00 on 16 Nov."""
    # given a monthly contract from 1 Nov and a line upgraded on 16 Nov
    contract = Contract("K1", "C1", "K", date(2026, 11, 1), date(2027, 10, 31), "Net 30", "Monthly")
    old = DateSpan(date(2026, 11, 1), date(2026, 11, 15))
    new = DateSpan(date(2026, 11, 16), date(2027, 10, 31))
    lines = [
        recurring_line(contract, 1, old, {"flatamount": Decimal(300)}),
        recurring_line(contract, 2, new, {"flatamount": Decimal(600)}),
    ]
    # when November is previewed
    result = preview(dataset(contract, lines), as_of=date(2026, 11, 30))
    # then the credit and the new prorated charge share the 16 Nov invoice
    billed = [
        (i.key.invoice_date.day, ln.charge.kind, ln.charge.amount)
        for i in result.invoices
        for ln in i.lines
    ]
    assert billed == [(1, "recurring", 300), (16, "credit", -150), (16, "recurring", 300)]


@ENGINE
@given(data=st.data(), contract=contracts())
def test_revenue_schedules_sum_to_their_allocation(data: st.DataObject, contract: Contract) -> None:
    """Daily rate, Straight line and On invoice schedules recognise exactly the allocated amount."""
    # given a contract of 1-3 Fixed price lines, some with FAIRVALUE, under every template
    lines = some_lines(data, contract)
    records = dataset(contract, lines)
    # when it is previewed
    result = preview(records, as_of=contract.enddate)
    # then every schedule sums to its allocation
    assert len(result.revenue) == len(lines)
    for entry, line in zip(result.revenue, lines, strict=True):
        charges = plan(records, line)
        if entry.template in {"On invoice", "On completion"} and entry.allocated:
            # Spec gap, left out: On invoice reallocates by plan amounts, and plan amounts
            # summing to 0 are weights summing to 0, which allocate nothing (billing 1, 7).
            assume(sum(c.amount for c in charges) != 0)
        assert schedule_sum(entry) == entry.allocated
        # and it is spread as the template says: by active days, evenly by month, or as billed
        assert entry.schedule == expected_schedule(records, line, entry, charges)


def expected_schedule(
    data: Dataset, line: ContractLine, entry: RevenueEntry, charges: tuple[Charge, ...]
) -> tuple[tuple[str, Decimal], ...]:
    """Billing-semantics 7 read independently for a non-milestone line (zero months left out)."""
    ctx = line_context(data, data.contracts[0], line)
    total = Money(entry.allocated, ctx.currency)
    if entry.template in {"Daily rate", "Straight line"}:
        months = months_touched(ctx.active)
        weights = [m.days if entry.template == "Daily rate" else 1 for m in months]
        parts = [
            (month_key(m.first), p.amount)
            for m, p in zip(months, allocate(total, weights), strict=True)
        ]
    else:
        dated = sorted(charges, key=lambda c: (c.key.invoice_date, c.order))
        amounts = [c.amount for c in dated]
        if sum(amounts) != entry.allocated:
            amounts = [m.amount for m in allocate(total, amounts)]
        parts = [(month_key(c.key.invoice_date), a) for c, a in zip(dated, amounts, strict=True)]
    by_month: dict[str, Decimal] = defaultdict(Decimal)
    for month, amount in parts:
        by_month[month] += amount
    return tuple((m, a) for m, a in sorted(by_month.items()) if a)


@st.composite
def milestone_tasks(draw: st.DrawFn) -> tuple[Task, ...]:
    """1-4 milestone tasks (name = PERCENT), each Completed with a date, without one, or open."""
    count = draw(st.integers(min_value=1, max_value=4))
    ends = st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2031, 12, 31)))
    return tuple(
        Task(
            f"T{n}",
            "P1",
            str(draw(st.integers(min_value=1, max_value=100))),
            taskstatus=draw(st.sampled_from(["Completed", "Completed", "In progress"])),
            actualenddate=draw(ends),
        )
        for n in range(1, count + 1)
    )


@ENGINE
@given(data=st.data(), contract=contracts(), tasks=milestone_tasks())
def test_milestone_schedule_sums_to_its_billed_parts(
    data: st.DataObject, contract: Contract, tasks: tuple[Task, ...]
) -> None:
    """A milestone schedule recognises its billed parts, all it was allocated once all are."""
    # given a milestone line (maybe sharing FAIRVALUE with another line) and its tasks
    flat = data.draw(flat_amounts)
    milestone = ContractLine(
        "K1", 1, "SUB", "Fixed price",
        flatamount=flat,
        billingtemplatename="MS",
        revenuetemplatename=data.draw(st.sampled_from(["On completion", "On invoice"])),
        fairvalue=data.draw(st.one_of(st.none(), fair_values)),
    )  # fmt: skip
    records = dataset(contract, [milestone, data.draw(fixed_lines(contract, 2))], tasks=tasks)
    # when it is previewed
    result = preview(records, as_of=contract.enddate)
    # then the schedule holds exactly the allocated shares of the billed milestones
    entry = result.revenue[0]
    shares = allocate(
        Money(entry.allocated, currency_of(contract)), [Decimal(t.name) for t in tasks]
    )
    billed = [t.taskstatus == "Completed" and t.actualenddate is not None for t in tasks]
    unbilled = [s.amount for s, b in zip(shares, billed, strict=True) if not b]
    assert schedule_sum(entry) == entry.allocated - sum(unbilled)
    if all(billed):
        assert schedule_sum(entry) == entry.allocated
    elif any(unbilled):
        assert schedule_sum(entry) < entry.allocated
    undated = any(t.taskstatus == "Completed" and t.actualenddate is None for t in tasks)
    assert undated == any(e.kind == "milestone_without_date" for e in result.exceptions)
    # and the line's amount, shared by FAIRVALUE or its own, is T = round(FLATAMOUNT) billed or not
    other = records.contractlines[1]
    amounts = {milestone.source: round_half_up(flat, currency_of(contract).places)}
    amounts[other.source] = sum(c.amount for c in plan(records, other))
    shared = {ln.source for ln in records.contractlines if ln.fairvalue is not None}
    shared = shared if milestone.source in shared else {milestone.source}
    assert sum(e.allocated for e in result.revenue if e.source in shared) == sum(
        amounts[source] for source in shared
    )


@ENGINE
@given(data=st.data(), contract=contracts(), usage_fair_value=st.one_of(st.none(), fair_values))
def test_fair_value_allocation_sums_to_the_transaction_price(
    data: st.DataObject, contract: Contract, usage_fair_value: Decimal | None
) -> None:
    """Fixed price lines with FAIRVALUE share exactly their summed amounts; others keep theirs."""
    # given 2-4 Fixed price lines, one at least with a FAIRVALUE, and a Quantity based line
    lines = some_lines(data, contract, least=2, most=4)
    assume(any(line.fairvalue is not None for line in lines))
    usage = ContractLine(
        "K1", 9, "SUB", "Quantity based", price=Decimal("2.50"), fairvalue=usage_fair_value
    )
    records = dataset(contract, [*lines, usage])
    # when it is previewed
    result = preview(records, as_of=contract.enddate)
    # then the transaction price of the Fixed price FAIRVALUE lines is allocated by FAIRVALUE
    allocated = {e.source: e.allocated for e in result.revenue}
    amounts = {line.source: sum(c.amount for c in plan(records, line)) for line in lines}
    shared = [line for line in lines if line.fairvalue is not None]
    price = Money(sum(amounts[line.source] for line in shared), currency_of(contract))
    parts = allocate(price, [line.fairvalue or 0 for line in shared])
    assert [allocated[line.source] for line in shared] == [p.amount for p in parts]
    assert sum(allocated[line.source] for line in shared) == price.amount
    # and the other Fixed price lines and the usage line keep their own amounts
    assert all(allocated[ln.source] == amounts[ln.source] for ln in lines if ln.fairvalue is None)
    billed = [
        ln.charge.amount
        for i in result.invoices
        for ln in i.lines
        if ln.charge.source == usage.source
    ]
    assert allocated[usage.source] == sum(billed)


@ENGINE
@given(
    data=st.data(),
    contract=contracts(),
    as_of=st.dates(date(2019, 1, 1), date(2033, 12, 31)),
    start=st.one_of(st.none(), st.dates(date(2019, 1, 1), date(2033, 12, 31))),
)
def test_fixed_price_revenue_ignores_the_window(
    data: st.DataObject, contract: Contract, as_of: date, start: date | None
) -> None:
    """Fixed price revenue comes from the whole plan, whatever the window or withheld invoices."""
    # given lines previewed in full, and again in another window with every invoice withheld
    assume(start is None or start <= as_of)
    lines = some_lines(data, contract)
    foreign = next(code for code in CODES if code != contract.currency)
    full = preview(dataset(contract, lines), as_of=date(2034, 1, 1))
    # when the other preview is made (no exchange rate to its base currency)
    other = preview(
        dataset(contract, lines, basecurr=foreign, rates=False), as_of=as_of, start=start
    )
    # then allocations and schedules agree, and what is recognised to date is the months so far
    assert other.invoices == ()
    assert revenue_of(other) == revenue_of(full)
    for entry in other.revenue:
        so_far = sum(a for m, a in entry.schedule if m <= month_key(as_of))
        assert entry.recognised_to_date == so_far


def revenue_of(result: Preview) -> list[tuple[Any, ...]]:
    """The revenue entries without what is recognised to date."""
    return [(e.source, e.template, e.allocated, e.schedule) for e in result.revenue]


def money_pattern(places: int) -> re.Pattern[str]:
    """Amount text with exactly ``places`` decimals, never a negative zero."""
    digits = rf"\d+\.\d{{{places}}}" if places else r"\d+"
    return re.compile(rf"(?!-0*\.?0*$)-?{digits}")


def document_amounts(document: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(currency or BASE, text) of every money value of a preview document's invoices."""
    found: list[tuple[str, str | None]] = []
    for inv in document["invoices"]:
        code = inv["currency"]
        for line in inv["lines"]:
            found += [(code, line["amount"]), (code, line["unit_price"])]
            found += [(code, tax["amount"]) for tax in line["taxes"]]
            found.append(("BASE", line["base_amount"]))
        found += [(code, inv[key]) for key in ("subtotal", "tax_total", "total")]
        found.append(("BASE", inv["base_total"]))
    return found


@ENGINE
@given(data=st.data(), contract=contracts(), basecurr=st.sampled_from(CODES), taxable=st.booleans())
def test_document_amounts_have_the_currency_precision(
    data: st.DataObject, contract: Contract, basecurr: str, *, taxable: bool
) -> None:
    """Every amount in the preview document has exactly its currency's decimals (JPY 0, KWD 3)."""
    # given a contract in USD, JPY or KWD, lines priced to the cent, a base currency and tax
    records = dataset(contract, some_lines(data, contract), basecurr=basecurr, taxable=taxable)
    # when it is previewed and written as a document
    document = preview_document(preview(records, as_of=contract.enddate + timedelta(days=60)))
    # then each amount matches its currency's pattern, and none is a negative zero
    places = {code: Currency.of(code).places for code in CODES}
    places["BASE"] = places[basecurr]
    for code, text in document_amounts(document):
        assert text is None or money_pattern(places[code]).fullmatch(text), (code, text)
    pattern = money_pattern(currency_of(contract).places)
    for entry in document["revenue"]:
        texts = [entry["allocated"], entry["recognised_to_date"]]
        texts += [month["amount"] for month in entry["schedule"]]
        assert all(pattern.fullmatch(text) for text in texts), entry
    assert not document["exceptions"]
