"""Logging: JSON lines on stderr with the bound trace id, secrets redacted, low levels dropped."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import pytest
import structlog

from autobill.logs import REDACTED, configure_logging

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """Put structlog, the root logger and the bound context back as they were after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
    root.handlers[:] = handlers
    root.setLevel(level)


def json_lines(text: str) -> list[dict[str, Any]]:
    """Each non-empty line of ``text`` read as one JSON object."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# Made-up credentials, logged under keys that name a secret.
CREDENTIALS: dict[str, Any] = {
    "sender_password": "hunter2",
    "webhook_secret": "s3cret",
    "headers": {"Authorization": "Bearer abc", "Accept": "text/xml"},
    "sessionid": "sess-1",
}


def test_a_line_logged_in_a_bound_context_is_json_with_the_trace_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Structlog and stdlib lines inside a bound context are JSON carrying its trace_id."""
    # given
    configure_logging(level="INFO", json=True)
    # when
    with structlog.contextvars.bound_contextvars(trace_id="trace-1"):
        structlog.get_logger("autobill.test").info("drafted", billing_key="project:P-1")
        logging.getLogger("autobill.stdlib").warning("posted %s", "INV-1")
    structlog.get_logger("autobill.test").info("outside")
    # then
    captured = capsys.readouterr()
    lines = json_lines(captured.err)
    assert captured.out == ""
    assert [(line["event"], line.get("trace_id")) for line in lines] == [
        ("drafted", "trace-1"),
        ("posted INV-1", "trace-1"),
        ("outside", None),
    ]
    assert lines[0]["level"] == "info"
    assert lines[0]["billing_key"] == "project:P-1"
    assert lines[1]["logger"] == "autobill.stdlib"


def test_values_under_secret_keys_are_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    """Passwords, secrets, tokens, session ids and authorization headers never reach the log."""
    # given
    configure_logging(level="INFO", json=True)
    # when
    structlog.get_logger().info("login", user="admin", **CREDENTIALS)
    logging.getLogger("autobill.stdlib").info("call", extra={"api_token": "tok-1"})
    # then
    err = capsys.readouterr().err
    first, second = json_lines(err)
    assert first["sender_password"] == first["webhook_secret"] == first["sessionid"] == REDACTED
    assert first["headers"] == {"Authorization": REDACTED, "Accept": "text/xml"}
    assert first["user"] == "admin"
    assert second["api_token"] == REDACTED
    for secret in ("hunter2", "s3cret", "abc", "sess-1", "tok-1"):
        assert secret not in err


def test_lines_below_the_level_are_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    """At WARNING, debug and info lines of structlog and stdlib are not written."""
    # given
    configure_logging(level="warning", json=True)
    # when
    structlog.get_logger().debug("structlog debug")
    structlog.get_logger().info("structlog info")
    logging.getLogger("autobill.stdlib").info("stdlib info")
    structlog.get_logger().warning("structlog warning")
    logging.getLogger("autobill.stdlib").error("stdlib error")
    # then
    events = [line["event"] for line in json_lines(capsys.readouterr().err)]
    assert events == ["structlog warning", "stdlib error"]


def test_console_rendering_when_json_is_off(capsys: pytest.CaptureFixture[str]) -> None:
    """With json off a line is readable text, still with its trace id and redactions."""
    # given
    configure_logging(level="DEBUG", json=False)
    # when
    with structlog.contextvars.bound_contextvars(trace_id="trace-2"):
        structlog.get_logger().debug("polled", **CREDENTIALS)
    # then
    err = capsys.readouterr().err
    assert "polled" in err
    assert "trace_id=trace-2" in err
    assert "hunter2" not in err


def test_configuring_again_replaces_the_handler(capsys: pytest.CaptureFixture[str]) -> None:
    """A second configuration writes each line once, not once per configuration."""
    # given
    configure_logging(level="INFO", json=True)
    configure_logging(level="INFO", json=True)
    # when
    structlog.get_logger().info("once")
    # then
    assert [line["event"] for line in json_lines(capsys.readouterr().err)] == ["once"]


def test_an_unknown_level_is_refused() -> None:
    """A misspelt level is an error naming the accepted ones."""
    # when / then
    with pytest.raises(ValueError, match="unknown log level 'LOUD'"):
        configure_logging(level="LOUD", json=True)
