"""Fixtures of the web tests: the database fixtures (SQLite and PostgreSQL) and the sandbox."""

from fixtures.database import (  # noqa: F401 - fixtures registered for these tests
    backend,
    database_url,
    empty_database,
    engine,
    fresh_engine,
)
