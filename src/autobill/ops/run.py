"""``autobill run`` starts a billing run on demand; ``autobill schedule`` sets up the daily one."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated
from uuid import uuid4

import typer
from rich.console import Console
from temporalio.exceptions import WorkflowAlreadyStartedError

from autobill.config import Settings, load_settings
from autobill.ops.common import (
    USAGE_ERROR,
    company_of,
    fail,
    parse_day,
    review_policy,
    temporal,
)
from autobill.workflows.inputs import BillingRunInput
from autobill.workflows.schedule import DEFAULT_HOUR, ensure_billing_schedule
from autobill.workflows.starters import billing_run_id, start_billing_run

if TYPE_CHECKING:
    from datetime import date

MAX_HOUR = 23


def run_input(settings: Settings, run_on: date | None, *, timezone: str = "UTC") -> BillingRunInput:
    """The billing run of the configured company and entity on ``run_on`` (None: each day)."""
    return BillingRunInput(
        company_id=company_of(settings),
        entity_id=settings.intacct.entity_id,
        run_on=run_on,
        timezone=timezone,
        trace_id=uuid4().hex,
        policy=review_policy(settings),
    )


def run(
    run_on: Annotated[str, typer.Option("--date", help="The day to bill (YYYY-MM-DD).")],
) -> None:
    """Start the billing run of the configured company for a date; once per date."""
    settings = load_settings()
    given = run_input(settings, parse_day(run_on))

    async def main() -> str:
        client = await temporal(settings, "run")
        try:
            handle = await start_billing_run(
                client, given, task_queue=settings.temporal.task_queue, once_a_day=True
            )
        except WorkflowAlreadyStartedError:
            fail("run", f"{billing_run_id(given)} already ran or is running", USAGE_ERROR)
        return handle.id

    started = asyncio.run(main())
    Console().print(f"started billing run {started}", markup=False, highlight=False)


def schedule(
    hour: Annotated[
        int, typer.Option("--hour", min=0, max=MAX_HOUR, help="Hour of the day it runs.")
    ] = DEFAULT_HOUR,
    timezone: Annotated[
        str, typer.Option("--timezone", help="The entity's timezone (IANA name).")
    ] = "UTC",
) -> None:
    """Create or update the daily billing run schedule of the configured company."""
    settings = load_settings()
    given = run_input(settings, None, timezone=timezone)

    async def main() -> str:
        client = await temporal(settings, "schedule")
        return await ensure_billing_schedule(
            client, given, hour=hour, task_queue=settings.temporal.task_queue
        )

    ident = asyncio.run(main())
    Console().print(
        f"schedule {ident}: daily at {hour:02d}:00 {timezone}", markup=False, highlight=False
    )
