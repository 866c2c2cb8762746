"""One Pydantic model per workflow and activity input and result: ids and snapshots only."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, JsonValue


class Snapshot(BaseModel):
    """Base of every payload: immutable, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class InvoiceState(StrEnum):
    """Where an invoice stands in its workflow."""

    STARTED = "started"
    SCHEDULED = "scheduled"  # waiting for its invoice date to begin
    DRAFTED = "drafted"
    IN_REVIEW = "in_review"
    ESCALATED = "escalated"
    APPROVED = "approved"
    REJECTED = "rejected"
    POSTED = "posted"
    PARKED = "parked"


class Finding(Snapshot):
    """Something people must look at: a billing exception or a failed check."""

    kind: str
    source: str
    message: str


class LineDimensions(Snapshot):
    """The dimensions a line is coded to."""

    locationid: str | None = None
    departmentid: str | None = None
    classid: str | None = None
    projectid: str | None = None


class LineTax(Snapshot):
    """One tax detail's amount on a line."""

    detail_id: str
    amount: Decimal
    base_amount: Decimal | None = None


class InvoiceLine(Snapshot):
    """One line of a computed invoice, with the source records it came from."""

    kind: str = ""
    source: str
    description: str
    item_id: str | None = None
    quantity: Decimal
    unit_price: Decimal | None = None
    amount: Decimal
    period_first: date | None = None
    period_last: date | None = None
    gl_account: str | None = None
    dimensions: LineDimensions = LineDimensions()
    term: str | None = None
    taxes: tuple[LineTax, ...] = ()
    base_amount: Decimal | None = None
    sources: tuple[dict[str, JsonValue], ...] = ()


class InvoiceSnapshot(Snapshot):
    """A computed invoice as the workflow carries it: every value of the core's, no ORM."""

    billing_key: str
    company_id: str
    entity_id: str | None = None
    customer_id: str
    contract_id: str | None = None
    project_id: str | None = None
    invoice_on: date
    due_on: date
    currency: str
    places: int = 2
    exchange_rate: Decimal | None = None
    base_places: int = 2
    lines: tuple[InvoiceLine, ...]
    subtotal: Decimal
    tax_total: Decimal = Decimal(0)
    base_total: Decimal | None = None
    flags: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        """Lines plus taxes."""
        return self.subtotal + self.tax_total


class BatchOutcome(StrEnum):
    """What became of one invoice of a batch."""

    AUTO_APPROVED = "auto_approved"
    NEEDS_REVIEW = "needs_review"
    PARKED = "parked"


class DraftedInvoice(Snapshot):
    """An invoice drafted in a batch, with what the policy decided for it."""

    billing_key: str
    draft_id: str
    intacct_key: str
    total: Decimal
    findings: tuple[Finding, ...] = ()
    outcome: BatchOutcome
    reason: str = ""


class RetrySettings(Snapshot):
    """The bounded retry of transport failures (short in tests, minutes in production)."""

    initial_interval: timedelta = timedelta(seconds=1)
    maximum_interval: timedelta = timedelta(minutes=1)
    maximum_attempts: int = Field(default=8, ge=1)
    start_to_close: timedelta = timedelta(minutes=2)


class ReviewPolicy(Snapshot):
    """When an invoice skips review, and how long a review may wait before escalating."""

    auto_approve_below: Decimal = Decimal(1000)
    escalate_after: timedelta = timedelta(days=2)


class InvoiceWorkflowInput(Snapshot):
    """Start of an ``InvoiceWorkflow``: the billing key is also the workflow id.

    ``drafted`` is set by a billing run that already drafted the invoice in a batch; the
    workflow then starts at the review wait. ``not_before`` (an event's invoice date) holds the
    drafting until that day begins, so usage or time reported early is billed complete.
    """

    billing_key: str
    company_id: str
    entity_id: str | None = None
    as_of: date
    trace_id: str
    policy: ReviewPolicy = ReviewPolicy()
    retry: RetrySettings = RetrySettings()
    drafted: DraftedInvoice | None = None
    not_before: date | None = None


class Decision(Snapshot):
    """A reviewer's decision, sent by signal (``decide``) or update (``approve``/``reject``)."""

    approved: bool
    user: str = Field(min_length=1)
    reason: str | None = None


class DecisionBy(Snapshot):
    """Who approves or rejects through an update, and why."""

    user: str = Field(min_length=1)
    reason: str | None = None


class InvoiceStatus(Snapshot):
    """The answer of the ``status`` query, and the workflow's result."""

    billing_key: str
    state: InvoiceState
    draft_id: str | None = None
    intacct_key: str | None = None
    total: Decimal | None = None
    findings: tuple[Finding, ...] = ()
    decision: Decision | None = None
    escalations: int = 0
    parked_reason: str | None = None


class GatherContextInput(Snapshot):
    """Which billable event to read Intacct context for."""

    billing_key: str
    company_id: str
    entity_id: str | None = None
    as_of: date


class InvoiceContext(Snapshot):
    """The records one batched read returned, keyed by Intacct object name."""

    billing_key: str
    company_id: str
    entity_id: str | None = None
    as_of: date
    records: dict[str, tuple[dict[str, JsonValue], ...]] = Field(default_factory=dict)


class ComputeInvoiceResult(Snapshot):
    """The core's invoice for the context, and the exceptions it raised for people."""

    invoice: InvoiceSnapshot
    findings: tuple[Finding, ...] = ()


class RunChecksInput(Snapshot):
    """The invoice to check, with the findings the computation already produced."""

    invoice: InvoiceSnapshot
    findings: tuple[Finding, ...] = ()


class RunChecksResult(Snapshot):
    """Every finding after the checks; blocking ones send the invoice to review."""

    findings: tuple[Finding, ...] = ()


class PersistDraftInput(Snapshot):
    """The draft to save; one draft per (company, billing key) however often this runs."""

    invoice: InvoiceSnapshot
    findings: tuple[Finding, ...] = ()
    trace_id: str


class PersistDraftResult(Snapshot):
    """The stored draft's id."""

    draft_id: str


class CreateIntacctDraftInput(Snapshot):
    """The stored draft to create in Intacct."""

    draft_id: str
    invoice: InvoiceSnapshot


class CreateIntacctDraftResult(Snapshot):
    """Intacct's key of the created (or, on a replay, the already created) draft."""

    intacct_key: str


class ApplyReviewPolicyInput(Snapshot):
    """The invoice, its findings and the policy to apply."""

    invoice: InvoiceSnapshot
    findings: tuple[Finding, ...] = ()
    policy: ReviewPolicy


class ApplyReviewPolicyResult(Snapshot):
    """Whether a person must review the invoice, and why."""

    needs_review: bool
    reason: str


class RecordDecisionInput(Snapshot):
    """A reviewer's decision on a stored draft."""

    draft_id: str
    decision: Decision
    trace_id: str


class PostInvoiceInput(Snapshot):
    """The approved draft to post in Intacct."""

    draft_id: str
    billing_key: str
    company_id: str
    intacct_key: str


class PostInvoiceResult(Snapshot):
    """The posted invoice's Intacct key."""

    intacct_key: str


class AuditInput(Snapshot):
    """One audit entry: who did what to which subject, with before and after."""

    actor: str
    action: str
    subject: str
    trace_id: str
    rule_version: str | None = None
    prompt_version: str | None = None
    inputs_digest: str | None = None
    before: dict[str, JsonValue] = Field(default_factory=dict)
    after: dict[str, JsonValue] = Field(default_factory=dict)


class ParkInvoiceInput(Snapshot):
    """An invoice that failed for a business reason, to hand to people as an exception."""

    billing_key: str
    company_id: str
    draft_id: str | None = None
    step: str
    error_type: str
    message: str
    trace_id: str


class BillingRunInput(Snapshot):
    """A billing run for a company/entity; ``run_on`` None means the day it starts."""

    company_id: str
    entity_id: str | None = None
    run_on: date | None = None
    timezone: str = "UTC"
    batch_size: int = Field(default=200, ge=1)
    trace_id: str
    policy: ReviewPolicy = ReviewPolicy()
    retry: RetrySettings = RetrySettings()


class ComputeDueInput(Snapshot):
    """The run to compute; ``started_at`` with ``timezone`` gives the date when none is set."""

    company_id: str
    entity_id: str | None = None
    run_on: date | None = None
    started_at: datetime
    timezone: str


class ComputeDueResult(Snapshot):
    """The billing keys due on the run date (the invoices are kept by the source)."""

    run_on: date
    billing_keys: tuple[str, ...]
    findings: tuple[Finding, ...] = ()


class DraftBatchInput(Snapshot):
    """One batch of due invoices to persist, draft in Intacct and sort by review policy."""

    company_id: str
    entity_id: str | None = None
    run_on: date
    billing_keys: tuple[str, ...]
    policy: ReviewPolicy
    trace_id: str


class DraftBatchResult(Snapshot):
    """Every invoice of the batch with its outcome, in the batch's order."""

    drafted: tuple[DraftedInvoice, ...]


class ParkBatchInput(Snapshot):
    """A batch that failed as a whole after its retries, with the last error."""

    batch: DraftBatchInput
    error_type: str
    message: str


class PostBatchInput(Snapshot):
    """Auto-approved invoices of one batch to post in Intacct."""

    company_id: str
    invoices: tuple[DraftedInvoice, ...]
    trace_id: str


class PostBatchResult(Snapshot):
    """How many of the batch were posted."""

    posted: int


class BillingRunProgress(Snapshot):
    """The answer of the ``progress`` query, and the run's result."""

    company_id: str
    run_on: date | None = None
    due: int = 0
    batches: int = 0
    batches_done: int = 0
    drafted: int = 0
    auto_approved: int = 0
    in_review: int = 0
    parked: int = 0
    done: bool = False
