"""Insert unless present, on SQLite and PostgreSQL: the database's uniqueness decides."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sqlalchemy.orm import Session

    from autobill.db.base import Base


def insert_ignoring_conflict(
    session: Session,
    model: type[Base],
    values: Mapping[str, Any],
    *,
    conflict_columns: Sequence[str],
) -> int | None:
    """Insert a row unless one with the same ``conflict_columns`` exists.

    Returns the new row's primary key, or None when the row already existed (nothing written).
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    primary_key = sa.inspect(model).primary_key[0]
    statement = (
        insert(model)
        .values(dict(values))
        .on_conflict_do_nothing(index_elements=list(conflict_columns))
        .returning(primary_key)
    )
    new_key: int | None = session.execute(statement).scalar_one_or_none()
    return new_key
