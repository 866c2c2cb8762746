"""Money, currencies, the one rounding rule and the one allocation rule.

Amounts are exact ``Decimal`` values; intermediate results that involve a division are kept
as ``fractions.Fraction`` so nothing is rounded before the places the billing spec names.
Rounding is half up (away from zero on .5) to the currency's ISO 4217 minor unit and is done
only by :func:`round_half_up`; splitting an amount is done only by :func:`allocate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from fractions import Fraction
from math import lcm
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

ROUNDING: Final = ROUND_HALF_UP

# ISO 4217 minor units for codes whose unit is not 2 (every other code, listed or not, uses 2).
_MINOR_UNITS: Final[dict[str, int]] = {
    "BHD": 3, "BIF": 0, "CLF": 4, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3, "ISK": 0, "JOD": 3,
    "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3, "OMR": 3, "PYG": 0, "RWF": 0, "TND": 3,
    "UGX": 0, "UYI": 0, "UYW": 4, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}  # fmt: skip

Exact = Decimal | Fraction | int
"""An exact number: what amounts are before the spec says to round them."""


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""

    def __init__(self, left: Currency, right: Currency) -> None:
        self.left = left
        self.right = right
        super().__init__(f"cannot combine {left.code} with {right.code}")


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency and the number of decimals of its minor unit."""

    code: str
    places: int

    @classmethod
    def of(cls, code: str) -> Currency:
        """Return the currency for an ISO 4217 code (2 places for a code ISO does not list)."""
        return _currency(code)

    @property
    def quantum(self) -> Decimal:
        """One minor unit, as a Decimal (``0.01`` for USD, ``1`` for JPY)."""
        return Decimal(1).scaleb(-self.places)


_CACHE: dict[str, Currency] = {}


def _currency(code: str) -> Currency:
    cached = _CACHE.get(code)
    if cached is None:
        cached = _CACHE[code] = Currency(code, _MINOR_UNITS.get(code, 2))
    return cached


# Arithmetic in this context is never rounded: its precision is the largest there is, so a
# product of exact decimals stays exact, as the spec's "intermediates are exact" requires.
EXACT: Final = Context(
    prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, rounding=ROUND_HALF_UP,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)  # fmt: skip


def exact_product(*factors: Decimal) -> Decimal:
    """Multiply exact decimals without any rounding."""
    product = Decimal(1)
    for factor in factors:
        product = EXACT.multiply(product, factor)
    return product


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """Return ``amount`` x ``percent`` / 100, exactly."""
    return EXACT.multiply(amount, percent).scaleb(-2, EXACT)


def round_half_up(value: Exact, places: int) -> Decimal:
    """Round an exact number half up (away from zero on .5) to ``places`` decimals.

    The rounding is done in the exact context or in integers, so no ambient decimal context
    (precision, rounding mode) can change the result, however large the value.

    Args:
        value: the exact value; a float is refused.
        places: the number of decimals to keep.

    Returns:
        The rounded Decimal, with exactly ``places`` decimals and never a negative zero.
    """
    if isinstance(value, Decimal):
        rounded = value.quantize(_QUANTA[places], context=EXACT)
        return rounded or abs(rounded)
    if isinstance(value, Fraction):
        return round_ratio(value.numerator, value.denominator, places)
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value).quantize(_QUANTA[places], context=EXACT)
    msg = f"cannot round {type(value).__name__} {value!r}: money is never a float"
    raise TypeError(msg)


def round_ratio(numerator: int | Decimal, denominator: int, places: int) -> Decimal:
    """Round ``numerator / denominator`` half up to ``places`` decimals, in integers.

    Args:
        numerator: an exact integer or decimal.
        denominator: a positive integer.
        places: the number of decimals to keep.

    Returns:
        The rounded Decimal, never a negative zero.
    """
    top, bottom = numerator.as_integer_ratio()
    bottom *= denominator
    whole, rest = divmod(abs(top) * 10**places, bottom)
    if 2 * rest >= bottom:
        whole += 1
    return Decimal(-whole if top < 0 else whole).scaleb(-places, EXACT)


class _Quanta(dict[int, Decimal]):
    """One minor unit per number of places, made on first use."""

    def __missing__(self, places: int) -> Decimal:
        quantum = self[places] = Decimal(1).scaleb(-places)
        return quantum


_QUANTA: Final = _Quanta()


@dataclass(frozen=True, slots=True)
class Money:
    """An amount already rounded to its currency's minor unit."""

    amount: Decimal
    currency: Currency

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            msg = f"Money needs a Decimal amount, got {type(self.amount).__name__}"
            raise TypeError(msg)
        if self.amount != round_half_up(self.amount, self.currency.places):
            msg = f"{self.amount} has more decimals than {self.currency.code} allows"
            raise ValueError(msg)

    @classmethod
    def of(cls, value: Exact | str, currency: Currency | str) -> Money:
        """Round ``value`` half up to the currency's precision (the only rounding entry point)."""
        cur = currency if isinstance(currency, Currency) else Currency.of(currency)
        exact = Decimal(value) if isinstance(value, str) else value
        return cls(round_half_up(exact, cur.places), cur)

    @classmethod
    def zero(cls, currency: Currency | str) -> Money:
        """Return zero in ``currency``."""
        return cls.of(0, currency)

    @classmethod
    def from_minor(cls, minor: int, currency: Currency | str) -> Money:
        """Build from an integer count of minor units (cents, yen, fils)."""
        cur = currency if isinstance(currency, Currency) else Currency.of(currency)
        return cls(Decimal(minor).scaleb(-cur.places), cur)

    def to_minor(self) -> int:
        """Return the amount as an integer count of minor units."""
        return int(self.amount.scaleb(self.currency.places))

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount if self.amount else self.amount, self.currency)

    def __str__(self) -> str:
        return f"{format_amount(self.amount, self.currency.places)} {self.currency.code}"

    def _check(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)


def format_amount(amount: Decimal, places: int) -> str:
    """Write an amount with exactly ``places`` decimals, never as a negative zero."""
    text = f"{amount:.{places}f}"
    return text[1:] if text.startswith("-") and not amount else text


def allocate(total: Money, weights: Sequence[Exact]) -> tuple[Money, ...]:
    """Split ``total`` over ``weights`` by the largest-remainder rule; the parts sum to ``total``.

    Each part's exact share is truncated toward zero to a minor unit; the minor units left over
    go one each, with their sign, to the parts with the largest absolute discarded remainders,
    ties to the earlier part.

    Args:
        total: the amount to split.
        weights: one exact weight per part (they may be negative; a float is refused).

    Returns:
        One Money per weight, in order; all zero when the weights sum to zero.
    """
    minors = allocate_minor(total.to_minor(), weights)
    return tuple(Money.from_minor(m, total.currency) for m in minors)


def allocate_amounts(total: Decimal, weights: Sequence[Exact], *, places: int) -> list[Decimal]:
    """Split an amount already rounded to ``places`` decimals (see :func:`allocate`).

    Args:
        total: the amount to split, with at most ``places`` decimals.
        weights: one exact weight per part.
        places: the currency's minor unit.

    Returns:
        One Decimal per weight, each with ``places`` decimals, summing to ``total``.
    """
    minor = total.scaleb(places, EXACT)
    if minor != minor.to_integral_value():
        msg = f"{total} has more than {places} decimals"
        raise ValueError(msg)
    return [Decimal(part).scaleb(-places, EXACT) for part in allocate_minor(int(minor), weights)]


def allocate_minor(total: int, weights: Sequence[Exact]) -> list[int]:
    """Split an integer count of minor units over ``weights`` (see :func:`allocate`)."""
    scaled = _integer_weights(weights)
    weight_sum = sum(scaled)
    if weight_sum == 0:
        return [0] * len(scaled)
    if weight_sum < 0:  # the shares are unchanged when every weight flips sign
        scaled = [-w for w in scaled]
        weight_sum = -weight_sum
    parts: list[int] = []
    remainders: list[int] = []
    for weight in scaled:
        share = total * weight  # the exact share is share / weight_sum
        whole, rest = divmod(abs(share), weight_sum)
        parts.append(whole if share >= 0 else -whole)
        remainders.append(rest)
    left = total - sum(parts)
    step = 1 if left > 0 else -1
    by_remainder = sorted(range(len(parts)), key=lambda i: (-remainders[i], i))
    for index in by_remainder[: abs(left)]:
        parts[index] += step
    return parts


def _integer_weights(weights: Sequence[Exact]) -> list[int]:
    """Scale exact weights to integers over a common denominator (the ratios are unchanged)."""
    if all(type(w) is int for w in weights):
        return list(weights)  # type: ignore[arg-type]
    fractions = [_as_fraction(w) for w in weights]
    common = 1
    for fraction in fractions:
        common = lcm(common, fraction.denominator)
    return [f.numerator * (common // f.denominator) for f in fractions]


def _as_fraction(value: Exact) -> Fraction:
    if isinstance(value, float):
        msg = f"weight {value!r} is a float: use Decimal"
        raise TypeError(msg)
    return value if isinstance(value, Fraction) else Fraction(value)
