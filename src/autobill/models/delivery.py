"""Deliveries: an invoice sent to its customer through a channel."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - SQLAlchemy reads the annotations at run time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base, IdMixin, utc_now


class Delivery(IdMixin, Base):
    """One attempt to deliver a draft's invoice (email, portal, Intacct's own delivery)."""

    __tablename__ = "delivery"

    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("draft.id"))
    channel: Mapped[str] = mapped_column(sa.String(32))
    recipient: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[str] = mapped_column(sa.String(32), default="pending")
    external_id: Mapped[str | None] = mapped_column(sa.String(255))
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempted_at: Mapped[datetime] = mapped_column(default=utc_now)
    delivered_at: Mapped[datetime | None]
