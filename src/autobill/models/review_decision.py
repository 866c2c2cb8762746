"""Review decisions: who approved or rejected a draft, when, why, and what they changed."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - SQLAlchemy reads the annotations at run time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base, IdMixin, utc_now


class ReviewDecision(IdMixin, Base):
    """A decision on a draft; ``fields`` maps a field to its AI-suggested and approved values."""

    __tablename__ = "review_decision"

    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("draft.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(sa.String(16))
    decided_by: Mapped[str] = mapped_column(sa.String(255))
    decided_at: Mapped[datetime] = mapped_column(default=utc_now)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    fields: Mapped[dict[str, Any]]
    trace_id: Mapped[str | None] = mapped_column(sa.String(64))
