"""In-memory fakes of the workflow ports: storage and the Intacct client are tested elsewhere."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from autobill.workflows.activities import InvoiceActivities
from autobill.workflows.inputs import (
    AuditInput,
    ComputeInvoiceResult,
    Decision,
    Finding,
    InvoiceContext,
    InvoiceLine,
    InvoiceSnapshot,
    ParkInvoiceInput,
)
from autobill.workflows.ports import BusinessFailure, NewDocument, Settlement, StoredDraft
from autobill.workflows.run_activities import BillingRunActivities

COMPANY = "DEMO"
AS_OF = date(2026, 11, 30)


def make_invoice(key: str, total: Decimal = Decimal("120.00")) -> InvoiceSnapshot:
    """An invoice of one line for ``total``, keyed ``key``."""
    line = InvoiceLine(
        description="Consulting",
        source=f"TASK:{key}",
        quantity=Decimal(1),
        unit_price=total,
        amount=total,
    )
    return InvoiceSnapshot(
        billing_key=key,
        company_id=COMPANY,
        customer_id="C-1",
        invoice_on=AS_OF,
        due_on=AS_OF + timedelta(days=30),
        currency="USD",
        lines=(line,),
        subtotal=total,
    )


@dataclass
class FakeWorld:
    """Every port at once, remembering what the activities did to it."""

    invoices: dict[str, ComputeInvoiceResult] = field(default_factory=dict)
    drafts: dict[str, str] = field(default_factory=dict)
    intacct_drafts: dict[str, str] = field(default_factory=dict)
    create_attempts: int = 0
    created_posted: dict[str, str] = field(default_factory=dict)
    settled: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    settle_calls: int = 0
    transport_failures: int = 0
    refuse: set[str] = field(default_factory=set)
    posts: dict[str, str] = field(default_factory=dict)
    post_calls: int = 0
    post_batches: list[int] = field(default_factory=list)
    refuse_post: set[str] = field(default_factory=set)
    decisions: list[Decision] = field(default_factory=list)
    parked: list[ParkInvoiceInput] = field(default_factory=list)
    audit: list[AuditInput] = field(default_factory=list)
    loads: list[tuple[str, ...]] = field(default_factory=list)
    _ids: "count[int]" = field(default_factory=count)

    def add(self, key: str, total: Decimal = Decimal("120.00"), *findings: Finding) -> None:
        """Make ``key`` a billable event computing to ``total`` with ``findings``."""
        self.invoices[key] = ComputeInvoiceResult(
            invoice=make_invoice(key, total), findings=findings
        )

    def actions(self, subject: str) -> list[str]:
        """The audit actions recorded for ``subject``, in order."""
        return [e.action for e in self.audit if e.subject == subject]

    # ContextSource, InvoiceCalculator, InvoiceChecks
    def gather(self, billing_key: str, company_id: str, *, as_of: date) -> InvoiceContext:
        """Return an empty context for the key."""
        return InvoiceContext(billing_key=billing_key, company_id=company_id, as_of=as_of)

    def compute(self, context: InvoiceContext) -> ComputeInvoiceResult:
        """Return the invoice registered for the context's key."""
        return self.invoices[context.billing_key]

    def check(self, invoice: InvoiceSnapshot, findings: Sequence[Finding]) -> tuple[Finding, ...]:
        """Pass the computation's findings through, as the default checks step does."""
        del invoice
        return tuple(findings)

    # DraftStore
    def save_draft(
        self, invoice: InvoiceSnapshot, findings: Sequence[Finding], *, trace_id: str
    ) -> str:
        """Store one draft per billing key."""
        del findings, trace_id
        return self.drafts.setdefault(invoice.billing_key, f"D-{next(self._ids)}")

    def record_intacct_key(self, draft_id: str, intacct_key: str) -> None:
        """Nothing to remember beyond the Intacct fake's own record."""
        del draft_id, intacct_key

    def record_decision(self, draft_id: str, decision: Decision, *, trace_id: str) -> None:
        """Remember the decision."""
        del draft_id, trace_id
        self.decisions.append(decision)

    def record_posting(self, draft_id: str, intacct_key: str) -> None:
        """Nothing to remember beyond the Intacct fake's own record."""
        del draft_id, intacct_key

    def park(self, parked: ParkInvoiceInput) -> None:
        """Remember the exception."""
        self.parked.append(parked)

    def save_drafts(
        self, invoices: Sequence[tuple[InvoiceSnapshot, Sequence[Finding]]], *, trace_id: str
    ) -> list[StoredDraft]:
        """Store one draft per billing key; answer what earlier settlements recorded of it."""
        ids = [self.save_draft(invoice, found, trace_id=trace_id) for invoice, found in invoices]
        return [self._stored(draft_id) for draft_id in ids]

    def _stored(self, draft_id: str) -> StoredDraft:
        key, posted_by = self.settled.get(draft_id, (None, None))
        return StoredDraft(draft_id, intacct_key=key, posted=posted_by is not None)

    def settle(self, settlements: Sequence[Settlement]) -> None:
        """Record each settlement once, with its audit entries; a repeat changes nothing."""
        self.settle_calls += 1
        for settlement in settlements:
            if settlement.parked is not None:
                if settlement.parked in self.parked:
                    continue
                self.parked.append(settlement.parked)
            else:
                state = (settlement.intacct_key, settlement.posted_by)
                if self.settled.get(settlement.draft_id) == state:
                    continue
                self.settled[settlement.draft_id] = state
            self.audit.extend(settlement.audit)

    # IntacctDrafts
    def create_documents(self, documents: Sequence[NewDocument]) -> list[str | BusinessFailure]:
        """Create drafts or posted documents; a replayed controlid returns the first key."""
        answers = self.create_drafts([(d.invoice, d.control_id) for d in documents])
        for document, answer in zip(documents, answers, strict=True):
            if document.posted and isinstance(answer, str):
                self.created_posted.setdefault(document.control_id, answer)
        return answers

    def create_drafts(
        self,
        invoices: Sequence[tuple[InvoiceSnapshot, str]],
    ) -> list[str | BusinessFailure]:
        """Create drafts like Intacct with uniqueid: a replayed controlid returns the first key."""
        self.create_attempts += 1
        if self.transport_failures:
            self.transport_failures -= 1
            msg = "connection reset"
            raise ConnectionError(msg)
        return [self._create(invoice, control) for invoice, control in invoices]

    def _create(self, invoice: InvoiceSnapshot, control: str) -> str | BusinessFailure:
        if invoice.billing_key in self.refuse:
            return BusinessFailure("CustomerOnHold", f"customer of {invoice.billing_key} on hold")
        return self.intacct_drafts.setdefault(control, f"ARINV-{len(self.intacct_drafts) + 1}")

    def post(self, intacct_key: str, *, control_id: str) -> str:
        """Post once per controlid."""
        self.post_calls += 1
        return self.posts.setdefault(control_id, intacct_key)

    def post_many(self, postings: Sequence[tuple[str, str]]) -> list[str | BusinessFailure]:
        """Post a batch once per controlid, refusing the drafts in ``refuse_post``."""
        self.post_batches.append(len(postings))
        return [self._post_one(key, control) for key, control in postings]

    def _post_one(self, intacct_key: str, control: str) -> str | BusinessFailure:
        if intacct_key in self.refuse_post:
            return BusinessFailure("PeriodClosed", f"{intacct_key} falls in a closed period")
        return self.posts.setdefault(control, intacct_key)

    # AuditLog
    def append(self, entry: AuditInput) -> None:
        """Append the entry."""
        self.audit.append(entry)

    def append_many(self, entries: Sequence[AuditInput]) -> None:
        """Append the entries in order."""
        self.audit.extend(entries)

    # DueInvoices
    def compute_due(
        self, company_id: str, entity_id: str | None, *, run_on: date
    ) -> tuple[tuple[str, ...], tuple[Finding, ...]]:
        """Every registered invoice is due."""
        del company_id, entity_id, run_on
        return tuple(self.invoices), ()

    def load(
        self, company_id: str, billing_keys: Sequence[str], *, run_on: date
    ) -> list[tuple[InvoiceSnapshot, tuple[Finding, ...]]]:
        """Return the registered invoices of the keys, counting the call."""
        del company_id, run_on
        self.loads.append(tuple(billing_keys))
        return [(self.invoices[k].invoice, self.invoices[k].findings) for k in billing_keys]

    def activities(self) -> tuple[InvoiceActivities, BillingRunActivities]:
        """Both activity classes wired to this world."""
        invoices = InvoiceActivities(
            context=self, calculator=self, checks=self, drafts=self, intacct=self, audit=self
        )
        runs = BillingRunActivities(due=self, drafts=self, intacct=self, audit=self)
        return invoices, runs
