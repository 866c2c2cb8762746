"""``autobill serve``: the web app whose dispatcher starts workflows, and the drafts API."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError

from autobill.web.signing import sign
from autobill.workflows.devserver import free_port
from autobill.workflows.inputs import ComputeInvoiceResult, InvoiceState, InvoiceStatus
from autobill.workflows.invoice import InvoiceWorkflow
from fixtures.renamed import renamed_example
from fixtures.review import Reviewing, invoice_of
from fixtures.sandbox_server import MINIMAL, run_sandbox

pytestmark = pytest.mark.asyncio(loop_scope="session")
SECRET = "serve-test-secret"  # noqa: S105 - a test's own webhook key


def milestone(project: str) -> bytes:
    """A generic event: the project's installation milestone completed on 23 January 2026."""
    event = {
        "id": f"evt-{project}",
        "type": "milestone.completed",
        "company": "DEMO",
        "occurred_at": "2026-01-23T12:00:00Z",
        "project_id": project,
        "task_id": "T-INSTALL",
        "completed_on": "2026-01-23",
    }
    return json.dumps(event).encode()


async def wait_for_health(url: str) -> None:
    """Poll the health check until it answers (at most 30 seconds)."""
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    pytest.fail(f"{url} never answered")


async def test_serve_starts_the_event_workflow_and_stops_on_ctrl_c(
    reviewing: Reviewing, tmp_path: Path
) -> None:
    """An event starts the workflow of the invoice it lands on, which posts; SIGINT exits 0."""
    with ExitStack() as stack:
        await _serve_starts_the_event_workflow(reviewing, tmp_path, stack)


async def _serve_starts_the_event_workflow(
    reviewing: Reviewing, tmp_path: Path, stack: ExitStack
) -> None:
    """Serve and drive it: the body of the test above, inside its sandbox's exit stack."""
    # given: the milestone bills on its contract's invoice of the completion day, which the
    # dispatcher finds by reading the sandbox; the worker's Intacct is faked (fixtures.review)
    example = renamed_example(MINIMAL, tmp_path)
    project, key = example.rename("P-1"), example.rename("contract:CN-1:2026-01-23")
    invoice = invoice_of(key, Decimal(120))
    reviewing.intacct.invoices[key] = ComputeInvoiceResult(invoice=invoice)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOBILL_")}
    env |= reviewing.cli_env() | {"AUTOBILL_WEBHOOK__SECRET": SECRET}
    sandbox = stack.enter_context(run_sandbox(dataset=example.path))
    env["AUTOBILL_INTACCT__ENDPOINT"] = sandbox.xml_url
    args = [sys.executable, "-m", "autobill", "serve", "--port", str(port)]
    process = await asyncio.create_subprocess_exec(
        *args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp_path
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_for_health(f"{base}/api/health")
        body = milestone(project)
        stamp = str(int(time.time()))
        headers = {"X-Autobill-Timestamp": stamp, "X-Autobill-Signature": sign(SECRET, stamp, body)}
        # when
        async with httpx.AsyncClient(base_url=base) as client:
            accepted = await client.post("/webhooks/events", content=body, headers=headers)
            handle = reviewing.client.get_workflow_handle_for(InvoiceWorkflow.run, key)
            status = await asyncio.wait_for(_result_when_started(handle), timeout=30)
            drafts = (await client.get("/api/drafts")).json()
        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    # then
    assert accepted.status_code == 202
    assert status.state is InvoiceState.POSTED
    assert [d["billing_key"] for d in drafts] == [key]
    assert code == 0


async def _result_when_started(
    handle: WorkflowHandle[InvoiceWorkflow, InvoiceStatus],
) -> InvoiceStatus:
    """The workflow's result, once the dispatcher has started it."""
    while True:
        try:
            return await handle.result()
        except RPCError:
            await asyncio.sleep(0.1)
