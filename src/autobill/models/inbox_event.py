"""The event inbox: every accepted trigger event, once per (source, external id)."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - SQLAlchemy reads the annotations at run time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base, IdMixin, utc_now


class InboxEvent(IdMixin, Base):
    """A billable event as received; ``handled_at`` is set once its workflow was started."""

    __tablename__ = "inbox_event"
    __table_args__ = (sa.UniqueConstraint("source", "external_id"),)

    source: Mapped[str] = mapped_column(sa.String(64))
    external_id: Mapped[str] = mapped_column(sa.String(255))
    payload: Mapped[dict[str, Any]]
    trace_id: Mapped[str | None] = mapped_column(sa.String(64))
    received_at: Mapped[datetime] = mapped_column(default=utc_now)
    handled_at: Mapped[datetime | None]
