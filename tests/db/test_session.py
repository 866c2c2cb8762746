"""Engines and the unit of work: SQLite is configured, and a block is one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from autobill.db.session import create_engine, session_factory, unit_of_work
from autobill.invoice.mapping import line_values
from autobill.models import Draft, DraftLine
from fixtures.drafts import add_draft, invoice

if TYPE_CHECKING:
    from pathlib import Path


class Boom(Exception):
    """An error raised inside a unit of work."""


def count_drafts(engine: sa.Engine) -> int:
    """Return how many drafts are committed."""
    with engine.connect() as connection:
        return connection.scalar(sa.select(sa.func.count()).select_from(Draft)) or 0


def test_sqlite_engine_enforces_foreign_keys_and_uses_wal(tmp_path: Path) -> None:
    """A SQLite engine turns on foreign keys and WAL, creating the data directory if needed."""
    # given
    engine = create_engine(f"sqlite:///{(tmp_path / 'data' / 'autobill.db').as_posix()}")
    # when
    with engine.connect() as connection:
        pragmas = [
            connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("foreign_keys", "journal_mode")
        ]
    engine.dispose()
    # then
    assert pragmas == [1, "wal"]


def test_unit_of_work_commits_once_at_the_end(fresh_engine: sa.Engine) -> None:
    """What a unit of work flushed is committed when the block ends."""
    # given
    factory = session_factory(fresh_engine)
    # when
    with unit_of_work(factory) as session:
        add_draft(session)
    # then
    assert count_drafts(fresh_engine) == 1


def test_unit_of_work_rolls_back_when_the_block_raises(fresh_engine: sa.Engine) -> None:
    """An exception inside a unit of work leaves nothing behind and propagates."""
    # given
    factory = session_factory(fresh_engine)

    def fail_after_adding_a_draft() -> None:
        with unit_of_work(factory) as session:
            add_draft(session)
            raise Boom

    # when
    with pytest.raises(Boom):
        fail_after_adding_a_draft()
    # then
    assert count_drafts(fresh_engine) == 0


def test_foreign_keys_are_enforced(fresh_engine: sa.Engine) -> None:
    """A line pointing at a missing draft is refused on every backend."""
    # given
    factory = session_factory(fresh_engine)
    orphan = DraftLine(draft_id=999, **line_values(invoice(), 0))
    # when / then
    with pytest.raises(IntegrityError), unit_of_work(factory) as session:
        session.add(orphan)
