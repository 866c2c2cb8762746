"""Settings come from defaults, a TOML file and ``AUTOBILL_*`` variables, in that order."""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from autobill.config import ConfigFileMissing, load_settings

TOML = """
data_dir = "var/autobill"

[intacct]
sender_id = "acme"
sender_password = "s3cret"

[review]
auto_approve_below = "250.005"
"""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run each test in an empty directory, without any AUTOBILL_* variable set."""
    for name in [n for n in os.environ if n.startswith("AUTOBILL_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_put_a_sqlite_database_under_the_data_directory() -> None:
    """Without configuration the database is a SQLite file in ./data, and the sandbox is used."""
    # when
    settings = load_settings()
    # then
    assert settings.data_dir == Path("data")
    assert settings.database_url == "sqlite:///data/autobill.db"
    assert settings.webhook.replay_window_seconds == 300
    assert not settings.intacct.configured


def test_autobill_toml_in_the_working_directory_is_read() -> None:
    """An ``autobill.toml`` in the working directory configures groups and exact decimals."""
    # given
    Path("autobill.toml").write_text(TOML, encoding="utf-8")
    # when
    settings = load_settings()
    # then
    assert settings.database_url == "sqlite:///var/autobill/autobill.db"
    assert settings.intacct.sender_id == "acme"
    assert settings.review.auto_approve_below == Decimal("250.005")


def test_environment_beats_the_file_named_by_autobill_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Variables override the TOML file named by AUTOBILL_CONFIG, nested groups with ``__``."""
    # given
    (tmp_path / "other.toml").write_text(TOML, encoding="utf-8")
    monkeypatch.setenv("AUTOBILL_CONFIG", str(tmp_path / "other.toml"))
    monkeypatch.setenv("AUTOBILL_DATABASE_URL", "postgresql+psycopg://db/autobill")
    monkeypatch.setenv("AUTOBILL_INTACCT__SENDER_ID", "from-env")
    # when
    settings = load_settings()
    # then
    assert settings.database_url == "postgresql+psycopg://db/autobill"
    assert settings.intacct.sender_id == "from-env"


def test_secrets_are_masked() -> None:
    """Passwords and the webhook secret never show in a settings' text."""
    # given
    Path("autobill.toml").write_text(TOML + '\n[webhook]\nsecret = "hmac-key"\n', "utf-8")
    # when
    settings = load_settings()
    # then
    assert "s3cret" not in repr(settings)
    assert "hmac-key" not in repr(settings)
    assert settings.webhook.secret is not None
    assert settings.webhook.secret.get_secret_value() == "hmac-key"


def test_a_missing_config_file_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """AUTOBILL_CONFIG naming a file that does not exist fails instead of being ignored."""
    # given
    monkeypatch.setenv("AUTOBILL_CONFIG", "nowhere.toml")
    # when / then
    with pytest.raises(ConfigFileMissing):
        load_settings()


def test_an_unknown_setting_in_the_file_is_an_error() -> None:
    """A misspelt setting in the TOML file is refused rather than silently ignored."""
    # given
    Path("autobill.toml").write_text('databse_url = "sqlite://"\n', encoding="utf-8")
    # when / then
    with pytest.raises(ValidationError, match="databse_url"):
        load_settings()


def test_a_float_amount_is_refused() -> None:
    """A bare TOML number with decimals is a float, and money is never a float."""
    # given
    Path("autobill.toml").write_text("[review]\nauto_approve_below = 500.10\n", encoding="utf-8")
    # when / then
    with pytest.raises(ValidationError, match="is a float"):
        load_settings()


def test_operator_settings_come_from_the_file_and_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The review wait, the ports and Intacct's webhook secret are read and the secret masked."""
    # given
    file = '\n[webhook]\nintacct_secret = "intacct-key"\n\n[web]\nport = 9000\n'
    Path("autobill.toml").write_text(file, "utf-8")
    monkeypatch.setenv("AUTOBILL_REVIEW__ESCALATE_AFTER", "PT4H")
    monkeypatch.setenv("AUTOBILL_SANDBOX__PORT", "9100")
    # when
    settings = load_settings()
    # then
    assert settings.review.escalate_after == timedelta(hours=4)
    assert (settings.web.host, settings.web.port, settings.sandbox.port) == (
        "127.0.0.1",
        9000,
        9100,
    )
    assert settings.triggers.dispatch_interval_seconds == 1.0
    assert "intacct-key" not in repr(settings)
