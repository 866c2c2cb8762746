"""Revenue schedules of posted sales lines, split as ``autobill.core.revrec`` splits them.

A line with a Daily rate or Straight line template is spread over the calendar months of its
revenue span with ``revrec.spread_over_months``, the function that spreads a contract line, so
the sandbox's REVRECSCHEDULEENTRY amounts agree with ``autobill preview``. On invoice and On
completion recognise the whole amount in one entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from autobill.core.calendar import DateSpan, month_end
from autobill.core.money import Money
from autobill.core.revrec import (
    DAILY_RATE,
    ON_COMPLETION,
    ON_INVOICE,
    STRAIGHT_LINE,
    spread_over_months,
)
from autobill.sandbox import changes
from autobill.sandbox.formats import parse_date, wire
from autobill.sandbox.xml.errors import GENERIC, could_not

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

    from autobill.sandbox.functions.context import Call

TEMPLATES: Final = frozenset({DAILY_RATE, STRAIGHT_LINE, ON_INVOICE, ON_COMPLETION})
SPREAD: Final = frozenset({DAILY_RATE, STRAIGHT_LINE})


def split(
    template: str, span: DateSpan | None, total: Money, on: date
) -> list[tuple[date, Decimal]]:
    """Return (posting date, amount) entries of a line's revenue, summing to ``total``."""
    if template not in SPREAD or span is None:
        return [(on, total.amount)]
    parts = spread_over_months(
        span, total.amount, places=total.currency.places, daily=template == DAILY_RATE
    )
    return [(month_end(month.first), share) for month, share in parts]


def revenue_span(template: str, line: dict[str, str], obj: str) -> DateSpan | None:
    """Return a spread template's span (REVRECSTARTDATE to REVRECENDDATE), or fail without one."""
    if template not in TEMPLATES:
        raise could_not(GENERIC, f"Revenue recognition template {template} is not valid", obj)
    if template not in SPREAD:
        return None
    first = parse_date(line.get("REVRECSTARTDATE", ""))
    last = parse_date(line.get("REVRECENDDATE", ""))
    if first is None or last is None or last < first:
        raise could_not(
            GENERIC,
            f"Template {template} needs a revenue start and end date (end on or after start)",
            obj,
        )
    return DateSpan(first, last)


def write_schedule(call: Call, document: dict[str, str], line: dict[str, str], entry: int) -> None:
    """Store the REVRECSCHEDULE of one posted line and its REVRECSCHEDULEENTRY rows."""
    template = line["REVRECTEMPLATE"]
    span = revenue_span(template, line, "sodocument")
    total = Money.of(line["TRX_VALUE"], document["CURRENCY"])
    on = parse_date(document["WHENCREATED"])
    assert on is not None  # noqa: S101 - stored by create_sotransaction from a valid date
    schedule = {
        "REVRECTEMPLATEID": template,
        "RECMETHOD": template,
        "STATUS": "In progress",
        "DOCENTRYKEY": str(entry),
        "DOCHDRKEY": document["RECORDNO"],
        "DOCID": document["DOCID"],
        "DOCUMENTDATE": document["WHENCREATED"],
        "PROJECTID": line.get("PROJECTID", ""),
        "TASKID": line.get("TASKID", ""),
        **changes.stamps(call, created=True),
    }
    key = call.store.insert("REVRECSCHEDULE", schedule, entity=call.session.entity)
    for position, (posting, amount) in enumerate(split(template, span, total, on), 1):
        call.store.insert(
            "REVRECSCHEDULEENTRY",
            {
                "REVRECSCHEDULEKEY": str(key),
                "POSITION": str(position),
                "POSTINGDATE": wire(posting),
                "AMOUNT": str(amount),
                "TRX_AMOUNT": str(amount),
                "CURRENCY": document["CURRENCY"],
                "POSTED": "false",
                **changes.stamps(call, created=True),
            },
            entity=call.session.entity,
        )
