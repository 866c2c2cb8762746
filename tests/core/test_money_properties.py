"""Properties of money: the one rounding rule and the one allocation rule (billing-semantics 1)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autobill.core.money import (
    Currency,
    CurrencyMismatch,
    Exact,
    Money,
    allocate,
    allocate_minor,
    format_amount,
    round_half_up,
)

USD, JPY, KWD = Currency.of("USD"), Currency.of("JPY"), Currency.of("KWD")
CURRENCIES = st.sampled_from([USD, JPY, KWD])
PLACES = st.integers(min_value=0, max_value=4)

minor_totals = st.integers(min_value=-(10**9), max_value=10**9)
# Decimal weights with up to 4 places, as FAIRVALUEs and PERCENTs are written.
decimal_weights = st.integers(min_value=0, max_value=10**7).map(lambda n: Decimal(n).scaleb(-4))
fraction_weights = st.fractions(min_value=0, max_value=10**4, max_denominator=1000)
nonnegative_weights = st.lists(
    st.one_of(st.integers(min_value=0, max_value=10**6), decimal_weights, fraction_weights),
    min_size=1,
    max_size=12,
).filter(lambda ws: sum(Fraction(w) for w in ws) > 0)
mixed_weights = st.lists(
    st.integers(min_value=-(10**4), max_value=10**4).map(lambda n: Fraction(n, 100)),
    min_size=1,
    max_size=12,
).filter(lambda ws: sum(ws) != 0)
# Exact values on a grid finer than any currency's, so half-way cases come up often.
exact_decimals = st.integers(min_value=-(10**12), max_value=10**12).flatmap(
    lambda n: st.integers(min_value=0, max_value=8).map(lambda e: Decimal(n).scaleb(-e))
)
exact_fractions = st.fractions(min_value=-(10**8), max_value=10**8, max_denominator=10**6)
# Bounded: past about 10**24 the default 28-digit Decimal context, not the rule, decides.
exact_ints = st.integers(min_value=-(10**15), max_value=10**15)


def shares(total: int, weights: list[Exact]) -> list[Fraction]:
    """The exact share A·wi/Σw of each weight, in minor units."""
    weight_sum = sum((Fraction(w) for w in weights), Fraction(0))
    return [total * Fraction(w) / weight_sum for w in weights]


def spec_allocation(total: int, weights: list[Exact]) -> list[int]:
    """Billing-semantics 1 written out independently: truncate, then hand out L units."""
    exact = shares(total, weights)
    parts = [math.trunc(s) for s in exact]
    left = total - sum(parts)
    ranked = sorted(range(len(parts)), key=lambda i: (-abs(exact[i] - parts[i]), i))
    for i in ranked[: abs(left)]:
        parts[i] += 1 if left > 0 else -1
    return parts


def half_up(value: Fraction, places: int) -> Fraction:
    """Round half away from zero, the textbook way, for comparison."""
    scaled = abs(value) * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return Fraction(whole if value >= 0 else -whole, 10**places)


@settings(max_examples=150)
@given(total=minor_totals, weights=nonnegative_weights)
def test_allocation_sums_to_total_and_stays_within_one_unit(
    total: int, weights: list[Exact]
) -> None:
    """Parts of a non-negative weighting sum to the total and sit within a unit of their share."""
    # given a total (either sign) and weights, some of them zero
    # when it is allocated
    parts = allocate_minor(total, weights)
    # then the parts sum exactly, each is within one minor unit of A·wi/Σw, zero weights get zero
    assert sum(parts) == total
    for part, share, weight in zip(parts, shares(total, weights), weights, strict=True):
        assert abs(part - share) < 1
        if weight == 0:
            assert part == 0


@settings(max_examples=100)
@given(total=minor_totals, weights=nonnegative_weights)
def test_allocation_by_negated_weights_is_the_same(total: int, weights: list[Exact]) -> None:
    """Negating every weight leaves the shares, hence the parts, unchanged."""
    # given weights of one sign and the same weights negated
    negated = [-Fraction(w) for w in weights]
    # when both are allocated
    # then the parts agree
    assert allocate_minor(total, negated) == allocate_minor(total, weights)


@settings(max_examples=150)
@given(total=minor_totals, weights=mixed_weights)
def test_allocation_with_mixed_signs_follows_the_spec_rule(
    total: int, weights: list[Exact]
) -> None:
    """With weights of both signs the parts still sum to the total, by the rule as written."""
    # given weights of both signs that do not cancel out
    # when the total is allocated
    parts = allocate_minor(total, weights)
    # then the parts sum exactly and are those the spec's rule gives; each is under two units off
    # (the rule hands a unit to the largest |remainder| whatever its sign, so one unit can
    # go against a part's remainder)
    assert sum(parts) == total
    assert parts == spec_allocation(total, weights)
    assert all(abs(p - s) < 2 for p, s in zip(parts, shares(total, weights), strict=True))


@settings(max_examples=100)
@given(total=minor_totals, weights=nonnegative_weights)
def test_allocation_matches_the_spec_rule(total: int, weights: list[Exact]) -> None:
    """Which parts get the leftover units is exactly the spec's largest-remainder rule."""
    # given a total and weights
    # when it is allocated
    # then the result equals an independent reading of the rule (ties to the earlier part)
    assert allocate_minor(total, weights) == spec_allocation(total, weights)


@settings(max_examples=100)
@given(total=minor_totals, count=st.integers(min_value=1, max_value=12))
def test_equal_weights_give_the_extra_units_to_the_earlier_parts(total: int, count: int) -> None:
    """Equal weights tie on every remainder, so the earliest parts take the leftover units."""
    # given equal weights
    # when a total is allocated
    parts = allocate_minor(total, [1] * count)
    # then parts shrink in size from first to last by at most one unit
    sizes = [abs(p) for p in parts]
    assert sizes == sorted(sizes, reverse=True)
    assert max(sizes) - min(sizes) <= 1
    assert sum(parts) == total


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        ("1000.00", [1, 1, 1], ["333.34", "333.33", "333.33"]),
        ("0.02", [1, 1, 1], ["0.01", "0.01", "0.00"]),
        ("-0.02", [1, 1, 1], ["-0.01", "-0.01", "0.00"]),
        ("100.00", [Decimal("33.3333"), 0, Decimal("66.6667")], ["33.33", "0.00", "66.67"]),
    ],
)
def test_allocation_examples(total: str, weights: list[Exact], expected: list[str]) -> None:
    """The spec's example and its small-amount and negative cousins allocate as written."""
    # given an amount and weights
    # when it is allocated
    parts = allocate(Money.of(total, USD), weights)
    # then the parts are the expected amounts, in USD, with no negative zero
    assert [format_amount(p.amount, 2) for p in parts] == expected
    assert all(p.currency == USD for p in parts)
    assert not any(p.amount.is_signed() and not p.amount for p in parts)


@given(
    total=minor_totals,
    weights=st.one_of(
        st.lists(st.just(0), max_size=6),
        st.lists(st.integers(min_value=-50, max_value=50), max_size=5).map(
            lambda ws: [*ws, *(-w for w in ws)]
        ),
    ),
)
def test_allocation_over_zero_weight_sum_is_all_zero(total: int, weights: list[int]) -> None:
    """When the weights sum to zero every part is zero."""
    # given weights summing to zero (none at all, all zero, or cancelling)
    # when a total is allocated
    parts = allocate(Money.from_minor(total, USD), weights)
    # then there is one zero part per weight
    assert [p.amount for p in parts] == [Decimal("0.00")] * len(weights)


def test_allocation_refuses_float_weights() -> None:
    """A float weight is refused, as money never meets a float."""
    # given a float among the weights
    # when allocating over them
    # then a TypeError is raised
    with pytest.raises(TypeError):
        allocate(Money.of("1.00", USD), [Decimal(1), 0.5])  # type: ignore[list-item]


@settings(max_examples=150)
@given(value=st.one_of(exact_decimals, exact_fractions, exact_ints), places=PLACES)
def test_round_half_up_is_idempotent(value: Exact, places: int) -> None:
    """Rounding a rounded value changes nothing, at its own precision or a finer one."""
    # given an exact value rounded once
    once = round_half_up(value, places)
    # when it is rounded again
    twice = round_half_up(once, places)
    # then it keeps its value, and it has exactly the asked-for decimals
    assert twice == once
    assert round_half_up(once, places + 1) == once
    assert once.as_tuple().exponent == -places
    assert round_half_up(Fraction(once), places) == once


@settings(max_examples=150)
@given(value=st.one_of(exact_decimals, exact_fractions), places=PLACES)
def test_round_half_up_rounds_half_away_from_zero(value: Decimal | Fraction, places: int) -> None:
    """Half-way values round away from zero; others to the nearest; Decimal and Fraction agree."""
    # given an exact value as a Decimal or a Fraction
    exact = Fraction(value)
    # when it is rounded
    rounded = round_half_up(value, places)
    # then it is the textbook half-up result, whatever type carried it, and is symmetric in sign
    assert Fraction(rounded) == half_up(exact, places)
    assert abs(Fraction(rounded) - exact) <= Fraction(1, 2 * 10**places)
    assert round_half_up(exact, places) == rounded
    assert round_half_up(-value, places) == -rounded


@settings(max_examples=100)
@given(
    whole=st.integers(min_value=-(10**9), max_value=10**9),
    places=PLACES,
    as_fraction=st.booleans(),
)
def test_round_half_up_exact_halves(whole: int, places: int, *, as_fraction: bool) -> None:
    """A value exactly half a unit past a grid point rounds to the point further from zero."""
    # given n + 1/2 units of the precision, as a Decimal or a Fraction
    half_way = Fraction(2 * whole + 1, 2 * 10**places)
    value: Exact = half_way if as_fraction else Decimal(2 * whole + 1).scaleb(-places) / 2
    # when rounded to that precision
    rounded = round_half_up(value, places)
    # then it lands on the neighbour with the larger magnitude
    expected = whole + 1 if half_way > 0 else whole
    assert rounded == Decimal(expected).scaleb(-places)


@pytest.mark.parametrize(
    ("value", "code", "expected"),
    [
        (Decimal("2.5"), "JPY", "3"),
        (Decimal("-2.5"), "JPY", "-3"),
        (Fraction(5, 2), "JPY", "3"),
        (Fraction(-5, 2), "JPY", "-3"),
        (Decimal("0.0005"), "KWD", "0.001"),
        (Decimal("-0.0005"), "KWD", "-0.001"),
        (Fraction(1, 2000), "KWD", "0.001"),
        (Decimal("1.005"), "USD", "1.01"),
        (Fraction(1005, 1000), "USD", "1.01"),
        (Decimal("-1.005"), "USD", "-1.01"),
        (Decimal("1.00499999"), "USD", "1.00"),
        (Fraction(2, 3), "USD", "0.67"),
    ],
)
def test_round_half_up_examples(value: Exact, code: str, expected: str) -> None:
    """Half-way amounts round away from zero in JPY, KWD and USD, for Decimals and Fractions."""
    # given an exact amount
    # when rounded to the currency's precision
    rounded = round_half_up(value, Currency.of(code).places)
    # then it is the expected text exactly
    assert str(rounded) == expected


@settings(max_examples=100)
@given(value=st.one_of(exact_decimals, exact_fractions), currency=CURRENCIES)
def test_no_negative_zero(value: Decimal | Fraction, currency: Currency) -> None:
    """No rounding, negation, subtraction or allocation yields a negative zero."""
    # given a value whose rounding may be zero, from either side
    tiny = value / 10**10
    # when it is rounded, made Money, negated, subtracted from itself and allocated
    results = [
        round_half_up(tiny, currency.places),
        Money.of(tiny, currency).amount,
        (-Money.of(value, currency)).amount,
        (-Money.of(tiny, currency)).amount,
        (Money.of(value, currency) - Money.of(value, currency)).amount,
        *(m.amount for m in allocate(Money.of(value, currency), [1, 0, 1])),
    ]
    # then no zero among them carries a sign, and none prints as "-0"
    for result in results:
        assert result or not result.is_signed()
        assert result < 0 or not format_amount(result, currency.places).startswith("-")


@pytest.mark.parametrize("bad", [0.5, 1.0, True])
def test_rounding_refuses_floats(bad: object) -> None:
    """Floats (and booleans) never reach money: rounding and Money refuse them."""
    # given a float or a bool
    # when it is rounded or made Money
    # then a TypeError is raised each time
    with pytest.raises(TypeError):
        round_half_up(bad, 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.of(bad, USD)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(bad, USD)  # type: ignore[arg-type]


@given(
    minor=st.integers(min_value=-(10**12), max_value=10**12),
    extra=st.integers(min_value=1, max_value=9),
    currency=CURRENCIES,
)
def test_money_refuses_too_many_places(minor: int, extra: int, currency: Currency) -> None:
    """An amount with a non-zero digit past the currency's minor unit is refused."""
    # given an amount one digit finer than the currency allows
    amount = Decimal(minor * 10 + extra).scaleb(-(currency.places + 1))
    # when it is made Money directly
    # then a ValueError is raised (Money.of would round it instead)
    with pytest.raises(ValueError, match="more decimals"):
        Money(amount, currency)
    assert Money.of(amount, currency).amount == round_half_up(amount, currency.places)


@given(
    minor=st.integers(min_value=-(10**15), max_value=10**15),
    code=st.sampled_from(["JPY", "USD", "KWD", "ZZZ"]),
)
def test_minor_units_round_trip(minor: int, code: str) -> None:
    """from_minor and to_minor are inverse, at 0, 2, 3 and (unknown code) 2 places."""
    # given a count of minor units
    currency = Currency.of(code)
    # when it is made Money and read back
    money = Money.from_minor(minor, currency)
    # then the count and the value agree with the currency's precision
    assert money.to_minor() == minor
    assert money.amount == Fraction(minor, 10**currency.places)
    assert Money.of(money.amount, code) == money


def test_currency_precisions() -> None:
    """JPY has 0 places, USD 2, KWD 3, and a code ISO 4217 does not list defaults to 2."""
    # given currency codes
    # when their precision is read
    places = {code: Currency.of(code).places for code in ("JPY", "USD", "KWD", "BHD", "ZZZ")}
    # then it is the ISO minor unit, 2 for the unknown code
    assert places == {"JPY": 0, "USD": 2, "KWD": 3, "BHD": 3, "ZZZ": 2}
    assert str(Currency.of("KWD").quantum) == "0.001"


@given(
    left=st.sampled_from(["USD", "JPY", "KWD", "EUR"]),
    right=st.sampled_from(["USD", "JPY", "KWD", "EUR"]),
    a=st.integers(min_value=-(10**6), max_value=10**6),
    b=st.integers(min_value=-(10**6), max_value=10**6),
)
def test_currency_mismatch(left: str, right: str, a: int, b: int) -> None:
    """Adding or subtracting amounts in different currencies raises CurrencyMismatch."""
    # given two amounts in different currencies
    assume(left != right)
    x, y = Money.from_minor(a, left), Money.from_minor(b, right)
    # when they are combined
    # then CurrencyMismatch names both currencies
    with pytest.raises(CurrencyMismatch) as add_error:
        _ = x + y
    with pytest.raises(CurrencyMismatch):
        _ = x - y
    assert (add_error.value.left.code, add_error.value.right.code) == (left, right)


@given(
    a=st.integers(min_value=-(10**9), max_value=10**9),
    b=st.integers(min_value=-(10**9), max_value=10**9),
    currency=CURRENCIES,
)
def test_same_currency_arithmetic_is_exact(a: int, b: int, currency: Currency) -> None:
    """Sums and differences of Money in one currency are exact in minor units."""
    # given two amounts in one currency
    x, y = Money.from_minor(a, currency), Money.from_minor(b, currency)
    # when they are added and subtracted
    # then the minor units add and subtract exactly
    assert (x + y).to_minor() == a + b
    assert (x - y).to_minor() == a - b
    assert (-x).to_minor() == -a
