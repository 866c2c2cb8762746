"""The billing engine: what is billed, when, and for how much (billing-semantics.md)."""

from autobill.core.billing.engine import InvalidWindow, Preview, preview
from autobill.core.billing.model import (
    BillingException,
    Charge,
    Dimensions,
    Invoice,
    InvoiceKey,
    InvoiceLine,
    TaxAmount,
)

__all__ = [
    "BillingException",
    "Charge",
    "Dimensions",
    "InvalidWindow",
    "Invoice",
    "InvoiceKey",
    "InvoiceLine",
    "Preview",
    "TaxAmount",
    "preview",
]
