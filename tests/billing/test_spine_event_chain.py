"""One event per trigger type through the whole chain: webhook, inbox, dispatcher, workflow.

Generic events are signed and posted to ``/webhooks/events``; Intacct's are raised by the
sandbox itself when a write commits and delivered over HTTP to ``/webhooks/intacct``. The web
app is ``autobill.ops.serve.web_app`` on a loopback port: its dispatcher reads the sandbox to
find the invoice each event lands on and starts its workflow on the real worker, which drafts
and posts it. Each invoice must equal ``preview`` of the same data for its key's day. Workflow
ids are billing keys, so each test renames its example's ids (``fixtures.renamed``).
"""

import asyncio
import json
import secrets
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
import pytest_asyncio
import sqlalchemy as sa
from billing_helpers import (
    COMPANY,
    FAST_CLIENT_RETRY,
    FIELDS,
    MINIMAL,
    UPGRADE,
    Spine,
    autobill_key,
)
from sqlalchemy.orm import Session
from temporalio.service import RPCError

from autobill.billing.keys import of_invoice, parse
from autobill.config import ReviewSettings, Settings, TemporalSettings, WebhookSettings
from autobill.core.billing import Invoice, InvoiceLine, preview
from autobill.dataset import load_dataset
from autobill.intacct import ClientOptions, IntacctClient
from autobill.intacct import payloads as fn
from autobill.intacct.query import and_, eq
from autobill.models import DraftLine, InboxEvent
from autobill.ops.serve import web_app
from autobill.ops.up import listening_socket, serving
from autobill.sandbox import SandboxConfig
from autobill.web.signing import sign
from autobill.workflows.inputs import InvoiceState, InvoiceStatus
from autobill.workflows.invoice import InvoiceWorkflow
from autobill.workflows.wiring import intacct_client
from fixtures.renamed import Renamed, renamed_example, replaced

pytestmark = pytest.mark.asyncio(loop_scope="session")
# Every invoice posts without a person: the chain, not the review, is under test here.
AUTO_APPROVE = ReviewSettings(auto_approve_below=Decimal(1_000_000), escalate_after=timedelta(1))
WAIT_SECONDS = 30


@dataclass(frozen=True)
class Chain:
    """The served web app over the spine, a person's Intacct client, and what the test reads."""

    spine: Spine
    url: str
    secret: str
    http: httpx.AsyncClient
    intacct: IntacctClient
    example: Renamed

    async def send(self, kind: str, **fields: object) -> None:
        """Sign and post a generic event of the company, as another tool would; it is accepted."""
        event = {"id": f"evt-{uuid4().hex}", "type": kind, "company": COMPANY, **fields}
        event.setdefault("occurred_at", "2026-01-23T12:00:00Z")
        body = json.dumps(event).encode()
        now = str(int(time.time()))
        signed = {"X-Autobill-Timestamp": now, "X-Autobill-Signature": sign(self.secret, now, body)}
        answer = await self.http.post(f"{self.url}/webhooks/events", content=body, headers=signed)
        assert answer.status_code == 202, answer.text

    async def write(self, *functions: fn.Function) -> None:
        """Make writes in Intacct in one all-or-nothing request, as a person would."""
        for result in await self.intacct.execute(functions, transaction=True):
            result.raise_for_status()

    async def record_no(self, obj: str, where: str) -> str:
        """The RECORDNO of the one record of ``obj`` the query finds (an update names it)."""
        read = fn.read_by_query(controlid=f"find-{uuid4().hex}", obj=obj, query=where)
        (result,) = await self.intacct.execute([read])
        (record,) = result.raise_for_status().records()
        return str(record["RECORDNO"])

    async def settled(self, *types: str) -> Counter[str]:
        """Wait until the inbox holds events of these types, every one handled; count them all."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            found = await asyncio.to_thread(self._inbox)
            received = Counter(str(e.payload.get("type")) for e in found)
            if set(types) <= set(received) and all(e.handled_at for e in found):
                return received
            if time.monotonic() > deadline:
                held = [(e.payload.get("type"), e.handled_at) for e in found]
                pytest.fail(f"waiting for {types} to be handled, the inbox holds {held}")
            await asyncio.sleep(0.05)

    async def finished(self, key: str) -> InvoiceStatus:
        """The result of the invoice workflow of ``key``, once the dispatcher has started it."""
        handle = self.spine.client.get_workflow_handle_for(InvoiceWorkflow.run, key)
        deadline = time.monotonic() + WAIT_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            try:
                return await asyncio.wait_for(handle.result(), timeout=left)
            except RPCError:  # not started yet
                await asyncio.sleep(0.05)
            except TimeoutError:
                break
        pytest.fail(f"workflow {key} did not finish; the drafts are {self.spine.drafts_per_key()}")

    def _inbox(self) -> list[InboxEvent]:
        with Session(self.spine.engine) as session:
            return list(session.scalars(sa.select(InboxEvent).order_by(InboxEvent.id)))


@pytest.fixture
def example(request: pytest.FixtureRequest, tmp_path: Path) -> Renamed:
    """The ``dataset`` marker's example (``edit``: how it differs when seeded), ids renamed."""
    marker = request.node.get_closest_marker("dataset")
    source: Path = marker.args[0] if marker else MINIMAL
    return renamed_example(source, tmp_path, edit=marker.kwargs.get("edit") if marker else None)


@pytest.fixture
def sandbox_dataset(example: Renamed) -> Path:
    """The sandbox is seeded from the test's renamed (and edited) example."""
    return example.path


@pytest.fixture
def events_secret() -> str:
    """The generic webhooks' secret, this test's own."""
    return secrets.token_urlsafe(16)


@pytest.fixture
def intacct_secret() -> str:
    """The sandbox's secret, this test's own: a late delivery to a reused port is refused."""
    return secrets.token_urlsafe(16)


@pytest.fixture
def web_socket() -> Iterator[socket.socket]:
    """The web app's loopback socket, bound before the sandbox that delivers to it starts."""
    sock = listening_socket(0)
    yield sock
    sock.close()


@pytest.fixture
def sandbox_config(web_socket: socket.socket, intacct_secret: str) -> SandboxConfig:
    """A sandbox that knows autobill's fields and delivers its events to the web app."""
    hook = f"{_url(web_socket)}/webhooks/intacct"
    return SandboxConfig(custom_fields=FIELDS, webhooks=(hook,), webhook_secret=intacct_secret)


@pytest_asyncio.fixture(loop_scope="session")
async def chain(
    spine: Spine,
    web_socket: socket.socket,
    events_secret: str,
    intacct_secret: str,
    example: Renamed,
) -> AsyncIterator[Chain]:
    """``web_app`` served on the socket over the spine's database, sandbox and task queue."""
    base = spine.settings()
    settings = Settings(
        database_url=base.database_url,
        intacct=base.intacct,
        temporal=TemporalSettings(task_queue=spine.task_queue),
        webhook=WebhookSettings(secret=events_secret, intacct_secret=intacct_secret),
        review=AUTO_APPROVE,
    )
    async with AsyncExitStack() as stack:
        reads = intacct_client(settings, options=_options(f"{spine.task_queue}-web"))
        person = intacct_client(settings, options=_options(f"{spine.task_queue}-person"))
        http = httpx.AsyncClient()
        for client in (reads, person, http):
            stack.push_async_callback(client.aclose)
        await serving(stack, web_app(settings, spine.client, reads), web_socket)
        yield Chain(spine, _url(web_socket), events_secret, http, person, example)


def _options(tier_key: str) -> ClientOptions:
    """A client's own concurrency tier, so the process-wide limiter is not shared across tests."""
    return ClientOptions(tier_key=tier_key, retry=FAST_CLIENT_RETRY)


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{host}:{port}"


async def assert_billed_as_previewed(chain: Chain, key: str, *events: str) -> None:
    """Just these events were handled; the key's workflow posted one invoice equal to preview's."""
    assert await chain.settled(*events) == Counter(events)
    status = await chain.finished(key)
    invoice = previewed(chain.example.unedited, key)
    assert (status.state, status.total) == (InvoiceState.POSTED, invoice.total)
    assert chain.spine.documents_per_key() == Counter({autobill_key(invoice): 1})
    assert_stored_as_previewed(chain.spine, key, invoice)
    assert chain.spine.audit_breaks() == []


def assert_stored_as_previewed(spine: Spine, key: str, invoice: Invoice) -> None:
    """The one draft and the sandbox's one document carry the previewed lines and totals."""
    (draft,) = spine.drafts()
    (document,) = spine.documents()
    assert (draft.billing_key, draft.intacct_key) == (key, document.data["DOCID"])
    assert [_drafted(line) for line in draft.lines] == [_previewed(line) for line in invoice.lines]
    totals = (draft.subtotal_amount_minor, draft.tax_amount_minor, draft.total_amount_minor)
    assert totals == tuple(_minor(a) for a in (invoice.subtotal, invoice.tax_total, invoice.total))
    assert [(e.data["ITEMID"], Decimal(e.data["UIVALUE"])) for e in spine.entries(document)] == [
        (line.charge.item_id, line.charge.amount) for line in invoice.lines
    ]


def previewed(dataset: Path, key: str) -> Invoice:
    """The invoice ``preview --from D --as-of D`` computes for the key, D being its day."""
    day = parse(key).invoice_on
    computed = preview(load_dataset(dataset), as_of=day, start=day).invoices
    (invoice,) = [i for i in computed if str(of_invoice(i.key)) == key]
    return invoice


def _drafted(line: DraftLine) -> tuple[object, ...]:
    return (line.source, line.item_id, line.quantity, line.line_amount_minor, line.tax_amount_minor)


def _previewed(line: InvoiceLine) -> tuple[object, ...]:
    charge = line.charge
    taxes = sum((tax.amount for tax in line.taxes), Decimal(0))
    return (charge.source, charge.item_id, charge.quantity, _minor(charge.amount), _minor(taxes))


def _minor(amount: Decimal) -> int:
    """Cents of a USD amount the core already rounded (the examples bill in USD)."""
    return int(amount.scaleb(2))


def pending_install(text: str) -> str:
    """``minimal.yaml`` with its installation task still in progress."""
    return replaced(
        text, "TASKSTATUS: Completed, ACTUALENDDATE: 2026-01-23,", "TASKSTATUS: In Progress,"
    )


def no_usage(text: str) -> str:
    """``minimal.yaml`` before January's usage was recorded."""
    usage = '  - {CONTRACTID: CN-1, LINENO: 2, USAGEDATE: 2026-01-17, QUANTITY: "640"}\n'
    return replaced(text, "CONTRACTUSAGE:\n" + usage, "")


def basic_plan_only(text: str) -> str:
    """``upgrade.yaml`` before the upgrade: the Basic plan open-ended, no Pro plan line."""
    pro = (
        "  - {CONTRACTID: CN-100, LINENO: 2, ITEMID: SUB-PRO, BILLINGMETHOD: Fixed price, "
        'FLATAMOUNT: "600.00",\n     BEGINDATE: 2026-11-16}\n'
    )
    return replaced(replaced(text, ",\n     ENDDATE: 2026-11-15}", "}"), pro, "")


def submitted_time(text: str) -> str:
    """``minimal.yaml`` with its time entry submitted, not yet approved."""
    entry = "STATE: {}, BILLED: false, DESCRIPTION: Front-of-house"
    return replaced(text, entry.format("Approved"), entry.format("Submitted"))


async def test_milestone_completed_bills_the_contract_on_the_day(chain: Chain) -> None:
    """A generic ``milestone.completed`` drafts the contract's invoice of the completion day."""
    # given
    key = chain.example.rename("contract:CN-1:2026-01-23")
    project = chain.example.rename("P-1")
    # when
    await chain.send(
        "milestone.completed", project_id=project, task_id="T-INSTALL", completed_on="2026-01-23"
    )
    # then
    await assert_billed_as_previewed(chain, key, "milestone.completed")


async def test_timesheets_approved_bill_the_project_month(chain: Chain) -> None:
    """A generic ``timesheets.approved`` drafts the project's invoice of the period's month end."""
    # given
    key = chain.example.rename("project:P-1:2026-02-28")
    project = chain.example.rename("P-1")
    # when
    await chain.send(
        "timesheets.approved",
        project_id=project,
        period_start="2026-02-01",
        period_end="2026-02-15",
    )
    # then
    await assert_billed_as_previewed(chain, key, "timesheets.approved")


async def test_usage_reported_bills_the_period_end(chain: Chain) -> None:
    """A generic ``usage.reported`` drafts the contract's invoice at its usage period's end."""
    # given
    key = chain.example.rename("contract:CN-1:2026-01-31")
    contract = chain.example.rename("CN-1")
    # when
    await chain.send(
        "usage.reported", contract_id=contract, line_no=2, usage_date="2026-01-17", quantity="640"
    )
    # then
    await assert_billed_as_previewed(chain, key, "usage.reported")


@pytest.mark.dataset(UPGRADE)
async def test_contract_changed_bills_the_upgrade_day(chain: Chain) -> None:
    """A generic ``contract.changed`` (an upgrade) drafts the invoice of its effective day."""
    # given
    key = chain.example.rename("contract:CN-100:2026-11-16")
    contract = chain.example.rename("CN-100")
    # when
    await chain.send(
        "contract.changed",
        contract_id=contract,
        change="upgraded",
        effective_on="2026-11-16",
        line_no=2,
        occurred_at="2026-11-10T09:00:00Z",
    )
    # then
    await assert_billed_as_previewed(chain, key, "contract.changed")


@pytest.mark.dataset(MINIMAL, edit=pending_install)
async def test_task_completed_in_intacct_bills_the_milestone(chain: Chain) -> None:
    """Completing the milestone's task in Intacct drafts the contract's invoice of that day."""
    # given
    key = chain.example.rename("contract:CN-1:2026-01-23")
    done = {"TASKID": "T-INSTALL", "TASKSTATUS": "Completed", "ACTUALENDDATE": "01/23/2026"}
    # when
    await chain.write(fn.update(controlid="chain-install-done", obj="TASK", records=[done]))
    # then
    await assert_billed_as_previewed(chain, key, "task.completed")


@pytest.mark.dataset(MINIMAL, edit=no_usage)
async def test_usage_added_in_intacct_bills_the_period_end(chain: Chain) -> None:
    """Usage recorded in Intacct drafts the contract's invoice at its usage period's end."""
    # given
    key = chain.example.rename("contract:CN-1:2026-01-31")
    usage = {
        "CONTRACTID": chain.example.rename("CN-1"),
        "LINENO": "2",
        "USAGEDATE": "01/17/2026",
        "QUANTITY": "640",
    }
    # when
    await chain.write(fn.create(controlid="chain-usage", obj="CONTRACTUSAGE", records=[usage]))
    # then
    await assert_billed_as_previewed(chain, key, "usage.added")


@pytest.mark.dataset(UPGRADE, edit=basic_plan_only)
async def test_upgrade_in_intacct_bills_one_invoice(chain: Chain) -> None:
    """Ending a plan and adding its successor in one request drafts one invoice, credit and all."""
    # given
    key = chain.example.rename("contract:CN-100:2026-11-16")
    contract = chain.example.rename("CN-100")
    basic = await chain.record_no(
        "CONTRACTDETAIL", and_(eq("CONTRACTID", contract), eq("LINENO", "1"))
    )
    ended = {"RECORDNO": basic, "ENDDATE": "11/15/2026", "STATE": "Cancelled"}
    pro = {
        "CONTRACTID": contract,
        "LINENO": "2",
        "ITEMID": "SUB-PRO",
        "BILLINGMETHOD": "Fixed price",
        "FLATAMOUNT": "600.00",
        "BEGINDATE": "11/16/2026",
    }
    # when
    await chain.write(
        fn.update(controlid="chain-basic-ends", obj="CONTRACTDETAIL", records=[ended]),
        fn.create(controlid="chain-pro-begins", obj="CONTRACTDETAIL", records=[pro]),
    )
    # then
    changes = ("contractline.changed", "contractline.ended", "contractline.added")
    await assert_billed_as_previewed(chain, key, *changes)


@pytest.mark.dataset(MINIMAL, edit=submitted_time)
async def test_timesheet_approved_in_intacct_bills_the_project_month(chain: Chain) -> None:
    """Approving a time entry in Intacct drafts the project's invoice of the entry's month end."""
    # given
    key = chain.example.rename("project:P-1:2026-02-28")
    entry = await chain.record_no("TIMESHEETENTRY", eq("PROJECTID", chain.example.rename("P-1")))
    approved = {"RECORDNO": entry, "STATE": "Approved"}
    # when
    await chain.write(
        fn.update(controlid="chain-approve", obj="TIMESHEETENTRY", records=[approved])
    )
    # then
    await assert_billed_as_previewed(chain, key, "timesheet.approved")
