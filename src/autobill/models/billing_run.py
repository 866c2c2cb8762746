"""Billing runs: one company or entity billed for one date."""

from __future__ import annotations

from datetime import date, datetime  # noqa: TC003 - SQLAlchemy reads the annotations at run time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base, IdMixin, utc_now


class BillingRun(IdMixin, Base):
    """A run that computes and drafts everything due for a company (or entity) on a date."""

    __tablename__ = "billing_run"

    company_id: Mapped[str] = mapped_column(sa.String(64))
    entity_id: Mapped[str | None] = mapped_column(sa.String(64))
    run_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(32), default="running")
    workflow_id: Mapped[str | None] = mapped_column(sa.String(255))
    trace_id: Mapped[str | None] = mapped_column(sa.String(64))
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None]
