"""The small interfaces activities depend on; storage and the Intacct client implement them.

Implementations raise :class:`BusinessFailure` (or any exception whose ``retryable`` is False,
as the Intacct client's errors do) for problems people must fix; every other exception is
treated as transport trouble and retried by Temporal within a bounded policy.
"""

from collections.abc import Sequence
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


class AuditLog(Protocol):
    """The append-only, hash-chained audit log."""

    def append(self, entry: AuditInput) -> None:
        """Append one entry."""
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
