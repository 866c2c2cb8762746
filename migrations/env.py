# ruff: noqa: INP001 - Alembic loads migrations by path; they are scripts, not a package
"""Alembic environment: migrates the database named by autobill's settings.

A caller may pass an open connection in ``config.attributes["connection"]`` (tests do); the
URL otherwise comes from :func:`autobill.config.load_settings`.
"""

from __future__ import annotations

from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context

import autobill.models  # noqa: F401 - registers every table on the metadata
from autobill.config import load_settings
from autobill.db.base import Base
from autobill.db.session import create_engine

TARGET_METADATA = Base.metadata


def run_with(connection: sa.Connection) -> None:
    """Run the migrations on ``connection`` in one transaction."""
    context.configure(
        connection=connection,
        target_metadata=TARGET_METADATA,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Write the SQL for the settings' database to stdout instead of running it."""
    context.configure(
        url=load_settings().database_url,
        target_metadata=TARGET_METADATA,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on the given connection, or on the settings' database."""
    given = context.config.attributes.get("connection")
    if isinstance(given, sa.Connection):
        run_with(given)
        return
    engine = create_engine(load_settings().database_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            run_with(connection)
            connection.commit()
    finally:
        engine.dispose()


if "connection" not in context.config.attributes and context.config.config_file_name:
    fileConfig(context.config.config_file_name)  # the alembic command line: log progress
if context.is_offline_mode():
    run_offline()
else:
    run_online()
