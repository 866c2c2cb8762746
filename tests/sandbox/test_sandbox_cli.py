"""The sandbox command line: load a dataset into a file store, then print its stats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from typer.testing import CliRunner

from autobill.sandbox.cli import sandbox_app
from autobill.sandbox.store import Store
from fixtures.sandbox_server import MINIMAL

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_load_then_stats(tmp_path: Path) -> None:
    """Load fills an empty file store; stats prints the record counts."""
    # given
    db = str(tmp_path / "sandbox.db")
    runner = CliRunner()
    # when
    loaded = runner.invoke(sandbox_app, ["load", str(MINIMAL), "--db", db])
    shown = runner.invoke(sandbox_app, ["stats", "--db", db])
    # then
    assert loaded.exit_code == 0, loaded.output
    assert "CUSTOMER" in shown.output
    assert Store(db).find("CUSTOMER", "C-1") is not None


def test_load_refuses_a_second_dataset(tmp_path: Path) -> None:
    """Loading into a store that already holds records fails and changes nothing."""
    # given
    db = str(tmp_path / "sandbox.db")
    runner = CliRunner()
    runner.invoke(sandbox_app, ["load", str(MINIMAL), "--db", db])
    before = Store(db).counts()
    # when
    again = runner.invoke(sandbox_app, ["load", str(MINIMAL), "--db", db])
    # then
    assert again.exit_code == 2
    assert Store(db).counts() == before


def test_load_of_a_bad_dataset_stores_nothing(tmp_path: Path) -> None:
    """A dataset with problems is refused whole."""
    # given
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: autobill-dataset/1\nCOMPANY: {COMPANYID: X}\n")
    db = str(tmp_path / "sandbox.db")
    # when
    result = CliRunner().invoke(sandbox_app, ["load", str(bad), "--db", db])
    # then
    assert result.exit_code == 2
    assert Store(db).is_empty()


def test_load_demo_loads_the_demo_company(tmp_path: Path) -> None:
    """``load demo`` loads examples/demo-company.yaml from the repository."""
    # given
    db = str(tmp_path / "sandbox.db")
    # when
    result = CliRunner().invoke(sandbox_app, ["load", "demo", "--db", db])
    # then
    assert result.exit_code == 0, result.output
    assert Store(db).counts()["CUSTOMER"] >= 1


def test_serve_seeds_then_runs_uvicorn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve --seed FILE seeds an empty store and hands the app to uvicorn on the given port."""
    # given
    served: dict[str, object] = {}

    def fake_run(app: object, **options: object) -> None:
        served.update(options, app=app)

    monkeypatch.setattr("autobill.sandbox.cli.uvicorn.run", fake_run)
    db = str(tmp_path / "serve.db")
    # when
    result = CliRunner().invoke(sandbox_app, [
        "serve", "--port", "9999", "--db", db, "--seed", str(MINIMAL), "--latency", "0.1",
        "--close-date", "2025-12-31"], env={"AUTOBILL_SANDBOX_USER_PASSWORD": "secret"})
    # then
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 9999)
    config = served["app"].state.config  # type: ignore[attr-defined]
    assert (config.latency_seconds, str(config.close_date)) == (0.1, "2025-12-31")
    assert config.user_password == "secret"  # noqa: S105 - the value the test set
    assert "secret" not in result.output
    assert Store(db).find("CUSTOMER", "C-1") is not None
