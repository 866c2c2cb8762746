"""Computing invoices from Intacct's records with the core, exactly as ``autobill preview``."""

from __future__ import annotations

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
    from collections.abc import Mapping, Sequence
    from datetime import date

    from autobill.billing.records import IntacctRecord
    from autobill.core.dataset import Dataset

Computed = tuple[Invoice, tuple[BillingException, ...]]


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
    """The one invoice ``key`` names, as ``preview --as-of <its date>`` computes it.

    Raises:
        BillingError: the records are unreadable, or they bill no invoice (or several) for it.
    """
    computed = preview(dataset_of(records), as_of=key.invoice_on)
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
    computed = preview(dataset_of(records), as_of=run_on, start=run_on)
    due = {
        str(of_invoice(invoice.key)): (
            invoice,
            tuple(e for e in computed.exceptions if concerns(e, invoice)),
        )
        for invoice in computed.invoices
    }
    return due, computed.exceptions
