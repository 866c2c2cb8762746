"""The billing key: which source an invoice bills and for which invoice date.

It is the one place the key is defined. A key is ``<kind>:<id>:<invoice date>``:

* ``contract:CN-1:2026-11-30`` bills contract CN-1's charges dated 30 Nov 2026 (every line of
  the contract due that day: the core puts them on one invoice);
* ``project:P-7:2026-11-30`` bills project P-7's month (time, expenses, milestones) dated 30 Nov.

The invoice date names the period, because the core gives every billing period exactly one
invoice date per source. The key is also the InvoiceWorkflow's id and, with the company, the
unique key of our stored draft and the seed of the Intacct controlids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from autobill.billing.errors import BAD_BILLING_KEY, UNKEYED_INVOICE, BillingError

if TYPE_CHECKING:
    from autobill.core.billing import InvoiceKey


class SourceKind(StrEnum):
    """What an invoice bills: a contract's lines or a project's month."""

    CONTRACT = "contract"
    PROJECT = "project"


@dataclass(frozen=True, slots=True)
class BillingKey:
    """A parsed billing key: the source's kind and id, and the invoice date."""

    kind: SourceKind
    source_id: str
    invoice_on: date

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.source_id}:{self.invoice_on.isoformat()}"

    def matches(self, key: InvoiceKey) -> bool:
        """Whether the core's invoice key is the invoice this billing key names."""
        if key.invoice_date != self.invoice_on:
            return False
        if self.kind is SourceKind.CONTRACT:
            return key.contract_id == self.source_id
        return key.project_id == self.source_id and key.contract_id is None


def parse(text: str) -> BillingKey:
    """Read a billing key; a malformed one is a business failure (retrying cannot fix it)."""
    kind, _, rest = text.partition(":")
    source_id, _, day = rest.rpartition(":")
    try:
        parsed = BillingKey(SourceKind(kind), source_id, date.fromisoformat(day))
    except ValueError:
        return _bad(text)
    return parsed if source_id else _bad(text)


def _bad(text: str) -> BillingKey:
    msg = f"{text!r} is not a billing key: write contract:<id>:<date> or project:<id>:<date>"
    raise BillingError(BAD_BILLING_KEY, msg)


def of_invoice(key: InvoiceKey) -> BillingKey:
    """The billing key of a core invoice: its contract, else its project, and its date."""
    if key.contract_id is not None:
        return BillingKey(SourceKind.CONTRACT, key.contract_id, key.invoice_date)
    if key.project_id is None:
        msg = f"invoice {key} has neither a contract nor a project"
        raise BillingError(UNKEYED_INVOICE, msg)
    return BillingKey(SourceKind.PROJECT, key.project_id, key.invoice_date)
