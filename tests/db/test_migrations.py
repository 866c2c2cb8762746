"""The Alembic migrations build exactly the models' schema, and can be undone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import autobill.models  # noqa: F401 - registers every table on the metadata
from autobill.db.base import Base
from fixtures.database import migrate

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def test_models_match_the_migrations(session: Session) -> None:
    """Autogenerate finds nothing to change between the migrated database and the models."""
    # given
    connection = session.connection()
    # when
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diff = compare_metadata(context, Base.metadata)
    # then
    assert diff == []


def test_downgrade_to_base_removes_every_table(fresh_engine: sa.Engine) -> None:
    """Downgrading to base drops every table, and upgrading again restores them."""
    # given
    tables = set(Base.metadata.tables)
    # when
    migrate(fresh_engine, "base", down=True)
    after_downgrade = set(sa.inspect(fresh_engine).get_table_names())
    migrate(fresh_engine)
    after_upgrade = set(sa.inspect(fresh_engine).get_table_names())
    # then
    assert after_downgrade == {"alembic_version"}
    assert after_upgrade == tables | {"alembic_version"}
