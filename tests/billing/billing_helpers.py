"""Helpers of the spine tests: the examples, fast workflow settings and what the tests read."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.orm import Session
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from autobill.audit import service as audit_service
from autobill.core.billing import Invoice, preview
from autobill.dataset import load_dataset
from autobill.intacct.mapping import CompanySettings
from autobill.models import AuditEntry, Draft, Finding
from autobill.sandbox.store import Row
from autobill.workflows.inputs import (
    InvoiceStatus,
    InvoiceWorkflowInput,
    RetrySettings,
    ReviewPolicy,
)
from autobill.workflows.invoice import InvoiceWorkflow
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
POLICY = ReviewPolicy(auto_approve_below=Decimal(1000), escalate_after=timedelta(hours=1))

Handle = WorkflowHandle[InvoiceWorkflow, InvoiceStatus]


@dataclass(frozen=True)
class Spine:
    """A real worker's task queue, with the Temporal client, the sandbox and the database."""

    client: Client
    task_queue: str
    sandbox: RunningSandbox
    engine: sa.Engine

    async def start(self, billing_key: str, *, workflow_id: str | None = None) -> Handle:
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
                retry=FAST_RETRY,
            ),
            id=workflow_id or f"{billing_key}#{uuid4().hex[:8]}",
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )

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
