"""Helpers of the spine tests: the examples, fast workflow settings and what the tests read."""

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.orm import Session
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.worker import Worker

from autobill.audit import service as audit_service
from autobill.config import IntacctSettings, Settings
from autobill.core.billing import Invoice, preview
from autobill.dataset import load_dataset
from autobill.intacct import ClientOptions, RetryPolicy
from autobill.intacct.mapping import CompanySettings, invoice_key
from autobill.models import AuditEntry, Draft, Finding
from autobill.sandbox.store import Row
from autobill.workflows.inputs import (
    InvoiceStatus,
    InvoiceWorkflowInput,
    RetrySettings,
    ReviewPolicy,
)
from autobill.workflows.invoice import InvoiceWorkflow
from autobill.workflows.wiring import real_worker
from fixtures.sandbox_server import RunningSandbox

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "examples"
UPGRADE = EXAMPLES / "upgrade.yaml"
MINIMAL = EXAMPLES / "minimal.yaml"
COMPANY = "DEMO"  # the sandbox's company id
OE = CompanySettings(company=COMPANY)
FIELDS = frozenset({OE.trace_field, OE.trigger_field, OE.key_field})
FAST_RETRY = RetrySettings(
    initial_interval=timedelta(milliseconds=50),
    maximum_interval=timedelta(milliseconds=200),
    maximum_attempts=5,
    start_to_close=timedelta(seconds=20),
)
FAST_CLIENT_RETRY = RetryPolicy(attempts=6, timeout=20.0, wait_initial=0.01, wait_max=0.05)
POLICY = ReviewPolicy(auto_approve_below=Decimal(1000), escalate_after=timedelta(hours=1))

Handle = WorkflowHandle[InvoiceWorkflow, InvoiceStatus]


@dataclass(frozen=True)
class Spine:
    """A real worker's task queue, with the Temporal client, the sandbox and the database."""

    client: Client
    task_queue: str
    sandbox: RunningSandbox
    engine: sa.Engine

    async def start(
        self,
        billing_key: str,
        *,
        workflow_id: str | None = None,
        retry: RetrySettings = FAST_RETRY,
    ) -> Handle:
        """Start an InvoiceWorkflow for the billing key under a workflow id unique to the test.

        The billing keys of the examples repeat across tests on the shared dev server, whose
        ids are never reused (``start_invoice``'s policies, kept here), so tests add a suffix.
        """
        return await self.client.start_workflow(
            InvoiceWorkflow.run,
            InvoiceWorkflowInput(
                billing_key=billing_key,
                company_id=COMPANY,
                as_of=date(2026, 11, 30),
                trace_id=f"trace-{uuid4().hex[:8]}",
                policy=POLICY,
                retry=retry,
            ),
            id=workflow_id or f"{billing_key}#{uuid4().hex[:8]}",
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )

    def settings(self) -> Settings:
        """The settings a worker of this spine runs with: its database and its sandbox."""
        url = self.engine.url.render_as_string(hide_password=False)
        return Settings(database_url=url, intacct=IntacctSettings(endpoint=self.sandbox.xml_url))

    @asynccontextmanager
    async def worker(self) -> AsyncIterator[Worker]:
        """Run a real worker on this spine's task queue while the block runs."""
        # A tier key of its own: the process-wide limiter must not be shared with other tests.
        options = ClientOptions(tier_key=self.task_queue, retry=FAST_CLIENT_RETRY)
        async with real_worker(
            self.settings(), client=self.client, task_queue=self.task_queue, options=options
        ) as worker:
            yield worker

    def documents_per_key(self) -> Counter[str]:
        """How many Sales Invoices the sandbox holds per invoice, by autobill's key field."""
        return Counter(d.data.get(OE.key_field, "") for d in self.documents())

    def drafts_per_key(self) -> Counter[str]:
        """How many stored drafts each billing key has."""
        return Counter(d.billing_key for d in self.drafts())

    def documents(self) -> list[Row]:
        """Every Sales Invoice in the sandbox."""
        return self.sandbox.store.scan("SODOCUMENT")

    def entries(self, document: Row) -> list[Row]:
        """A Sales Invoice's lines, in line order."""
        docid = document.data["DOCID"]
        found = [
            r for r in self.sandbox.store.scan("SODOCUMENTENTRY") if r.data.get("DOCHDRID") == docid
        ]
        return sorted(found, key=lambda r: int(r.data.get("LINE_NO") or 0))

    def drafts(self) -> list[Draft]:
        """Every stored draft with its lines."""
        with Session(self.engine) as session:
            drafts = list(session.scalars(sa.select(Draft).order_by(Draft.id)))
            for draft in drafts:
                _ = draft.lines
            return drafts

    def findings(self) -> list[Finding]:
        """Every stored finding."""
        with Session(self.engine) as session:
            return list(session.scalars(sa.select(Finding).order_by(Finding.id)))

    def audit_actions(self) -> list[str]:
        """The actions of the audit log, in order."""
        with Session(self.engine) as session:
            return list(session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.seq)))

    def audited(self, action: str) -> Counter[str]:
        """How many audit entries of ``action`` each subject (billing key) has."""
        with Session(self.engine) as session:
            found = session.scalars(
                sa.select(AuditEntry.subject).where(AuditEntry.action == action)
            )
            return Counter(found)

    def audit_breaks(self) -> list[audit_service.ChainBreak]:
        """Where the audit chain does not hold (none expected)."""
        with Session(self.engine) as session:
            return audit_service.verify(session)


def previewed(dataset: Path, invoice_on: date, source: str) -> Invoice:
    """The invoice ``autobill preview --as-of <invoice_on>`` computes for the source that day."""
    found = [
        invoice
        for invoice in preview(load_dataset(dataset), as_of=invoice_on).invoices
        if invoice.key.invoice_date == invoice_on
        and source in (invoice.key.contract_id, invoice.key.project_id)
    ]
    (invoice,) = found
    return invoice


def autobill_key(invoice: Invoice) -> str:
    """The value autobill's key custom field holds on the invoice's Intacct document."""
    return f"autobill:{COMPANY}:{invoice_key(invoice.key)}"
