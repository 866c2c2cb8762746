"""Conversions from loaded YAML/JSON values to the types records hold, and messages for bad ones.

Every converter takes the loaded value and returns the converted one, or raises :class:`Invalid`
with a message that says what was found and what to write instead. Type checks are exact
(``type(v) is int``) because ``bool`` is an ``int`` and ``datetime`` is a ``date``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Self

from autobill.dataset.problems import Invalid

if TYPE_CHECKING:
    from collections.abc import Callable

    Convert = Callable[[object], object]

_DECIMAL: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_ATOMS: Final = frozenset({str, int, bool, Decimal, date, datetime, bytes, type(None)})


@dataclass(frozen=True, slots=True)
class JsonFloat:
    """A JSON number written with a fraction or exponent (or NaN/Infinity), kept as its text."""

    text: str


class LooseInt(int):
    """A YAML integer not written plainly (``012``, ``0x1F``, ``1_000``, ``+5``), with its text."""

    text: str

    def __new__(cls, value: int, text: str) -> Self:
        """Return ``value`` remembering the ``text`` YAML read it from."""
        number = super().__new__(cls, value)
        number.text = text
        return number


def is_float(value: object) -> bool:
    """Return whether ``value`` was written as a float (YAML or JSON)."""
    return type(value) is float or type(value) is JsonFloat


def float_message(value: object) -> str:
    """Return the message for a float written where a decimal string belongs."""
    text = value.text if isinstance(value, JsonFloat) else repr(value)
    return f'{text} is a float; write decimals as strings ("{text}")'


def show(value: object) -> str:
    """Return ``value`` as the user wrote it, quoting text."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, JsonFloat):
        return value.text
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return str(value)


def wrong(value: object, expected: str) -> str:
    """Return the message for ``value`` found where ``expected`` belongs."""
    if is_float(value) and expected == "an integer":
        return f"{show(value)} is a float, not an integer"
    if is_float(value):
        return float_message(value)
    if isinstance(value, LooseInt):
        return (
            f"{value.text} is read by YAML as the number {int(value)}; "
            "write the number plainly, or quote it to keep it as text"
        )
    if isinstance(value, datetime):
        return f"{value.isoformat(sep=' ')} is a date and time, not {expected}"
    if isinstance(value, bool) and expected == "text":
        return (
            f"{show(value)} is a boolean, not text (YAML reads yes/no/on/off as booleans); "
            "quote it to keep it as text"
        )
    return f"{show(value)} is not {expected}"


def to_text(value: object) -> str:
    """Return text; a plain YAML integer (an account number, a ZIP code) is taken as its digits."""
    if type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    raise Invalid(wrong(value, "text"))


def to_decimal(value: object) -> Decimal:
    """Return the exact decimal of a decimal string or an integer."""
    if type(value) is str:
        if _DECIMAL.fullmatch(value):
            return Decimal(value)
        message = f'{show(value)} is not a decimal number; write digits, like "12.50"'
        raise Invalid(message)
    if type(value) is int:
        return Decimal(value)
    raise Invalid(wrong(value, 'a decimal string (like "12.50")'))


def to_integer(value: object) -> int:
    """Return an integer written as a YAML/JSON integer (not a string, not a boolean)."""
    if type(value) is int:
        return value
    raise Invalid(wrong(value, "an integer"))


def to_boolean(value: object) -> bool:
    """Return a boolean written as ``true`` or ``false``."""
    if type(value) is bool:
        return value
    raise Invalid(wrong(value, "a boolean (true or false)"))


def to_date(value: object) -> date:
    """Return a calendar date written as a YAML date or a ``YYYY-MM-DD`` string."""
    if type(value) is date:
        return value
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":  # noqa: PLR2004
        try:
            return date.fromisoformat(value)
        except ValueError:
            message = f"{show(value)} is not a real date"
            raise Invalid(message) from None
    raise Invalid(wrong(value, "a date (YYYY-MM-DD)"))


def choice(choices: tuple[str, ...]) -> Convert:
    """Return a converter accepting exactly one of ``choices``."""
    allowed = frozenset(choices)
    listed = ", ".join(choices)

    def convert(value: object) -> str:
        if type(value) is str and value in allowed:
            return value
        raise Invalid(wrong(value, f"one of: {listed}"))

    return convert


def positive(convert: Convert) -> Convert:
    """Return ``convert`` followed by a check that the number is above zero."""

    def checked(value: object) -> object:
        number = convert(value)
        if isinstance(number, Decimal) and number <= 0:
            message = f"{number} is not positive"
            raise Invalid(message)
        return number

    return checked


def to_hundredths(value: object) -> Decimal:
    """Return the exact decimal of a decimal string or integer with at most two decimals."""
    number = to_decimal(value)
    if type(value) is str:
        point = value.find(".")
        if point < 0 or len(value) - point <= 3:  # noqa: PLR2004 - the point and two digits
            return number
    _, digits, exponent = number.as_tuple()
    # Trailing zeros do not count: "640.000" is 640.
    if isinstance(exponent, int) and exponent < -2 and any(digits[exponent + 2 :]):  # noqa: PLR2004
        message = f"{number} has more than two decimals"
        raise Invalid(message)
    return number


def freeze(value: object) -> object:
    """Return an immutable copy of a loaded value, rejecting any float inside it."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return _freeze_mapping(value)  # type: ignore[arg-type]
    if kind is list or kind is tuple:
        return _freeze_items(value)  # type: ignore[arg-type]
    if kind is set or kind is frozenset:
        return frozenset(_freeze_items(value))  # type: ignore[arg-type]
    if is_float(value):
        raise Invalid(float_message(value))
    if isinstance(value, int):  # a LooseInt: outside known fields YAML's reading stands
        return int(value)
    return value


def _freeze_mapping(value: dict[object, object]) -> MappingProxyType[object, object]:
    frozen: dict[object, object] = {}
    for key, item in value.items():
        try:
            frozen[key] = freeze(item)
        except Invalid as error:
            path = f".{key}"
            raise error.within(path) from None
    return MappingProxyType(frozen)


def _freeze_items(value: list[object] | tuple[object, ...] | set[object]) -> tuple[object, ...]:
    frozen: list[object] = []
    for position, item in enumerate(value, 1):
        try:
            frozen.append(freeze(item))
        except Invalid as error:
            path = f"#{position}"
            raise error.within(path) from None
    return tuple(frozen)
