"""Money edge cases that the properties do not reach."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

from autobill.core.money import Money, round_half_up


def test_rounding_is_exact_beyond_the_decimal_context_precision() -> None:
    """Rounding does not depend on the decimal context's 28 digits of precision."""
    # given
    huge = Fraction(10**30 + 1)
    # when
    rounded = round_half_up(huge, 0)
    with_places = round_half_up(Decimal(10**26), 3)
    # then
    assert rounded == Decimal(10**30 + 1)
    assert str(with_places) == "100000000000000000000000000.000"


def test_rounding_ignores_the_ambient_rounding_mode() -> None:
    """A caller's decimal context with another rounding mode does not change half up."""
    # given
    with localcontext() as context:
        context.rounding = "ROUND_HALF_EVEN"
        context.prec = 5
        # when
        rounded = round_half_up(Decimal("1234567.125"), 2)
        money = Money.of("0.125", "USD")
    # then
    assert str(rounded) == "1234567.13"
    assert str(money.amount) == "0.13"
