"""Fixtures of the storage tests: the database fixtures, on SQLite and PostgreSQL."""

from fixtures.database import (  # noqa: F401 - fixtures registered for these tests
    backend,
    database_url,
    empty_database,
    engine,
    fresh_engine,
    session,
)
