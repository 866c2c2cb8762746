"""``autobill demo``: everything of ``autobill up``, then a month of billing, end to end.

The sandbox starts from the demo company on 1 November 2026 (``autobill.demo.month``). The
month is played through the real paths: Intacct writes whose events reach the webhooks, and
other tools' signed webhooks. Once the events' invoices are drafted, the daily billing run
is replayed for each day of the month. The summary compares what Intacct holds with
``autobill preview`` of the company as the month left it; the command exits 0 only when the
month went through (see ``autobill.ops.demo_report``).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import tempfile
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final
from uuid import uuid4

import httpx
import typer
from pydantic import SecretStr
from rich.console import Console

from autobill.config import IntacctSettings, Settings, WebhookSettings, load_settings
from autobill.core.billing import preview
from autobill.dataset import DatasetError
from autobill.demo.month import MONTH_END, MONTH_START, Month, load_month
from autobill.logs import configure_logging
from autobill.ops.common import FAILURE, USAGE_ERROR, company_of, fail
from autobill.ops.demo_month import MonthPlayer, StepFailed
from autobill.ops.demo_report import MonthSummary, Transactions, summary_table
from autobill.ops.demo_waits import MonthStuck, observe, play_runs, settle
from autobill.ops.up import XML_PATH, UpFailed, bring_up, urls_table
from autobill.workflows.devserver import DevServerError
from autobill.workflows.wiring import connect, intacct_client

if TYPE_CHECKING:
    from autobill.ops.up import Urls

DATABASE_FILE: Final = "autobill.db"


def demo_settings(base: Settings, folder: Path) -> Settings:
    """The demo's settings: the operator's, in a fresh data folder, with its own secrets."""
    return base.model_copy(
        update={
            "data_dir": folder,
            "database_url": f"sqlite:///{(folder / DATABASE_FILE).as_posix()}",
            "webhook": WebhookSettings(secret=SecretStr(uuid4().hex)),
            "log_level": "WARNING",
        }
    )


async def run_demo(
    settings: Settings, month: Month, *, out: Console, keep_running: bool
) -> MonthSummary:
    """Bring everything up, play the month, run the days, and summarize; then stop."""
    async with AsyncExitStack() as stack:
        urls = await bring_up(stack, settings, web_port=0, sandbox_port=0, dataset=month.start)
        out.print(urls_table(urls))
        summary = await _month(stack, settings, urls, month, out)
        out.print(summary_table(summary, runs=(MONTH_END - MONTH_START).days + 1))
        out.print(verdict(summary), markup=False, highlight=False)
        if keep_running:
            await _until_stopped(out)
        return summary


async def _month(
    stack: AsyncExitStack, settings: Settings, urls: Urls, month: Month, out: Console
) -> MonthSummary:
    """Play the month's steps, wait for their invoices, replay the daily runs, read back."""
    endpoint = f"{urls.sandbox}{XML_PATH}"
    here = settings.model_copy(
        update={
            "intacct": IntacctSettings(endpoint=endpoint, entity_id=settings.intacct.entity_id),
            "temporal": settings.temporal.model_copy(update={"address": urls.temporal}),
        }
    )
    user = intacct_client(here)  # the demo's people, not autobill: their usage is theirs
    stack.push_async_callback(user.aclose)
    http = await stack.enter_async_context(httpx.AsyncClient(timeout=30))
    temporal = await connect(here)
    meter_before = await _meter(http, urls.sandbox)
    player = MonthPlayer(
        intacct=user,
        http=http,
        web_url=urls.web,
        secret=_secret(here),
        company_id=company_of(here),
    )
    for step in month.steps:
        out.print(f"{step.day:%d %b %Y}  {step.title}", markup=False, highlight=False)
        await player.play(step)
    await settle(here, temporal, out=out)
    after_events = await _meter(http, urls.sandbox) - user.usage().transactions
    await play_runs(here, temporal, out=out)
    after_runs = await _meter(http, urls.sandbox) - user.usage().transactions
    expected = preview(month.end, as_of=MONTH_END, start=MONTH_START).invoices
    used = Transactions(events=after_events - meter_before, runs=after_runs - after_events)
    return await observe(here, user, expected=expected, transactions=used)


async def _meter(http: httpx.AsyncClient, sandbox_url: str | None) -> int:
    """The sandbox's count of API transactions so far (every company, every day)."""
    answer = await http.get(f"{sandbox_url}/_sandbox/meter")
    answer.raise_for_status()
    return sum(int(row["transactions"]) for row in answer.json()["meter"])


def _secret(settings: Settings) -> str:
    secret = settings.webhook.secret
    return "" if secret is None else secret.get_secret_value()


async def _until_stopped(out: Console) -> None:
    """Keep everything up until Ctrl-C or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    out.print("Still up for the dashboard and the API; Ctrl-C stops everything.", markup=False)
    out.file.flush()
    await stop.wait()


def demo(
    *,
    keep_running: Annotated[
        bool, typer.Option("--keep-running", help="Stay up after the summary, until Ctrl-C.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Also print the summary as JSON on the last line.")
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="A new folder to keep (default: a temporary one)."),
    ] = None,
) -> None:
    """Run autobill end to end on the sandbox: a scripted month of events and billing runs."""
    base = load_settings()
    if base.intacct.configured:
        fail(
            "demo",
            "the demo writes a scripted month into the sandbox: unset the Intacct credentials",
        )
    if data_dir is not None and data_dir.exists() and any(data_dir.iterdir()):
        fail("demo", f"{data_dir} is not empty: the demo starts from a new folder", USAGE_ERROR)
    folder = data_dir or Path(tempfile.mkdtemp(prefix="autobill-demo-"))
    settings = demo_settings(base, folder)
    configure_logging(level=settings.log_level, json=settings.log_json)
    out = Console()
    try:
        month = load_month()
        summary = asyncio.run(run_demo(settings, month, out=out, keep_running=keep_running))
    except (UpFailed, DevServerError, StepFailed, MonthStuck, DatasetError) as error:
        fail("demo", str(error), FAILURE)
    finally:
        if data_dir is None:  # a temporary folder goes with the run; --data-dir keeps one
            shutil.rmtree(folder, ignore_errors=True)
    _finish(summary, out=out, as_json=as_json)


def verdict(summary: MonthSummary) -> str:
    """One sentence: whether the month went through, and what differs when it did not."""
    if summary.went_through:
        return "The month went through: every invoice drafted once, as preview computes it."
    return (
        f"The month did not go through: missing {list(summary.missing)}, different "
        f"{list(summary.mismatched)}, {summary.duplicates_in_intacct} duplicates in Intacct."
    )


def _finish(summary: MonthSummary, *, out: Console, as_json: bool) -> None:
    """Print the JSON last when asked; exit 1 when the month did not go through."""
    if as_json:
        out.file.flush()
        typer.echo(json.dumps(summary.as_json()))
    if not summary.went_through:
        raise typer.Exit(FAILURE)
