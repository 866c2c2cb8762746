"""Benchmark: a billing run of 10,000 invoices end to end, against the client drafting them.

Run ``.venv/bin/python bench/billing_run.py [--invoices N]``.

A synthetic company (one contract per invoice, 1-3 fixed-price monthly lines, billed in advance
from ``RUN_ON``) is seeded into the sandbox, served over HTTP in its own process with 100 ms
latency and the base tier's 2 concurrent requests, as in ``bench/intacct_api.py``. The run is a
``BillingRunWorkflow`` on the real Temporal dev server, executed by the real worker over a
SQLite database migrated with Alembic: it reads everything from the sandbox, computes what is
due, drafts in batches, posts the auto-approved invoices and starts reviews for the rest.

The baseline, in the same run, is ``intacct_api.draft_all``: the client alone drafting the same
invoices (computed with the core) into a fresh sandbox seeded with the same company.
``ratio`` = billing-run wall / client wall. The review policy auto-approves invoices without
findings below 1,000.00; every hundredth contract bills 1,500.00, so 1% goes to review.

Prints a human summary, then the figures as one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import socket
import tempfile
import time
from datetime import UTC, date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import httpx
import sqlalchemy as sa
import structlog
import uvicorn
from intacct_api import CUSTOM_FIELDS, ITEMS, LOGIN, SENDER, SETTINGS, customer_id, draft_all

from autobill.config import IntacctSettings, Settings, TemporalSettings
from autobill.core.billing import Invoice, preview
from autobill.dataset import parse_dataset
from autobill.intacct import ClientOptions, IntacctClient
from autobill.intacct.idempotency import ReplayPolicy
from autobill.models import Draft
from autobill.ops.up import migrate
from autobill.sandbox import SandboxConfig, Store, create_app
from autobill.sandbox.seed import seed
from autobill.workflows.devserver import DevServer
from autobill.workflows.inputs import BillingRunInput, BillingRunProgress, ReviewPolicy
from autobill.workflows.starters import start_billing_run
from autobill.workflows.wiring import connect, real_worker

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send
    from temporalio.client import WorkflowHandle

    from autobill.core.dataset import Dataset
    from autobill.workflows.billing_run import BillingRunWorkflow

RUN_ON = date(2026, 12, 1)
REVIEW_EVERY = 100  # every hundredth contract bills over the auto-approval limit
POLICY = ReviewPolicy(auto_approve_below=Decimal(1000), escalate_after=timedelta(days=2))
BATCH_SIZE = 200


def company(invoices: int, customers: int) -> Dataset:
    """The synthetic company: one monthly contract per invoice due on ``RUN_ON``."""
    end = RUN_ON.replace(year=RUN_ON.year + 1) - timedelta(days=1)
    raw: dict[str, Any] = {
        "format": "autobill-dataset/1",
        "COMPANY": {"COMPANYID": "DEMO", "NAME": "Bench Co", "BASECURR": "USD"},
        "GLACCOUNT": [{"ACCOUNTNO": "4000", "TITLE": "Subscription revenue"}],
        "ARTERM": [{"NAME": "Net 30", "DUEDAYS": 30}],
        "ITEM": [{"ITEMID": i, "NAME": i, "GLACCOUNT": "4000"} for i in ITEMS],
        "CUSTOMER": [
            {"CUSTOMERID": customer_id(n), "NAME": f"Customer {n}", "TERMNAME": "Net 30"}
            for n in range(customers)
        ],
        "CONTRACT": [],
        "CONTRACTDETAIL": [],
    }
    for n in range(invoices):
        contract = f"CN-{n:06d}"
        raw["CONTRACT"].append({
            "CONTRACTID": contract, "CUSTOMERID": customer_id(n % customers), "NAME": contract,
            "BEGINDATE": RUN_ON, "ENDDATE": end, "TERMNAME": "Net 30",
            "BILLINGFREQUENCY": "Monthly",
        })  # fmt: skip
        raw["CONTRACTDETAIL"] += [_line(contract, n, i) for i in range(1 + n % 3)]
    return parse_dataset(raw)


def _line(contract: str, number: int, index: int) -> dict[str, Any]:
    """One fixed-price line; the first line of every hundredth contract is a large one."""
    amount = Decimal(1500) if number % REVIEW_EVERY == 0 and index == 0 else Decimal("49.90")
    return {
        "CONTRACTID": contract, "LINENO": index + 1, "ITEMID": ITEMS[index],
        "BILLINGMETHOD": "Fixed price", "FLATAMOUNT": str(amount + index),
    }  # fmt: skip


class Counted:
    """The sandbox app, counting the XML gateway's requests (``GET /_bench/requests``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app, self.requests = app, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count gateway posts; answer the count; pass everything else to the sandbox."""
        path = scope.get("path", "")
        if scope["type"] == "http" and path == "/_bench/requests":
            body = json.dumps({"requests": self.requests}).encode()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] == "http" and path.endswith("xmlgw.phtml"):
            self.requests += 1
        await self.app(scope, receive, send)


def _serve(config: SandboxConfig, data: Dataset, port: int) -> None:
    store = Store()
    seed(store, data)
    app = Counted(create_app(config, store))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off")


class Sandbox:
    """A seeded sandbox in its own process (off the worker's interpreter, as a real gateway)."""

    def __init__(self, config: SandboxConfig, data: Dataset) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(config, data, self.port), daemon=True
        )

    def __enter__(self) -> Self:
        self.process.start()
        deadline = time.monotonic() + 120  # seeding ten thousand contracts takes a while
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/_bench/requests").raise_for_status()
            except httpx.TransportError:
                time.sleep(0.1)
                continue
            return self
        msg = "the sandbox did not start"
        raise SystemExit(msg)

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.join(timeout=5)

    @property
    def xml_url(self) -> str:
        """The XML gateway endpoint."""
        return f"{self.url}/ia/xml/xmlgw.phtml"

    def figures(self) -> tuple[int, int]:
        """Gateway requests and metered API transactions so far."""
        requests = httpx.get(f"{self.url}/_bench/requests").json()["requests"]
        rows = httpx.get(f"{self.url}/_sandbox/meter").json()["meter"]
        return int(requests), sum(int(r["transactions"]) for r in rows)


async def client_drafts(sandbox: Sandbox, invoices: list[Invoice]) -> dict[str, Any]:
    """The baseline: ``intacct_api``'s client drafting the invoices, as that benchmark does."""
    options = ClientOptions(
        endpoint=sandbox.xml_url,
        tier_key="bench-client",
        replay=ReplayPolicy(errnos=frozenset({"XL03000013"})),
    )
    async with IntacctClient(sender=SENDER, login=LOGIN, options=options) as client:
        return await draft_all(client, invoices, SETTINGS)


async def billing_run(sandbox: Sandbox, workdir: Path) -> dict[str, Any]:
    """Run the billing run on the dev server and the real worker; return its figures."""
    url = f"sqlite:///{workdir / 'autobill.sqlite'}"
    migrate(url)
    with DevServer.start(workdir / "temporal", ui=False) as server:
        settings = Settings(
            database_url=url,
            intacct=IntacctSettings(endpoint=sandbox.xml_url),
            temporal=TemporalSettings(address=server.address, task_queue="bench"),
        )
        temporal = await connect(settings)
        options = ClientOptions(tier_key="bench-run")
        async with real_worker(settings, client=temporal, options=options):
            given = BillingRunInput(
                company_id="DEMO",
                run_on=RUN_ON,
                batch_size=BATCH_SIZE,
                trace_id="bench-run",
                policy=POLICY,
            )
            started = time.perf_counter()
            handle = await start_billing_run(temporal, given, task_queue="bench")
            progress = await handle.result()
            wall = time.perf_counter() - started
            compute_s, batches_s = await time_split(handle)
    statuses = draft_statuses(url)
    return {
        "wall_s": wall,
        "compute_due_s": compute_s,
        "batches_s": batches_s,
        "progress": progress,
        "statuses": statuses,
    }


async def time_split(
    handle: WorkflowHandle[BillingRunWorkflow, BillingRunProgress],
) -> tuple[float, float]:
    """Seconds from the run's start to its due invoices computed, and from then to its end."""
    events = (await handle.fetch_history()).events
    start = events[0].event_time.ToDatetime(tzinfo=UTC)
    computed = next(
        e for e in events if e.HasField("activity_task_completed_event_attributes")
    ).event_time.ToDatetime(tzinfo=UTC)
    end = events[-1].event_time.ToDatetime(tzinfo=UTC)
    return (computed - start).total_seconds(), (end - computed).total_seconds()


def draft_statuses(url: str) -> dict[str, int]:
    """How many stored drafts are in each status."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(Draft.status, sa.func.count()).group_by(Draft.status)
            )
            return {str(status): int(n) for status, n in rows}
    finally:
        engine.dispose()


def main() -> None:
    """Run the billing run and the baseline; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=1_000)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.basicConfig(level=logging.WARNING)
    config = SandboxConfig(
        latency_seconds=args.latency, max_concurrent=2, custom_fields=CUSTOM_FIELDS
    )
    data = company(args.invoices, min(args.customers, args.invoices))
    invoices = list(preview(data, as_of=RUN_ON, start=RUN_ON).invoices)
    with Sandbox(config, data) as sandbox:
        baseline = asyncio.run(client_drafts(sandbox, invoices))
    with Sandbox(config, data) as sandbox, tempfile.TemporaryDirectory() as workdir:
        run = asyncio.run(billing_run(sandbox, Path(workdir)))
        requests, transactions = sandbox.figures()
    report(args, len(invoices), baseline, run, (requests, transactions))


def report(
    args: argparse.Namespace,
    due: int,
    baseline: dict[str, Any],
    run: dict[str, Any],
    meter: tuple[int, int],
) -> None:
    """Print the summary and the JSON figures (last line)."""
    progress: BillingRunProgress = run["progress"]
    statuses: dict[str, int] = run["statuses"]
    requests, transactions = meter
    api_bound = requests * args.latency / 2
    result = {
        "bench": "billing_run",
        "invoices": due,
        "wall_s": round(run["wall_s"], 3),
        "compute_due_s": round(run["compute_due_s"], 3),
        "batches_s": round(run["batches_s"], 3),
        "baseline_wall_s": round(baseline["wall_s"], 3),
        "ratio": round(run["wall_s"] / baseline["wall_s"], 3),
        "drafted": progress.drafted,
        "posted": statuses.get("posted", 0),
        "in_review": progress.in_review,
        "parked": progress.parked,
        "requests": requests,
        "api_bound_s": round(api_bound, 3),
        "baseline_requests": baseline["requests"],
        "requests_per_invoice": round(requests / due, 4),
        "transactions_per_invoice": round(transactions / due, 4),
        "baseline_transactions_per_invoice": round(baseline["transactions"] / due, 4),
    }
    print(
        f"review policy: auto-approve below {POLICY.auto_approve_below} without findings; "
        f"every {REVIEW_EVERY}th contract bills 1,500.00 and goes to review"
    )
    print(
        f"billing run of {due} invoices: {result['wall_s']} s (compute due "
        f"{result['compute_due_s']} s, batches {result['batches_s']} s), batches of {BATCH_SIZE}"
    )
    print(
        f"drafted {result['drafted']}, posted {result['posted']}, in review "
        f"{result['in_review']}, parked {result['parked']}"
    )
    print(
        f"{requests} requests (API-bound {result['api_bound_s']} s), "
        f"{result['transactions_per_invoice']} transactions per invoice"
    )
    print(
        f"baseline (client drafting only): {result['baseline_wall_s']} s over "
        f"{baseline['requests']} requests; ratio {result['ratio']}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
