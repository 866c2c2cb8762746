"""The audit chain's head: one row naming the last entry, locked to serialize appends."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from autobill.db.base import Base
from autobill.models.audit_entry import HASH_LENGTH

CHAIN_HEAD_ID = 1


class AuditChainHead(Base):
    """The last entry's position and hash; also lets ``verify`` notice a deleted tail."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(sa.String(HASH_LENGTH))
