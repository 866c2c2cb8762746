"""Shared pieces of the demo generator: the record store, money text and calendar helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from autobill.core.money import round_half_up

if TYPE_CHECKING:
    import random

Record = dict[str, Any]

AS_OF: Final = date(2026, 12, 31)
YEAR_START: Final = date(2026, 1, 1)
CENT: Final = Decimal("0.01")

OBJECTS: Final = (
    "LOCATION",
    "DEPARTMENT",
    "CLASS",
    "GLACCOUNT",
    "ARTERM",
    "TAXDETAIL",
    "TAXSCHEDULEMAP",
    "EXCHANGERATE",
    "CUSTOMER",
    "ITEM",
    "EMPLOYEE",
    "CONTRACT",
    "CONTRACTDETAIL",
    "CONTRACTBILLINGTEMPLATE",
    "CONTRACTUSAGE",
    "PROJECT",
    "TASK",
    "PROJECTRESOURCES",
    "TIMESHEETENTRY",
    "EEXPENSESITEM",
    "DOCUMENT",
    "ARINVOICE",
)


@dataclass
class Store:
    """The records being generated, by object name, with the seeded random source."""

    rng: random.Random
    records: dict[str, list[Record]] = field(default_factory=lambda: {n: [] for n in OBJECTS})
    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, name: str, record: Record) -> Record:
        """Append one record, dropping keys whose value is None, and return it."""
        clean = {k: v for k, v in record.items() if v is not None}
        self.records[name].append(clean)
        return clean

    def by(self, name: str, key: str, value: object) -> Record:
        """Return the one record of ``name`` whose ``key`` is ``value``."""
        return next(r for r in self.records[name] if r.get(key) == value)

    def where(self, name: str, **match: object) -> list[Record]:
        """Return the records of ``name`` whose fields equal every ``match`` value."""
        return [r for r in self.records[name] if all(r.get(k) == v for k, v in match.items())]


def money(value: Decimal | int | str) -> str:
    """Write an amount as a two-decimal string, rounded half up."""
    return f"{round_half_up(Decimal(value), 2):.2f}"


def dec(text: str | int) -> Decimal:
    """Read a decimal string of the dataset."""
    return Decimal(text)


def grouped(amount: Decimal | str, places: int = 2) -> str:
    """Write an amount with thousands separators, as documents do (``12,500.00``)."""
    return f"{Decimal(amount):,.{places}f}"


def workdays(first: date, last: date) -> list[date]:
    """Return the weekdays from ``first`` to ``last`` inclusive."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5]  # noqa: PLR2004 - Saturday is weekday 5


def long_date(day: date) -> str:
    """Write a date as contracts do: ``1 March 2026``."""
    return f"{day.day} {day.strftime('%B')} {day.year}"
