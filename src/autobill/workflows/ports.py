"""The small interfaces activities depend on; storage and the Intacct client implement them.

Implementations raise :class:`BusinessFailure` (or any exception whose ``retryable`` is False,
as the Intacct client's errors do) for problems people must fix; every other exception is
treated as transport trouble and retried by Temporal within a bounded policy.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from autobill.workflows.inputs import (
    AuditInput,
    ComputeInvoiceResult,
    Decision,
    Finding,
    InvoiceContext,
    InvoiceSnapshot,
    ParkInvoiceInput,
)


class BusinessFailure(Exception):
    """A failure retrying cannot fix: the invoice is parked for people.

    Args:
        kind: a short stable code, used as the Temporal ``ApplicationError`` type.
        message: what people need to know.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.retryable = False


@dataclass(frozen=True, slots=True)
class StoredDraft:
    """A stored draft: its id, and what an earlier attempt recorded of it in Intacct."""

    draft_id: str
    intacct_key: str | None = None
    posted: bool = False


@dataclass(frozen=True, slots=True)
class Settlement:
    """What became of one invoice of a batch in Intacct, and the audit entries that say so.

    ``posted_by`` is the controlid of the write that posted it; ``parked`` says why it was not.
    """

    draft_id: str
    intacct_key: str | None = None
    posted_by: str | None = None
    parked: ParkInvoiceInput | None = None
    audit: tuple[AuditInput, ...] = ()


@dataclass(frozen=True, slots=True)
class NewDocument:
    """An invoice to create in Intacct under ``control_id``: as a draft, or already posted."""

    invoice: InvoiceSnapshot
    control_id: str
    posted: bool = False


class ContextSource(Protocol):
    """Reads what one billable event needs from Intacct, in one batched read."""

    def gather(self, billing_key: str, company_id: str, *, as_of: date) -> InvoiceContext:
        """Return the records the computation needs for this billing key."""
        ...


class InvoiceCalculator(Protocol):
    """Computes an invoice from its context with the pure core."""

    def compute(self, context: InvoiceContext) -> ComputeInvoiceResult:
        """Return the invoice and the core's exceptions for people."""
        ...


class InvoiceChecks(Protocol):
    """The pluggable checks step (for now the core's exceptions; AI checks later)."""

    def check(self, invoice: InvoiceSnapshot, findings: Sequence[Finding]) -> tuple[Finding, ...]:
        """Return every finding for the invoice, including the ones given."""
        ...


class DraftStore(Protocol):
    """Our database's drafts: one per (company, billing key), decisions and exceptions."""

    def save_draft(
        self, invoice: InvoiceSnapshot, findings: Sequence[Finding], *, trace_id: str
    ) -> str:
        """Store the draft, or find the one already stored for its key; return its id."""
        ...

    def record_intacct_key(self, draft_id: str, intacct_key: str) -> None:
        """Remember the Intacct key of the draft."""
        ...

    def record_decision(self, draft_id: str, decision: Decision, *, trace_id: str) -> None:
        """Store a reviewer's decision on the draft."""
        ...

    def record_posting(self, draft_id: str, intacct_key: str) -> None:
        """Mark the draft posted in Intacct."""
        ...

    def park(self, parked: ParkInvoiceInput) -> None:
        """Record the invoice as an exception for people (idempotent per billing key and step)."""
        ...

    def save_drafts(
        self, invoices: Sequence[tuple[InvoiceSnapshot, Sequence[Finding]]], *, trace_id: str
    ) -> Sequence[StoredDraft]:
        """Store (or find) the drafts of a batch in one transaction; answer in the same order."""
        ...

    def settle(self, settlements: Sequence[Settlement]) -> None:
        """Record a batch's keys, postings and parkings with their audit entries, atomically.

        An invoice already settled as given (a retried batch) is skipped with its entries, so
        nothing is recorded or audited twice.
        """
        ...


class IntacctDrafts(Protocol):
    """The Intacct writes of invoices; every write carries its deterministic controlid."""

    def create_drafts(
        self, invoices: Sequence[tuple[InvoiceSnapshot, str]]
    ) -> Sequence[str | BusinessFailure]:
        """Create each (invoice, controlid) as a draft; return its key or why it was refused.

        A replayed controlid answers with the key of the record the first attempt created.
        """
        ...

    def post(self, intacct_key: str, *, control_id: str) -> str:
        """Post the draft; return the posted record's key (replays answer the same key)."""
        ...

    def post_many(self, postings: Sequence[tuple[str, str]]) -> Sequence[str | BusinessFailure]:
        """Post each (Intacct key, controlid) in batched requests; return its key or refusal.

        Answers keep the order given; a replayed controlid answers the key it posted before.
        """
        ...

    def create_documents(self, documents: Sequence[NewDocument]) -> Sequence[str | BusinessFailure]:
        """Create each document, drafts and posted ones in the same batched requests.

        Answers keep the order given: the record's key, or why it was refused; a replayed
        controlid answers the key of the record the first attempt created.
        """
        ...


class AuditLog(Protocol):
    """The append-only, hash-chained audit log."""

    def append(self, entry: AuditInput) -> None:
        """Append one entry."""
        ...

    def append_many(self, entries: Sequence[AuditInput]) -> None:
        """Append entries in order, in one transaction."""
        ...


class DueInvoices(Protocol):
    """What a billing run bills: computed once, then loaded batch by batch."""

    def compute_due(
        self, company_id: str, entity_id: str | None, *, run_on: date
    ) -> tuple[tuple[str, ...], tuple[Finding, ...]]:
        """Compute and keep the invoices due; return their billing keys and run-wide findings."""
        ...

    def load(
        self, company_id: str, billing_keys: Sequence[str], *, run_on: date
    ) -> Sequence[tuple[InvoiceSnapshot, tuple[Finding, ...]]]:
        """Return the kept invoices of these keys, in the same order, with their findings."""
        ...
