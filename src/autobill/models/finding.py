"""Findings: problems found in a draft or a run, for people to look at."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - SQLAlchemy reads the annotations at run time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base, IdMixin, TimestampedMixin


class Finding(IdMixin, TimestampedMixin, Base):
    """A billing exception or a check's finding, attached to a draft, a billing key or a run.

    ``dedupe_key`` (unique when set) makes recording the same finding twice a no-op, e.g. an
    invoice parked again by a retried activity.
    """

    __tablename__ = "finding"

    company_id: Mapped[str | None] = mapped_column(sa.String(64))
    billing_key: Mapped[str | None] = mapped_column(sa.String(255))
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    draft_id: Mapped[int | None] = mapped_column(sa.ForeignKey("draft.id", ondelete="CASCADE"))
    billing_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("billing_run.id"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(255))
    message: Mapped[str] = mapped_column(sa.Text)
    severity: Mapped[str] = mapped_column(sa.String(16), default="error")
    resolved_at: Mapped[datetime | None]
