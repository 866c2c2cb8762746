"""A billing run's postings through the client's batching, against the sandbox over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import httpx
import pytest
import sqlalchemy as sa
from billing_helpers import COMPANY, OE
from sqlalchemy.orm import Session

from autobill.audit import service as audit_service
from autobill.billing.loop import LoopThread
from autobill.db.session import session_factory
from autobill.intacct import ClientOptions, IntacctClient
from autobill.intacct.idempotency import controlid
from autobill.models import AuditEntry, Draft, Posting
from autobill.sandbox.config import FaultRates
from autobill.workflows.adapters.audit import DatabaseAuditLog
from autobill.workflows.adapters.drafts import DatabaseDraftStore
from autobill.workflows.adapters.intacct import IntacctDraftWriter
from autobill.workflows.inputs import (
    BatchOutcome,
    DraftedInvoice,
    InvoiceLine,
    InvoiceSnapshot,
    PostBatchInput,
    ReviewPolicy,
)
from autobill.workflows.ports import NewDocument
from autobill.workflows.run_activities import BillBatchInput, BillingRunActivities
from autobill.workflows.wiring import SANDBOX_LOGIN, SANDBOX_SENDER

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from autobill.workflows.inputs import Finding
    from autobill.workflows.ports import BusinessFailure
    from fixtures.sandbox_server import RunningSandbox

ON = date(2026, 11, 30)
# Fault draws at a 0.5 rate: none (login), none (drafts), lost (postings), then none.
SEED_THIRD_LOST = 53


def snapshot(number: int) -> InvoiceSnapshot:
    """A one-line invoice of the upgrade example's customer, keyed by ``number``."""
    line = InvoiceLine(
        description="Consulting",
        source=f"BENCH:{number}",
        item_id="CONSULT",
        quantity=Decimal(1),
        unit_price=Decimal("120.00"),
        amount=Decimal("120.00"),
    )
    return InvoiceSnapshot(
        billing_key=f"project:P-POST-{number:04d}:{ON}",
        company_id=COMPANY,
        customer_id="C-100",
        invoice_on=ON,
        due_on=ON + timedelta(days=30),
        currency="USD",
        lines=(line,),
        subtotal=Decimal("120.00"),
    )


def control(invoice: InvoiceSnapshot, step: str) -> str:
    """The controlid the billing run writes the invoice's ``step`` with."""
    return controlid(company=COMPANY, key=invoice.billing_key, step=step)


@pytest.fixture
def writer(sandbox_server: RunningSandbox, request: pytest.FixtureRequest) -> Iterator[Writer]:
    """The real Intacct writer over the sandbox, on a loop thread of its own."""
    loop = LoopThread()
    options = ClientOptions(endpoint=sandbox_server.xml_url, tier_key=request.node.nodeid)
    client = loop.run(_client(options))
    yield Writer(IntacctDraftWriter(loop, client, OE), client, sandbox_server)
    loop.close(client.aclose)


async def _client(options: ClientOptions) -> IntacctClient:
    """Create the client on the loop it runs on."""
    return IntacctClient(sender=SANDBOX_SENDER, login=SANDBOX_LOGIN, options=options)


@dataclass(frozen=True)
class Writer:
    """The writer under test, its client (for round trips) and the sandbox."""

    port: IntacctDraftWriter
    client: IntacctClient
    sandbox: RunningSandbox

    def drafts(self, count: int) -> list[tuple[InvoiceSnapshot, str]]:
        """Draft ``count`` invoices in the sandbox; return each with its Intacct key."""
        invoices = [snapshot(n) for n in range(count)]
        keys = self.port.create_drafts([(i, control(i, "draft")) for i in invoices])
        return [(i, str(k)) for i, k in zip(invoices, keys, strict=True)]

    def transactions(self) -> int:
        """The sandbox meter's API transactions so far, read over HTTP."""
        rows = httpx.get(f"{self.sandbox.url}/_sandbox/meter").json()["meter"]
        return sum(int(row["transactions"]) for row in rows)

    def states(self) -> list[str]:
        """The state of every Sales Invoice in the sandbox."""
        return [str(row.data["STATE"]) for row in self.sandbox.store.scan("SODOCUMENT")]

    def ar_invoices(self) -> list[str]:
        """The Sales Invoice each posted AR invoice came from (the seeded ones came from none)."""
        rows = self.sandbox.store.scan("ARINVOICE")
        return [str(row.data["DOCHDRKEY"]) for row in rows if row.data.get("DOCHDRKEY")]


def test_postings_go_fifty_to_a_request(writer: Writer) -> None:
    """A hundred and twenty postings take three requests, and every draft ends posted."""
    # given
    drafted = writer.drafts(120)
    before = writer.client.usage().round_trips
    # when
    answers = writer.port.post_many([(key, control(i, "post")) for i, key in drafted])
    # then
    assert writer.client.usage().round_trips - before == 3
    assert list(answers) == [key for _, key in drafted]
    assert set(writer.states()) == {OE.posted_state}


@pytest.mark.sandbox(faults=FaultRates(lost=0.5, seed=SEED_THIRD_LOST))
def test_a_lost_answer_is_replayed_without_posting_twice(writer: Writer) -> None:
    """Postings whose answer was lost after the commit are replayed, each posted once."""
    # given
    drafted = writer.drafts(30)
    metered = writer.transactions()
    # when
    answers = writer.port.post_many([(key, control(i, "post")) for i, key in drafted])
    # then
    assert writer.client.usage().retries == 1
    assert list(answers) == [key for _, key in drafted]
    assert writer.transactions() - metered == len(drafted)
    assert set(writer.states()) == {OE.posted_state}


def test_a_refused_posting_is_parked_while_the_rest_post(
    writer: Writer, fresh_engine: sa.Engine
) -> None:
    """One posting Intacct refuses is parked; the others are recorded posted and audited."""
    # given
    sessions = session_factory(fresh_engine)
    store, audit = DatabaseDraftStore(sessions), DatabaseAuditLog(sessions)
    runs = BillingRunActivities(due=Unused(), drafts=store, intacct=writer.port, audit=audit)
    drafted = [
        approved(invoice, store.save_draft(invoice, (), trace_id="t"), key)
        for invoice, key in writer.drafts(60)
    ]
    refused = drafted[7].model_copy(update={"intacct_key": "999999"})
    drafted[7] = refused
    # when
    posting = PostBatchInput(company_id=COMPANY, invoices=tuple(drafted), trace_id="t")
    result = runs.post_batch(posting)
    # then
    assert result.posted == len(drafted) - 1
    with Session(fresh_engine) as session:
        posted = session.scalars(sa.select(Draft.billing_key).where(Draft.status == "posted"))
        assert set(posted) == {d.billing_key for d in drafted} - {refused.billing_key}
        subject = AuditEntry.subject == refused.billing_key
        actions = session.scalars(sa.select(AuditEntry.action).where(subject))
        assert list(actions) == ["invoice.parked"]


def test_posted_on_create_is_one_posted_document_with_its_ar_invoice(writer: Writer) -> None:
    """Created posted, each invoice is one write and one document, posted with its AR invoice."""
    # given
    invoices = [snapshot(n) for n in range(3)]
    metered = writer.transactions()
    # when
    answers = writer.port.create_documents(
        [NewDocument(i, control(i, "draft"), posted=True) for i in invoices]
    )
    # then
    assert writer.transactions() - metered == len(invoices)
    assert len(set(answers)) == len(invoices)
    assert writer.states() == [OE.posted_state] * len(invoices)
    documents = [str(row.data["RECORDNO"]) for row in writer.sandbox.store.scan("SODOCUMENT")]
    assert sorted(writer.ar_invoices()) == sorted(documents)


@pytest.mark.sandbox(faults=FaultRates(lost=0.5, seed=SEED_THIRD_LOST))
def test_a_batch_retried_after_a_lost_answer_creates_nothing_twice(
    writer: Writer, fresh_engine: sa.Engine
) -> None:
    """A batch whose answer was lost, then retried whole, leaves one posted document each.

    Its drafts, postings and audit entries are recorded once, and the audit chain holds.
    """
    # given: one draft spends the second fault draw, so the batch's request is the lost one
    writer.drafts(1)
    invoices = [snapshot(n) for n in range(100, 130)]
    sessions = session_factory(fresh_engine)
    store, audit = DatabaseDraftStore(sessions), DatabaseAuditLog(sessions)
    runs = BillingRunActivities(due=Due(invoices), drafts=store, intacct=writer.port, audit=audit)
    batch = BillBatchInput(
        company_id=COMPANY,
        run_on=ON,
        billing_keys=tuple(i.billing_key for i in invoices),
        policy=ReviewPolicy(),
        trace_id="t",
        post_approved=True,
    )
    # when: the batch runs, then Temporal retries it as if the activity's answer was lost
    first = runs.draft_batch(batch)
    again = runs.draft_batch(batch)
    # then
    assert writer.client.usage().retries == 1
    assert {d.outcome for d in first.drafted} == {BatchOutcome.AUTO_APPROVED}
    assert [d.intacct_key for d in again.drafted] == [d.intacct_key for d in first.drafted]
    assert writer.states().count(OE.posted_state) == len(invoices)
    assert len(writer.ar_invoices()) == len(invoices)
    with Session(fresh_engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Posting)) == len(invoices)
        actions = list(session.scalars(sa.select(AuditEntry.action)))
        assert actions.count("invoice.posted") == len(invoices)
        assert actions.count("invoice.drafted") == len(invoices)
        assert actions.count("invoice.auto_approved") == len(invoices)
        assert audit_service.verify(session) == []


@dataclass(frozen=True)
class Due:
    """A ``DueInvoices`` whose due invoices are given."""

    invoices: list[InvoiceSnapshot]

    def compute_due(
        self, company_id: str, entity_id: str | None, *, run_on: date
    ) -> tuple[tuple[str, ...], tuple[Finding, ...]]:
        """Every given invoice is due."""
        del company_id, entity_id, run_on
        return tuple(i.billing_key for i in self.invoices), ()

    def load(
        self, company_id: str, billing_keys: Sequence[str], *, run_on: date
    ) -> list[tuple[InvoiceSnapshot, tuple[Finding, ...]]]:
        """The given invoices of these keys, without findings."""
        del company_id, run_on
        by_key = {i.billing_key: i for i in self.invoices}
        return [(by_key[key], ()) for key in billing_keys]


def approved(invoice: InvoiceSnapshot, draft_id: str, intacct_key: str) -> DraftedInvoice:
    """The invoice as the draft batch hands an auto-approved one to the posting."""
    return DraftedInvoice(
        billing_key=invoice.billing_key,
        draft_id=draft_id,
        intacct_key=intacct_key,
        total=invoice.total,
        outcome=BatchOutcome.AUTO_APPROVED,
    )


class Unused:
    """A ``DueInvoices`` the posting never asks."""

    def compute_due(self, *_: object, **__: object) -> BusinessFailure:
        """Never called by a posting."""
        raise NotImplementedError

    load = compute_due
