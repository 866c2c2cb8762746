"""Postings: a draft posted in Intacct, with the keys Intacct gave it."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - SQLAlchemy reads the annotations at run time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base, IdMixin, utc_now


class Posting(IdMixin, Base):
    """The posting of one draft; the control id makes the Intacct call idempotent."""

    __tablename__ = "posting"

    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("draft.id"), unique=True)
    control_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    intacct_key: Mapped[str | None] = mapped_column(sa.String(64))
    intacct_record_id: Mapped[str | None] = mapped_column(sa.String(64))
    posted_at: Mapped[datetime] = mapped_column(default=utc_now)
