"""How far the change poller has read one Intacct object of one company."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - SQLAlchemy reads the annotations at run time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base, IdMixin, utc_now


class PollWatermark(IdMixin, Base):
    """The newest ``WHENMODIFIED`` read, and the changes already taken at that second."""

    __tablename__ = "poll_watermark"
    __table_args__ = (sa.UniqueConstraint("company_id", "object"),)

    company_id: Mapped[str] = mapped_column(sa.String(64))
    object: Mapped[str] = mapped_column(sa.String(64))
    # Intacct's WHENMODIFIED carries no zone: kept as ISO text (YYYY-MM-DDTHH:MM:SS), exact.
    modified_at: Mapped[str | None] = mapped_column(sa.String(32))
    seen: Mapped[list[Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
