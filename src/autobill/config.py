"""Settings: the one place autobill reads its environment and its TOML file.

Values come, highest priority first, from keyword arguments, ``AUTOBILL_*`` environment
variables (nested groups with a double underscore: ``AUTOBILL_INTACCT__ENDPOINT``) and a TOML
file: the one named by ``AUTOBILL_CONFIG``, else ``autobill.toml`` in the working directory.
"""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Final

from pydantic import BaseModel, BeforeValidator, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_ENV: Final = "AUTOBILL_CONFIG"
DEFAULT_CONFIG_FILE: Final = Path("autobill.toml")
DATABASE_FILE: Final = "autobill.db"


class ConfigFileMissing(FileNotFoundError):
    """``AUTOBILL_CONFIG`` names a file that does not exist."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{CONFIG_ENV} names {path}, which does not exist")


class IntacctSettings(BaseModel):
    """Sage Intacct Web Services: endpoint, sender and user; no credentials means the sandbox."""

    endpoint: str = "https://api.intacct.com/ia/xml/xmlgw.phtml"
    sender_id: str | None = None
    sender_password: SecretStr | None = None
    user_id: str | None = None
    company_id: str | None = None
    user_password: SecretStr | None = None
    entity_id: str | None = None

    @property
    def configured(self) -> bool:
        """Whether real credentials are set (otherwise the sandbox stands in)."""
        needed = (self.sender_id, self.sender_password, self.user_id, self.company_id)
        return all(value is not None for value in (*needed, self.user_password))


class TemporalSettings(BaseModel):
    """Where the Temporal frontend is and which namespace and task queue autobill uses."""

    address: str = "127.0.0.1:7233"
    namespace: str = "default"
    task_queue: str = "autobill"


class WebhookSettings(BaseModel):
    """Inbound webhook signing: the shared HMAC secrets and the accepted clock skew."""

    secret: SecretStr | None = None
    intacct_secret: SecretStr | None = None
    replay_window_seconds: int = 300


class TriggerSettings(BaseModel):
    """How events arrive and move on: the dispatcher's idle round and the optional change poller."""

    dispatch_interval_seconds: float = 1.0
    poll_enabled: bool = False
    poll_interval_seconds: float = 60.0


class WebSettings(BaseModel):
    """Where ``autobill serve`` and ``autobill up`` serve the web app."""

    host: str = "127.0.0.1"
    port: int = 8000


class SandboxSettings(BaseModel):
    """The local Intacct sandbox ``autobill up`` serves when no credentials are configured."""

    port: int = 8765


def _no_float(value: object) -> object:
    if isinstance(value, float):
        msg = f'{value!r} is a float: write money as a string, e.g. "500.00"'
        raise ValueError(msg)  # noqa: TRY004 - pydantic reports ValueError as a validation error
    return value


ExactDecimal = Annotated[Decimal, BeforeValidator(_no_float)]
"""A Decimal setting that refuses floats (a bare TOML ``500.10`` is one)."""


class ReviewSettings(BaseModel):
    """The review policy: the auto-approval limit, and how long a review waits to escalate."""

    auto_approve_below: ExactDecimal = Decimal(1000)
    escalate_after: timedelta = timedelta(days=2)


class Settings(BaseSettings):
    """All of autobill's settings, typed; build one with :func:`load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="AUTOBILL_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    data_dir: Path = Path("data")
    database_url: str = ""
    log_level: str = "INFO"
    log_json: bool = True
    intacct: IntacctSettings = IntacctSettings()
    temporal: TemporalSettings = TemporalSettings()
    webhook: WebhookSettings = WebhookSettings()
    review: ReviewSettings = ReviewSettings()
    triggers: TriggerSettings = TriggerSettings()
    web: WebSettings = WebSettings()
    sandbox: SandboxSettings = SandboxSettings()

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / DATABASE_FILE).as_posix()}"
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - no .env files: env or TOML
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - as above
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Read keyword arguments, then the environment, then the TOML file."""
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file())
        return (init_settings, env_settings, toml)


def config_file() -> Path | None:
    """Return the TOML file to read: ``AUTOBILL_CONFIG``, else ``./autobill.toml`` if present."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigFileMissing(path)
        return path
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


def load_settings() -> Settings:
    """Read the settings from the environment and the TOML file."""
    return Settings()
