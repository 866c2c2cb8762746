"""The declarative base every table derives from, with a naming convention for constraints."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar, Final

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from autobill.db.types import DecimalText, UTCDateTime

# Stable constraint names, so Alembic can drop and alter them on every backend.
NAMING_CONVENTION: Final = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """Return the current instant, aware in UTC (the default for ``*_at`` columns)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """The base of all ORM tables."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        Decimal: DecimalText(),
        datetime: UTCDateTime(),
        dict[str, Any]: sa.JSON(),
        list[Any]: sa.JSON(),
    }


class IdMixin:
    """An integer surrogate primary key."""

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, sort_order=-1)


class TimestampedMixin:
    """When the row was created (aware UTC)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
