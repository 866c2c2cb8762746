"""Engines, session factories and the unit of work: one request or activity, one transaction.

On SQLite every connection gets ``foreign_keys=ON``, WAL and a busy timeout, and every
transaction starts with ``BEGIN IMMEDIATE``: SQLite has one writer at a time, and taking the
write lock up front makes concurrent writers wait their turn instead of failing mid-way when a
read snapshot goes stale (it also makes SAVEPOINTs behave, which pysqlite's own transaction
handling does not).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from collections.abc import Iterator

SQLITE_BUSY_TIMEOUT_MS: Final = 30_000


def create_engine(url: str | sa.URL, **options: Any) -> sa.Engine:  # noqa: ANN401 - engine options
    """Create an engine for ``url``, configured for SQLite when the URL is a SQLite one."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, **options)
    _ensure_directory(parsed)
    engine = sa.create_engine(parsed, **options)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _ensure_directory(url: sa.URL) -> None:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_connect(dbapi_connection: Any, connection_record: object) -> None:  # noqa: ANN401 - DBAPI
    del connection_record
    # Hand transaction control to SQLAlchemy's "begin" event (pysqlite's is unreliable).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session, commit once when the block ends, roll back if it raises."""
    with factory() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()
