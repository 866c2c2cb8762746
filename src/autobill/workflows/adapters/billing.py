"""``ContextSource``, ``InvoiceCalculator`` and ``DueInvoices`` over Intacct and the core.

The readers run on a :class:`~autobill.billing.loop.LoopThread` shared with the Intacct
writes, so every activity thread uses the same client, sessions and caches.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from autobill.billing.compute import collector_paused, due_on, invoice_for
from autobill.billing.keys import parse
from autobill.workflows.adapters.errors import as_business_failure
from autobill.workflows.inputs import (
    ComputeInvoiceResult,
    Finding,
    InvoiceContext,
    InvoiceSnapshot,
)
from autobill.workflows.ports import BusinessFailure
from autobill.workflows.snapshots import finding, invoice_snapshot

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from autobill.billing.loop import LoopThread
    from autobill.billing.reader import IntacctReader

NOT_DUE = "not_due"
Kept = dict[str, tuple[InvoiceSnapshot, tuple[Finding, ...]]]


class IntacctContextSource:
    """Reads one billable event's records from Intacct: its own round plus cached master data.

    Args:
        loop: the loop the reader's client lives on.
        reader: the batched Intacct reads.
    """

    def __init__(self, loop: LoopThread, reader: IntacctReader) -> None:
        self._loop = loop
        self._reader = reader

    def gather(self, billing_key: str, company_id: str, *, as_of: date) -> InvoiceContext:
        """Return the records the billing key's invoice needs, keyed by Intacct object."""
        with as_business_failure():
            key = parse(billing_key)
            records = self._loop.run(self._reader.event(key))
        return InvoiceContext(
            billing_key=billing_key, company_id=company_id, as_of=as_of, records=records
        )


class CoreCalculator:
    """Computes the event's invoice as ``autobill preview --from <its date> --as-of <its date>``."""

    def compute(self, context: InvoiceContext) -> ComputeInvoiceResult:
        """Return the invoice the billing key names, with the exceptions about its source."""
        with as_business_failure():
            invoice, exceptions = invoice_for(context.records, parse(context.billing_key))
        snapshot = invoice_snapshot(
            invoice,
            billing_key=context.billing_key,
            company_id=context.company_id,
            entity_id=context.entity_id,
        )
        return ComputeInvoiceResult(
            invoice=snapshot, findings=tuple(finding(e) for e in exceptions)
        )


class IntacctDueInvoices:
    """What a billing run bills: every invoice dated on the run date, computed once and kept.

    The run reads the company's records in one batched pass, computes with the core and keeps
    the invoices in memory for its batches; a worker restarted between batches recomputes
    them (the same records give the same invoices).

    Args:
        loop: the loop the reader's client lives on.
        reader: the batched Intacct reads.
    """

    def __init__(self, loop: LoopThread, reader: IntacctReader) -> None:
        self._loop = loop
        self._reader = reader
        self._kept: dict[tuple[str, date], Kept] = {}
        self._lock = threading.Lock()

    def compute_due(
        self, company_id: str, entity_id: str | None, *, run_on: date
    ) -> tuple[tuple[str, ...], tuple[Finding, ...]]:
        """Compute and keep the invoices due; return their billing keys and run-wide findings."""
        kept, findings = self._compute(company_id, entity_id, run_on)
        return tuple(kept), findings

    def load(
        self, company_id: str, billing_keys: Sequence[str], *, run_on: date
    ) -> Sequence[tuple[InvoiceSnapshot, tuple[Finding, ...]]]:
        """Return the kept invoices of these keys, in the same order, with their findings."""
        with self._lock:
            kept = self._kept.get((company_id, run_on))
        if kept is None:
            kept, _ = self._compute(company_id, None, run_on)
        missing = [key for key in billing_keys if key not in kept]
        if missing:
            msg = f"no invoice is due on {run_on} for {', '.join(missing[:5])}"
            raise BusinessFailure(NOT_DUE, msg)
        return [kept[key] for key in billing_keys]

    def _compute(
        self, company_id: str, entity_id: str | None, run_on: date
    ) -> tuple[Kept, tuple[Finding, ...]]:
        # Reading, computing and snapshotting build some million objects that all stay alive:
        # collections meanwhile would only rescan them (see collector_paused).
        with as_business_failure(), collector_paused():
            due, exceptions = due_on(self._loop.run(self._reader.everything()), run_on)
            kept: Kept = {
                key: (
                    invoice_snapshot(
                        invoice, billing_key=key, company_id=company_id, entity_id=entity_id
                    ),
                    tuple(finding(e) for e in found),
                )
                for key, (invoice, found) in due.items()
            }
        with self._lock:
            self._kept[company_id, run_on] = kept
        return kept, tuple(finding(e) for e in exceptions)
