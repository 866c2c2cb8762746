"""``autobill worker``: the Temporal worker on the configured Temporal, database and Intacct."""

from __future__ import annotations

import asyncio
import contextlib

from rich.console import Console

from autobill.config import load_settings
from autobill.logs import configure_logging
from autobill.workflows.wiring import serve


def worker() -> None:
    """Run the worker (both workflows, every activity) until Ctrl-C."""
    settings = load_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    temporal = settings.temporal
    Console(stderr=True).print(
        f"autobill worker: task queue {temporal.task_queue!r} on {temporal.address} "
        f"({temporal.namespace}); Ctrl-C stops it",
        markup=False,
        highlight=False,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings))

