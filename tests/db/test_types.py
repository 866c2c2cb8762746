"""The portable column types keep money, decimals and instants exact on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError

from autobill.models import Draft
from fixtures.drafts import add_draft

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def reread(session: Session, draft: Draft) -> Draft:
    """Return the draft as freshly loaded from the database."""
    session.expire_all()
    query = sa.select(Draft).where(Draft.id == draft.id)
    return session.scalars(query.execution_options(populate_existing=True)).one()


@pytest.mark.parametrize(
    "text",
    [
        "0.0125",
        "1234567890123456789012345678.123456789",
        "-0.000000000000000000000000000001",
        "1.10",
    ],
)
def test_decimal_text_round_trips_digit_for_digit(session: Session, text: str) -> None:
    """A DecimalText value comes back equal and with the same digits, however long."""
    # given
    draft = add_draft(session, exchange_rate=Decimal(text))
    # when
    loaded = reread(session, draft).exchange_rate
    # then
    assert isinstance(loaded, Decimal)
    assert loaded == Decimal(text)
    assert loaded.as_tuple() == Decimal(text).as_tuple()


def test_decimal_text_refuses_a_float(session: Session) -> None:
    """Binding a float to a DecimalText column fails instead of storing a rounded binary value."""
    # when / then
    with pytest.raises(StatementError, match="DecimalText needs a Decimal"):
        add_draft(session, exchange_rate=0.1)


def test_minor_units_round_trip_beyond_float_precision(session: Session) -> None:
    """A minor-unit amount above 2**53 comes back as the same integer."""
    # given
    huge = 2**53 + 1
    draft = add_draft(session, total_amount_minor=huge, currency="JPY")
    # when
    loaded = reread(session, draft)
    # then
    assert loaded.total_amount_minor == huge
    assert loaded.currency == "JPY"


@pytest.mark.parametrize(("_case", "value"), [("float", 12.5), ("decimal", Decimal("12.50"))])
def test_minor_units_refuse_non_integers(session: Session, _case: str, value: object) -> None:
    """Minor units are whole integers: a float or Decimal amount is refused."""
    # when / then
    with pytest.raises(StatementError, match="minor units must be an int"):
        add_draft(session, total_amount_minor=value)


def test_utc_datetime_comes_back_aware_in_utc(session: Session) -> None:
    """An instant given in another offset comes back aware, in UTC, the same instant."""
    # given
    eastern = timezone(timedelta(hours=-5))
    moment = datetime(2026, 11, 30, 20, 30, 15, 123456, tzinfo=eastern)
    draft = add_draft(session, updated_at=moment)
    # when
    loaded = reread(session, draft).updated_at
    # then
    assert loaded == moment
    assert loaded is not None
    assert loaded.tzinfo == UTC
    assert loaded.isoformat() == "2026-12-01T01:30:15.123456+00:00"


def test_utc_datetime_refuses_a_naive_datetime(session: Session) -> None:
    """A naive datetime is refused: nobody can tell which instant it means."""
    # when / then
    with pytest.raises(StatementError, match="naive datetime"):
        add_draft(session, updated_at=datetime(2026, 11, 30, 12, 0))  # noqa: DTZ001 - on purpose
