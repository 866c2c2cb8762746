"""Versions of the AI prompts, so every suggestion names the prompt that produced it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base, IdMixin, TimestampedMixin


class PromptVersion(IdMixin, TimestampedMixin, Base):
    """One version of a named prompt template and the model it was written for."""

    __tablename__ = "prompt_version"
    __table_args__ = (sa.UniqueConstraint("name", "version"),)

    name: Mapped[str] = mapped_column(sa.String(128))
    version: Mapped[str] = mapped_column(sa.String(64))
    template: Mapped[str] = mapped_column(sa.Text)
    model: Mapped[str | None] = mapped_column(sa.String(128))
    digest: Mapped[str] = mapped_column(sa.String(128))
