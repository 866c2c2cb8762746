"""Versions of the billing and review rules, so every decision names the rules it used."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base, IdMixin, TimestampedMixin


class RuleVersion(IdMixin, TimestampedMixin, Base):
    """One version of a named rule set, with the digest of its definition."""

    __tablename__ = "rule_version"
    __table_args__ = (sa.UniqueConstraint("name", "version"),)

    name: Mapped[str] = mapped_column(sa.String(128))
    version: Mapped[str] = mapped_column(sa.String(64))
    definition: Mapped[dict[str, Any]]
    digest: Mapped[str] = mapped_column(sa.String(128))
