"""The audit log: append-only entries, each hash-chained to the one before."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - SQLAlchemy reads the annotations at run time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base

HASH_LENGTH = 64


class AuditEntry(Base):
    """One recorded step; ``hash`` covers its canonical JSON, including ``prev_hash``."""

    __tablename__ = "audit_entry"

    seq: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(sa.String(255))
    action: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255))
    trace_id: Mapped[str | None] = mapped_column(sa.String(64))
    rule_version: Mapped[str | None] = mapped_column(sa.String(64))
    prompt_version: Mapped[str | None] = mapped_column(sa.String(64))
    inputs_digest: Mapped[str | None] = mapped_column(sa.String(128))
    before: Mapped[Any | None] = mapped_column(sa.JSON)
    after: Mapped[Any | None] = mapped_column(sa.JSON)
    prev_hash: Mapped[str] = mapped_column(sa.String(HASH_LENGTH))
    hash: Mapped[str] = mapped_column(sa.String(HASH_LENGTH), unique=True)
