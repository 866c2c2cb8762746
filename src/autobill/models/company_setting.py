"""Settings per company and entity, as JSON values under a key."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - SQLAlchemy reads the annotations at run time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base, IdMixin, utc_now

TOP_LEVEL = ""


class CompanySetting(IdMixin, Base):
    """One setting of a company (``entity_id`` empty) or of one of its entities."""

    __tablename__ = "company_setting"
    # The top level is "" rather than NULL: a NULL would not take part in the uniqueness.
    __table_args__ = (sa.UniqueConstraint("company_id", "entity_id", "key"),)

    company_id: Mapped[str] = mapped_column(sa.String(64))
    entity_id: Mapped[str] = mapped_column(sa.String(64), default=TOP_LEVEL)
    key: Mapped[str] = mapped_column(sa.String(128))
    value: Mapped[Any] = mapped_column(sa.JSON)
    updated_by: Mapped[str | None] = mapped_column(sa.String(255))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
