"""Draft lines, each with the source records it was billed from."""

from __future__ import annotations

from datetime import date  # noqa: TC003 - SQLAlchemy reads the annotations at run time
from decimal import Decimal  # noqa: TC003 - as above
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from autobill.db.base import Base, IdMixin
from autobill.db.types import MinorUnits

if TYPE_CHECKING:
    from autobill.models.draft import Draft


class DraftLine(IdMixin, Base):
    """One line of a draft: what was billed, at what price, coded where, and from which records."""

    __tablename__ = "draft_line"
    __table_args__ = (sa.UniqueConstraint("draft_id", "position"),)

    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("draft.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(255))
    item_id: Mapped[str | None] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.Text)
    quantity: Mapped[Decimal]
    unit_price: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(sa.String(3))
    line_amount_minor: Mapped[int] = mapped_column(MinorUnits())
    tax_amount_minor: Mapped[int] = mapped_column(MinorUnits())
    base_amount_minor: Mapped[int | None] = mapped_column(MinorUnits())
    period_start_on: Mapped[date | None]
    period_end_on: Mapped[date | None]
    gl_account: Mapped[str | None] = mapped_column(sa.String(64))
    term: Mapped[str | None] = mapped_column(sa.String(64))
    dimensions: Mapped[dict[str, Any]]
    taxes: Mapped[list[Any]]
    sources: Mapped[list[Any]]

    draft: Mapped[Draft] = relationship(back_populates="lines")
