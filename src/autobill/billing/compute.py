"""Computing invoices from Intacct's records with the core, exactly as ``autobill preview``."""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

from autobill.billing.errors import (
    AMBIGUOUS_BILLING_KEY,
    NOTHING_TO_BILL,
    UNREADABLE_RECORDS,
    BillingError,
)
from autobill.billing.keys import BillingKey, of_invoice
from autobill.billing.records import UnreadableRecord, to_dataset
from autobill.core.billing import BillingException, Invoice, preview
from autobill.dataset import DatasetError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from datetime import date

    from autobill.billing.records import IntacctRecord
    from autobill.core.dataset import Dataset

Computed = tuple[Invoice, tuple[BillingException, ...]]

_paused = 0
_pausing = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (nesting and threads count).

    A company's computation allocates hundreds of thousands of small objects that stay alive
    to its end; each collection the allocations trigger rescans all of them, which took about
    half of a 10,000-invoice day. Reference counting still frees everything meanwhile.
    """
    global _paused  # noqa: PLW0603 - one process-wide count, as the collector is process-wide
    with _pausing:
        _paused += 1
        gc.disable()
    try:
        yield
    finally:
        with _pausing:
            _paused -= 1
            if not _paused:
                gc.enable()


def dataset_of(records: Mapping[str, Sequence[IntacctRecord]]) -> Dataset:
    """The core dataset of Intacct's records; records it cannot hold are a billing error."""
    try:
        return to_dataset(records)
    except (DatasetError, UnreadableRecord) as error:
        raise BillingError(UNREADABLE_RECORDS, str(error)) from error


def concerns(exception: BillingException, invoice: Invoice) -> bool:
    """Whether a billing exception is about the invoice's contract or project (by its source)."""
    owners = {invoice.key.contract_id, invoice.key.project_id} - {None}
    return bool(set(exception.source.split(":")) & owners)


def invoice_for(records: Mapping[str, Sequence[IntacctRecord]], key: BillingKey) -> Computed:
    """The one invoice ``key`` names, as ``preview --from <its date> --as-of <its date>`` does.

    Computed as the billing run computes its day, so an event and a run agree on every key: a
    project's month end takes every eligible entry not billed before it.

    Raises:
        BillingError: the records are unreadable, or they bill no invoice (or several) for it.
    """
    with collector_paused():
        computed = preview(dataset_of(records), as_of=key.invoice_on, start=key.invoice_on)
    found = [invoice for invoice in computed.invoices if key.matches(invoice.key)]
    if len(found) != 1:
        kind = AMBIGUOUS_BILLING_KEY if found else NOTHING_TO_BILL
        msg = f"{key} names {len(found)} invoices in the core's computation, not one"
        raise BillingError(kind, msg)
    invoice = found[0]
    return invoice, tuple(e for e in computed.exceptions if concerns(e, invoice))


def due_on(
    records: Mapping[str, Sequence[IntacctRecord]], run_on: date
) -> tuple[dict[str, Computed], tuple[BillingException, ...]]:
    """Every invoice dated ``run_on`` by billing key, and every exception of the computation."""
    with collector_paused():
        computed = preview(dataset_of(records), as_of=run_on, start=run_on)
    owned = _by_owner(computed.exceptions)
    due = {
        str(of_invoice(invoice.key)): (invoice, _concerning(owned, computed.exceptions, invoice))
        for invoice in computed.invoices
    }
    return due, computed.exceptions


def _by_owner(exceptions: Sequence[BillingException]) -> dict[str, list[int]]:
    """The positions of the exceptions by each part of their source (what ``concerns`` reads)."""
    owned: dict[str, list[int]] = {}
    for position, exception in enumerate(exceptions):
        for part in set(exception.source.split(":")):
            owned.setdefault(part, []).append(position)
    return owned


def _concerning(
    owned: dict[str, list[int]], exceptions: Sequence[BillingException], invoice: Invoice
) -> tuple[BillingException, ...]:
    """The exceptions ``concerns`` keeps for the invoice, in their order, found by its owners."""
    owners = {invoice.key.contract_id, invoice.key.project_id} - {None}
    positions = sorted({p for owner in owners for p in owned.get(str(owner), ())})
    return tuple(exceptions[p] for p in positions)
