"""A billing run through sandbox faults: every due invoice is in Intacct exactly once.

The sandbox injects, at seeded rates, 502s, 503s and answers lost after the request committed.
Another integration of the same company (a client with a tier key of its own, as a second
application would have) keeps its own two requests in flight, so the sandbox, which allows the
company two, refuses requests beyond that with 429 (GW-0010), the worker's among them. The
sandbox's answers are counted at the HTTP layer, so the test fails if the faults stop coming.
"""

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from billing_helpers import COMPANY, FAST_RETRY, Spine, autobill_key
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import fixtures.sandbox_server as sandbox_module
from autobill.billing.keys import of_invoice
from autobill.core.billing import Invoice, preview
from autobill.demo import dataset_path
from autobill.intacct import ClientOptions, IntacctClient, IntacctError, RetryPolicy
from autobill.sandbox import FaultRates, SandboxConfig, create_app
from autobill.sandbox.app import XML_PATH
from autobill.sandbox.faults import FaultPlan
from autobill.sandbox.store import Store
from autobill.workflows.inputs import BillingRunInput, DecisionBy, InvoiceState, ReviewPolicy
from autobill.workflows.invoice import InvoiceWorkflow
from autobill.workflows.starters import start_billing_run
from autobill.workflows.wiring import SANDBOX_LOGIN, SANDBOX_SENDER
from fixtures.sandbox_server import RunningSandbox, cached_dataset, run_sandbox

pytestmark = pytest.mark.asyncio(loop_scope="session")
DEMO = dataset_path()
RUN_ON = date(2026, 11, 1)
FAULTS = FaultRates(http_502=0.05, http_503=0.05, lost=0.1, seed=2026)
# Invoices of 2,000 or more wait for a person (who approves them); the others post in the run.
POLICY = ReviewPolicy(auto_approve_below=Decimal(2000), escalate_after=timedelta(hours=1))
BATCH = 5  # several draft and post activities, so the faults meet writes more than once


class Traffic:
    """The sandbox's answers to XML requests: by HTTP status, or ``lost`` when cut short."""

    def __init__(self) -> None:
        self.answers: Counter[int | str] = Counter()

    def around(self, app: ASGIApp) -> ASGIApp:
        """Wrap the sandbox app so that each XML answer is counted once it is sent."""

        async def counted(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["path"] != XML_PATH:
                await app(scope, receive, send)
                return
            seen: dict[str, object] = {}

            async def watched(message: Message) -> None:
                seen[message["type"]] = message.get("status", message.get("more_body", False))
                await send(message)

            await app(scope, receive, watched)
            cut = seen.get("http.response.body") is True  # the body never finished
            self.answers["lost" if cut else int(str(seen["http.response.start"]))] += 1

        return counted

    def faults(self) -> Counter[str]:
        """The injected faults seen: 502s, 503s and lost answers."""
        return Counter(
            {"502": self.answers[502], "503": self.answers[503], "lost": self.answers["lost"]}
        )

    def drawn(self) -> int:
        """How many requests got past the concurrency limit, each drawing from the fault plan."""
        return self.answers.total() - self.answers[429]


def planned(rates: FaultRates, requests: int) -> Counter[str]:
    """The faults the sandbox's seeded plan injects into that many requests."""
    plan = FaultPlan(rates)
    return Counter(kind for _ in range(requests) if (kind := plan.draw()) is not None)


@pytest.fixture
def traffic(monkeypatch: pytest.MonkeyPatch) -> Traffic:
    """Count the answers of the sandbox this test serves."""
    seen = Traffic()

    def counted_app(config: SandboxConfig, store: Store) -> ASGIApp:
        return seen.around(create_app(config, store))

    monkeypatch.setattr(sandbox_module, "create_app", counted_app)
    return seen


@pytest.fixture
def sandbox_server(
    traffic: Traffic,  # noqa: ARG001 - requested first, so the served app is the counted one
    sandbox_config: SandboxConfig,
    sandbox_dataset: Path,
) -> Iterator[RunningSandbox]:
    """The spine's sandbox, its answers counted."""
    with run_sandbox(sandbox_config, sandbox_dataset) as running:
        yield running


@asynccontextmanager
async def other_integration(sandbox: RunningSandbox) -> AsyncIterator[Counter[str]]:
    """Another application of the company reads customers, two at a time, while the block runs.

    Its tier key is its own, so its limiter, like ours, believes it has the whole allowance.
    Its 429s are counted (one attempt per read), to tell them from the worker's.
    """
    options = ClientOptions(
        endpoint=sandbox.xml_url, tier_key="another-integration", retry=RetryPolicy(attempts=1)
    )
    outcomes: Counter[str] = Counter()

    async def read_again_and_again(client: IntacctClient) -> None:
        while True:
            try:
                await client.read_many(obj="CUSTOMER", field="CUSTOMERID", values=["C-0001"])
                outcomes["read"] += 1
            except IntacctError as failed:
                outcomes[type(failed).__name__] += 1

    async with IntacctClient(sender=SANDBOX_SENDER, login=SANDBOX_LOGIN, options=options) as c:
        reading = asyncio.gather(read_again_and_again(c), read_again_and_again(c))
        try:
            yield outcomes
        finally:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading


def due_invoices() -> list[Invoice]:
    """What ``preview`` bills on the run date for the demo company."""
    found = preview(cached_dataset(DEMO), as_of=RUN_ON).invoices
    return [invoice for invoice in found if invoice.key.invoice_date == RUN_ON]


async def approve_review(spine: Spine, billing_key: str) -> InvoiceState:
    """Approve the invoice once its review waits for a decision; return its final state."""
    handle = spine.client.get_workflow_handle_for(InvoiceWorkflow.run, billing_key)
    deadline = time.monotonic() + 30
    while (await handle.query(InvoiceWorkflow.status)).state is not InvoiceState.IN_REVIEW:
        assert time.monotonic() < deadline, f"{billing_key} never reached its review"
        await asyncio.sleep(0.05)
    await handle.execute_update(InvoiceWorkflow.approve, DecisionBy(user="ana"))
    return (await handle.result()).state


def assert_each_once(spine: Spine, due: list[Invoice]) -> None:
    """Each due invoice has one document, one draft, both posted, audited once each step."""
    keys = Counter(str(of_invoice(invoice.key)) for invoice in due)
    assert spine.documents_per_key() == Counter(autobill_key(invoice) for invoice in due)
    assert {d.data["STATE"] for d in spine.documents()} == {"Pending"}  # posted
    assert spine.drafts_per_key() == keys
    drafts = spine.drafts()
    assert {d.status for d in drafts} == {"posted"}
    assert {d.intacct_key for d in drafts} == {d.data["DOCID"] for d in spine.documents()}
    assert spine.audited("invoice.drafted") == keys
    assert spine.audited("invoice.posted") == keys
    assert spine.audited("invoice.parked") == Counter()
    assert spine.audit_breaks() == []


@pytest.mark.dataset(DEMO)
# Every request takes at least 50 ms, so the two applications' requests overlap as they do
# against the real gateway.
@pytest.mark.sandbox(faults=FAULTS, latency_seconds=0.05)
async def test_run_through_faults_drafts_and_posts_each_due_invoice_once(
    spine: Spine, traffic: Traffic
) -> None:
    """502s, 503s, lost answers and 429s: each due invoice is drafted and posted exactly once."""
    # given
    due = due_invoices()
    given = BillingRunInput(
        company_id=COMPANY,
        run_on=RUN_ON,
        batch_size=BATCH,
        trace_id="faulty-run",
        policy=POLICY,
        retry=FAST_RETRY,
    )
    # when
    async with other_integration(spine.sandbox) as other:
        run = await start_billing_run(spine.client, given, task_queue=spine.task_queue)
        progress = await run.result()
        waiting = [d.billing_key for d in spine.drafts() if d.status != "posted"]
        # Reviewers approve all at once: the posts run side by side, up to the allowance.
        states = await asyncio.gather(*(approve_review(spine, key) for key in waiting))
    # then
    assert (progress.due, progress.drafted, progress.parked) == (len(due), len(due), 0)
    assert 0 < progress.in_review == len(states) < len(due)
    assert set(states) == {InvoiceState.POSTED}
    assert_each_once(spine, due)
    assert traffic.faults() == planned(FAULTS, traffic.drawn())
    assert min(traffic.faults().values()) > 0
    assert traffic.answers[429] > other["IntacctRateLimited"]  # the worker met 429s too
