"""Invoice drafts: one per (company, billing key), with totals in minor units."""

from __future__ import annotations

from datetime import date, datetime  # noqa: TC003 - SQLAlchemy reads the annotations at run time
from decimal import Decimal  # noqa: TC003 - as above
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from autobill.db.base import Base, IdMixin, TimestampedMixin
from autobill.db.types import MinorUnits

if TYPE_CHECKING:
    from autobill.models.draft_line import DraftLine


class Draft(IdMixin, TimestampedMixin, Base):
    """An invoice autobill drafted; the billing key names its source and period."""

    __tablename__ = "draft"
    __table_args__ = (sa.UniqueConstraint("company_id", "billing_key"),)

    company_id: Mapped[str] = mapped_column(sa.String(64))
    billing_key: Mapped[str] = mapped_column(sa.String(255))
    entity_id: Mapped[str | None] = mapped_column(sa.String(64))
    billing_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("billing_run.id"))
    status: Mapped[str] = mapped_column(sa.String(32), default="drafted")
    customer_id: Mapped[str] = mapped_column(sa.String(64))
    contract_id: Mapped[str | None] = mapped_column(sa.String(64))
    project_id: Mapped[str | None] = mapped_column(sa.String(64))
    invoice_on: Mapped[date]
    due_on: Mapped[date]
    currency: Mapped[str] = mapped_column(sa.String(3))
    subtotal_amount_minor: Mapped[int] = mapped_column(MinorUnits())
    tax_amount_minor: Mapped[int] = mapped_column(MinorUnits())
    total_amount_minor: Mapped[int] = mapped_column(MinorUnits())
    exchange_rate: Mapped[Decimal | None]
    base_currency: Mapped[str | None] = mapped_column(sa.String(3))
    base_total_amount_minor: Mapped[int | None] = mapped_column(MinorUnits())
    flags: Mapped[list[Any]]
    intacct_key: Mapped[str | None] = mapped_column(sa.String(64))
    trace_id: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime | None]

    lines: Mapped[list[DraftLine]] = relationship(
        back_populates="draft", order_by="DraftLine.position", cascade="all, delete-orphan"
    )
