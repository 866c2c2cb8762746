"""The values billing produces: charges, invoice lines, invoices and exceptions.

The values made by the hundred thousand (keys, charges, lines, taxes) are named tuples:
immutable like frozen dataclasses, and several times cheaper to build.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final, NamedTuple

if TYPE_CHECKING:
    from datetime import date

    from autobill.core.calendar import DateSpan

ONE_TIME: Final = "One-time"
EVERY_INVOICE: Final = "Include with every invoice"
FIXED_PRICE: Final = "Fixed price"
QUANTITY_BASED: Final = "Quantity based"
COMPLETED: Final = "Completed"
APPROVED: Final = "Approved"


class Dimensions(NamedTuple):
    """The dimensions a line is coded to."""

    locationid: str | None = None
    departmentid: str | None = None
    classid: str | None = None
    projectid: str | None = None


class InvoiceKey(NamedTuple):
    """What makes lines one invoice: customer, contract or project, date and currency."""

    invoice_date: date
    customer_id: str
    contract_id: str | None
    project_id: str | None
    currency: str

    def sort_key(self) -> tuple[object, ...]:
        """Order invoices by date, customer, contract, project; a missing id first."""
        return (
            self.invoice_date,
            self.customer_id,
            (self.contract_id is not None, self.contract_id or ""),
            (self.project_id is not None, self.project_id or ""),
        )


class Charge(NamedTuple):
    """One line billing decided to bill, before tax, currency conversion and grouping.

    ``order`` places the line within its invoice (billing-semantics section 6).
    """

    key: InvoiceKey
    order: tuple[object, ...]
    kind: str
    source: str
    item_id: str | None
    description: str
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal
    period: DateSpan | None
    gl_account: str | None
    dimensions: Dimensions
    term: str | None = None


class TaxAmount(NamedTuple):
    """One tax detail's amount on a line."""

    detail_id: str
    amount: Decimal
    base_amount: Decimal | None = None


class InvoiceLine(NamedTuple):
    """A line of a produced invoice: its charge, taxes and base currency amount."""

    charge: Charge
    taxes: tuple[TaxAmount, ...]
    base_amount: Decimal | None

    def base_total(self) -> Decimal:
        """The line's amount and taxes in the base currency (zero when not converted)."""
        parts = (self.base_amount, *(t.base_amount for t in self.taxes))
        return sum((p for p in parts if p is not None), Decimal(0))


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice billing would draft, with its totals and flags."""

    key: InvoiceKey
    due_date: date
    places: int
    exchange_rate: Decimal | None
    base_places: int
    lines: tuple[InvoiceLine, ...]
    subtotal: Decimal
    tax_total: Decimal
    base_total: Decimal | None
    flags: tuple[str, ...]

    @property
    def total(self) -> Decimal:
        """Lines plus taxes."""
        return self.subtotal + self.tax_total


@dataclass(frozen=True, slots=True, order=True)
class BillingException:
    """Something billing could not bill as the spec says: a finding for people, never a guess."""

    kind: str
    source: str
    message: str
