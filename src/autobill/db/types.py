"""Column types that behave the same on SQLite and PostgreSQL.

``MinorUnits`` holds posted money as an integer count of minor units; ``DecimalText`` keeps
unrounded decimals exactly (``NUMERIC`` on PostgreSQL, ``TEXT`` on SQLite, where SQLAlchemy's
``Numeric`` goes through float); ``UTCDateTime`` stores aware instants and returns them aware
in UTC on both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.types import TypeEngine

POSTGRESQL = "postgresql"


class MinorUnits(TypeDecorator[int]):
    """A money amount as a whole number of minor units (cents); refuses anything but ``int``."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect: Dialect) -> int | None:
        """Refuse floats, Decimals and booleans: minor units are whole integers."""
        del dialect
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            msg = f"minor units must be an int, got {type(value).__name__} {value!r}"
            raise TypeError(msg)
        return value


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal of any precision: ``NUMERIC`` on PostgreSQL, ``TEXT`` elsewhere."""

    impl = sa.Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """Pick the column type for the backend."""
        if dialect.name == POSTGRESQL:
            return dialect.type_descriptor(sa.Numeric(asdecimal=True))
        return dialect.type_descriptor(sa.Text())

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> object:
        """Pass a Decimal through (PostgreSQL) or as its exact text (elsewhere); refuse floats."""
        if value is None:
            return None
        if not isinstance(value, Decimal):
            msg = f"DecimalText needs a Decimal, got {type(value).__name__} {value!r}"
            raise TypeError(msg)
        return value if dialect.name == POSTGRESQL else str(value)

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        """Return the stored value as a Decimal, digit for digit."""
        del dialect
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


class UTCDateTime(TypeDecorator[datetime]):
    """An aware instant, stored in UTC; naive datetimes are refused."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; SQLite keeps no offset, so store it naive there."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            msg = f"naive datetime {value.isoformat()}: instants must be timezone-aware"
            raise ValueError(msg)
        utc = value.astimezone(UTC)
        return utc if dialect.name == POSTGRESQL else utc.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return the instant aware, in UTC."""
        del dialect
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
