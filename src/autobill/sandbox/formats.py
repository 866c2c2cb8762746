"""Intacct's value formats (§9.14): ``mm/dd/yyyy`` dates, ``mm/dd/yyyy HH:MM:SS`` timestamps."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

_DATE: Final = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_STAMP: Final = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2}):(\d{2})$")
_NUMBER: Final = re.compile(r"^-?\d+(\.\d+)?$")


def wire(value: object) -> str:
    """Render a stored or loaded value as Intacct writes it in a response."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, date):
        return _date_text(value)
    return str(value)


# Every record written stamps the same moment, and documents share a few dates: strftime is
# remembered rather than redone for each field.
@lru_cache(maxsize=1024)
def _date_text(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def stamp(moment: datetime) -> str:
    """Render a moment as an Intacct timestamp."""
    # Keyed with the offset: equal instants in other zones read differently.
    return _stamp_text(moment, moment.utcoffset())


@lru_cache(maxsize=64)
def _stamp_text(moment: datetime, _offset: object) -> str:
    return moment.strftime("%m/%d/%Y %H:%M:%S")


def iso_stamp(moment: datetime) -> str:
    """Render a moment as the session timestamps of the authentication block (ISO 8601)."""
    return moment.replace(microsecond=0).isoformat()


def parse_date(text: str) -> date | None:
    """Return the date of an ``mm/dd/yyyy`` value (a timestamp's date part too), or None."""
    match = _DATE.match(text) or _STAMP.match(text)
    if match is None:
        return None
    month, day, year = (int(part) for part in match.groups()[:3])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_moment(text: str) -> datetime | None:
    """Return the moment of an ``mm/dd/yyyy`` date (midnight) or timestamp, or None."""
    day = parse_date(text)
    if day is None:
        return None
    match = _STAMP.match(text)
    hours, minutes, seconds = (int(p) for p in match.groups()[3:]) if match else (0, 0, 0)
    try:
        return datetime(day.year, day.month, day.day, hours, minutes, seconds)  # noqa: DTZ001
    except ValueError:
        return None


def is_date_field(name: str) -> bool:
    """Return whether a field holds a date, by Intacct's naming."""
    leaf = name.rsplit(".", 1)[-1]
    return leaf.endswith("DATE") or leaf in {"WHENPOSTED", "WHENDUE", "WHENPAID", "WHENDISCOUNT"}


def parse_number(text: str) -> Decimal | None:
    """Return a plain decimal (no thousands separators, §9.14), or None."""
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None


def sortable(text: str) -> tuple[int, object]:
    """Return a key that orders dates as dates, numbers as numbers and the rest as text."""
    day = parse_date(text)
    if day is not None:
        return (0, day.toordinal())
    number = parse_number(text)
    if number is not None:
        return (1, number)
    return (2, text)


def legacy_date(element: Element | None) -> date | None:
    """Return the date of a legacy ``<year><month><day>`` element, or None when absent or bad."""
    if element is None:
        return None
    parts = [(element.findtext(name) or "").strip() for name in ("year", "month", "day")]
    if not all(part.isdigit() for part in parts):
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None
