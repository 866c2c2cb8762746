"""The demo's waits and read-backs: events settled, the daily runs replayed, what was billed.

Everything here goes through the product's own surfaces: the inbox and drafts services,
Temporal's visibility and queries, and Intacct's API.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING, Final

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from temporalio.service import RPCError

from autobill.billing.reader import IntacctReader, Query
from autobill.db.session import create_engine, session_factory
from autobill.demo.month import MONTH_END, MONTH_START
from autobill.inbox import service as inbox
from autobill.intacct.mapping import CompanySettings
from autobill.invoice import service as invoices
from autobill.ops.common import company_of
from autobill.ops.demo_report import Observed, summarize
from autobill.ops.run import run_input
from autobill.workflows.inputs import InvoiceState
from autobill.workflows.invoice import InvoiceWorkflow
from autobill.workflows.starters import start_billing_run

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console
    from temporalio.client import Client

    from autobill.config import Settings
    from autobill.core.billing import Invoice
    from autobill.intacct import IntacctClient
    from autobill.ops.demo_report import MonthSummary, Transactions
    from autobill.workflows.inputs import BillingRunProgress

# Workflow states on their way to drafting or posting; any other state waits for people or
# for its invoice date, or is over.
BUSY: Final = frozenset({InvoiceState.STARTED, InvoiceState.DRAFTED, InvoiceState.APPROVED})
RUNNING: Final = "WorkflowType = 'InvoiceWorkflow' AND ExecutionStatus = 'Running'"
SETTLE_SECONDS: Final = 300.0
QUIET_ROUNDS: Final = 4
POLL_SECONDS: Final = 0.25


class MonthStuck(RuntimeError):
    """The events' invoices did not settle in time."""


async def settle(settings: Settings, temporal: Client, *, out: Console) -> None:
    """Wait until every event is started and every invoice workflow drafted its invoice.

    Quiet for a few rounds in a row: the sandbox delivers its events a moment after a write.

    Raises:
        MonthStuck: when that takes longer than ``SETTLE_SECONDS``.
    """
    engine = create_engine(settings.database_url)
    factory = session_factory(engine)
    deadline, quiet = time.monotonic() + SETTLE_SECONDS, 0
    try:
        with out.status("the events' invoices are being drafted..."):
            while quiet < QUIET_ROUNDS:
                if time.monotonic() > deadline:
                    msg = f"events still in flight after {SETTLE_SECONDS:.0f} s"
                    raise MonthStuck(msg)
                with factory() as session:
                    pending = inbox.count_pending(session)
                quiet = quiet + 1 if pending == 0 and not await _busy(temporal) else 0
                await asyncio.sleep(POLL_SECONDS)
    finally:
        engine.dispose()


async def _busy(temporal: Client) -> bool:
    """Whether an invoice workflow is still on its way to a draft or a posting."""
    async for execution in temporal.list_workflows(RUNNING):
        handle = temporal.get_workflow_handle_for(InvoiceWorkflow.run, execution.id)
        try:
            status = await handle.query(InvoiceWorkflow.status)
        except RPCError:
            return True  # not yet queryable: its first task has not run
        if status.state in BUSY:
            return True
    return False


async def play_runs(
    settings: Settings, temporal: Client, *, out: Console
) -> list[BillingRunProgress]:
    """Replay the daily billing run for each day of the month, one after another."""
    days = [MONTH_START + timedelta(days=n) for n in range((MONTH_END - MONTH_START).days + 1)]
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    finished = []
    with Progress(*columns, TimeElapsedColumn(), console=out) as progress:
        bar = progress.add_task("daily billing runs", total=len(days))
        for day in days:
            given = run_input(settings, day)
            queue = settings.temporal.task_queue
            handle = await start_billing_run(temporal, given, task_queue=queue, once_a_day=True)
            done = await handle.result()
            finished.append(done)
            label = f"billing run {day:%d %b}: {done.due} due, {done.drafted} drafted"
            progress.update(bar, advance=1, description=label)
    return finished


async def observe(
    settings: Settings,
    intacct: IntacctClient,
    *,
    expected: Sequence[Invoice],
    transactions: Transactions,
) -> MonthSummary:
    """Read back what the month left in Intacct and in our database, and compare."""
    company = company_of(settings)
    key_field = CompanySettings(company=company).key_field
    found = await IntacctReader(intacct, entity=settings.intacct.entity_id).read(
        [Query("SODOCUMENT")]
    )
    per_key = Counter(str(d[key_field]) for d in found["SODOCUMENT"] if d.get(key_field))
    engine = create_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            drafts = [
                d for d in invoices.list_drafts(session, limit=1_000_000) if d.company_id == company
            ]
            traces = [d.trace_id for d in drafts if d.trace_id]
            seen = Observed(
                drafts=drafts,
                parked=frozenset(invoices.parked_keys(session, company_id=company)),
                documents_per_key=per_key,
                received=inbox.received_by_trace(session, traces),
                transactions=transactions,
            )
            return summarize(expected, seen)
    finally:
        engine.dispose()
