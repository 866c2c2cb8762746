"""All SQL of the audit log: the chain head, appending entries, reading them in order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import sqlalchemy as sa

from autobill.db.upsert import insert_ignoring_conflict
from autobill.models import AuditChainHead, AuditEntry
from autobill.models.audit_chain_head import CHAIN_HEAD_ID

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from sqlalchemy.orm import Session

GENESIS_HASH: Final = "0" * 64
READ_BATCH: Final = 1000


def lock_head(session: Session) -> AuditChainHead:
    """Return the chain head, creating it if needed, locked until the transaction ends.

    PostgreSQL locks the row (``SELECT ... FOR UPDATE``); SQLite already holds its database
    write lock, taken by ``BEGIN IMMEDIATE`` (see :mod:`autobill.db.session`).
    """
    insert_ignoring_conflict(
        session,
        AuditChainHead,
        {"id": CHAIN_HEAD_ID, "seq": 0, "hash": GENESIS_HASH},
        conflict_columns=("id",),
    )
    query = sa.select(AuditChainHead).where(AuditChainHead.id == CHAIN_HEAD_ID)
    query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one()


def read_head(session: Session) -> AuditChainHead | None:
    """Return the chain head without locking it, or None before the first entry."""
    return session.get(AuditChainHead, CHAIN_HEAD_ID, populate_existing=True)


def add(session: Session, entry: AuditEntry, head: AuditChainHead) -> None:
    """Store ``entry`` and move the locked head to it."""
    session.add(entry)
    head.seq = entry.seq
    head.hash = entry.hash
    session.flush()


def add_rows(session: Session, rows: Sequence[dict[str, Any]], head: AuditChainHead) -> None:
    """Store the chained entry ``rows`` in one executemany and move the locked head to the last."""
    session.execute(sa.insert(AuditEntry), list(rows))
    head.seq = rows[-1]["seq"]
    head.hash = rows[-1]["hash"]
    session.flush()


def entries(session: Session) -> Iterator[AuditEntry]:
    """Yield every entry in chain order, reading in batches."""
    query = sa.select(AuditEntry).order_by(AuditEntry.seq)
    query = query.execution_options(yield_per=READ_BATCH, populate_existing=True)
    yield from session.scalars(query)
