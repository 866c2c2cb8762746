"""Fixtures of the trigger tests: the database fixtures (SQLite and PostgreSQL)."""

from fixtures.database import (  # noqa: F401 - fixtures registered for these tests
    backend,
    database_url,
    empty_database,
    engine,
    fresh_engine,
)
