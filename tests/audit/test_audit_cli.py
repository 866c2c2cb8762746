"""``autobill audit verify`` exits 0 on an intact chain, 1 on a broken one, 3 if unreadable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from typer.testing import CliRunner

from autobill.audit.cli import audit_app
from autobill.db.session import session_factory, unit_of_work
from fixtures.audit import append_entries, tamper

if TYPE_CHECKING:
    import pytest
    import sqlalchemy as sa
    from click.testing import Result


def run_verify(monkeypatch: pytest.MonkeyPatch, url: sa.URL) -> Result:
    """Run ``verify`` against the database at ``url``, configured through the environment."""
    monkeypatch.setenv("AUTOBILL_DATABASE_URL", url.render_as_string(hide_password=False))
    monkeypatch.delenv("AUTOBILL_CONFIG", raising=False)
    return CliRunner().invoke(audit_app, ["verify"])


def test_verify_exits_0_on_an_intact_chain(
    fresh_engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An untouched chain verifies with exit code 0."""
    # given
    with unit_of_work(session_factory(fresh_engine)) as session:
        append_entries(session, 3)
    # when
    result = run_verify(monkeypatch, fresh_engine.url)
    # then
    assert (result.exit_code, result.output.strip()) == (0, "audit chain intact")


def test_verify_exits_1_and_lists_the_breaks(
    fresh_engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tampered chain fails with exit code 1 and names the broken entry."""
    # given
    with unit_of_work(session_factory(fresh_engine)) as session:
        append_entries(session, 3)
        tamper(session, 2, subject="draft:99")
    # when
    result = run_verify(monkeypatch, fresh_engine.url)
    # then
    assert result.exit_code == 1
    assert "entry 2: hash_mismatch" in result.output
    assert "broken in 1 place(s)" in result.output


def test_verify_exits_3_when_the_log_cannot_be_read(
    empty_database: sa.URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database without the audit tables is reported with exit code 3."""
    # when
    result = run_verify(monkeypatch, empty_database)
    # then
    assert result.exit_code == 3
    assert "cannot read the audit log" in result.output
