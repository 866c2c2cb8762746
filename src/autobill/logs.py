"""Logging: structlog and the standard library's logging to one stderr stream, JSON by default.

:func:`configure_logging` routes both through one handler: structlog loggers and stdlib
loggers (uvicorn, Temporal, our modules) get the same processors, so every line carries the
context bound with ``structlog.contextvars.bind_contextvars`` (the ``trace_id``), and values
under keys that name a secret are redacted. (Named ``logs`` so it never shadows ``logging``.)
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TYPE_CHECKING, Any, Final, TextIO

import structlog

if TYPE_CHECKING:
    from collections.abc import MutableMapping

    from structlog.typing import EventDict, Processor, WrappedLogger

REDACTED: Final = "[REDACTED]"
SECRET_KEY: Final = re.compile(
    r"password|passwd|secret|token|sessionid|authorization", re.IGNORECASE
)


class _AutobillHandler(logging.StreamHandler[TextIO]):
    """The stderr handler :func:`configure_logging` installs (and replaces when called again)."""

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record to the current ``sys.stderr`` (which tests and tools may swap)."""
        self.stream = sys.stderr  # emit runs under the handler's lock
        super().emit(record)


def _drop_formatted_message(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """Drop the ``message`` a stdlib record carries once formatted: ``event`` has the text."""
    event.pop("message", None)
    return event


def redact_secrets(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """Replace the values of keys that name a secret, at any depth, with ``[REDACTED]``."""
    _redact(event)
    return event


def _redact(mapping: MutableMapping[str, Any]) -> None:
    """Redact ``mapping`` in place; nested dicts are copied first, so callers' data stays."""
    for key, value in mapping.items():
        if isinstance(key, str) and SECRET_KEY.search(key):
            mapping[key] = REDACTED
        elif isinstance(value, dict):
            nested = dict(value)
            _redact(nested)
            mapping[key] = nested


def _level(level: str) -> int:
    """The numeric level of a level name such as ``INFO`` or ``debug``."""
    levels = logging.getLevelNamesMapping()
    name = level.strip().upper()
    if name not in levels:
        msg = f"unknown log level {level!r}: one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
        raise ValueError(msg)
    return levels[name]


def configure_logging(*, level: str, json: bool) -> None:
    """Send structlog's and stdlib's records at ``level`` and above to stderr, JSON or console."""
    threshold = _level(level)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            structlog.stdlib.PositionalArgumentsFormatter(),
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    renderer: list[Processor] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if json
        else [structlog.dev.ConsoleRenderer(colors=False)]
    )
    handler = _AutobillHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.ExtraAdder(), _drop_formatted_message, *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _AutobillHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(threshold)
