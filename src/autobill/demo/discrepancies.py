"""The deliberate discrepancies of the demo company, as data the generator and tests share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from autobill.demo.terms import ProjectTerms, Terms


@dataclass(frozen=True)
class Discrepancy:
    """One planted finding: where it is, what differs, and which check should find it."""

    id: str
    kind: str
    source: str
    document_id: str | None
    document_says: str | None
    record_says: str | None


DISCREPANCIES: Final = (
    Discrepancy(
        "D1",
        "rate_mismatch",
        "PROJECTRESOURCES:P-3012/E-101",
        "DOC-003",
        "Senior Consultant (Priya Shah): USD 185.00 per hour",
        "195.00",
    ),
    Discrepancy(
        "D2",
        "price_mismatch",
        "CONTRACTDETAIL:CN-2031/1",
        "DOC-033",
        "GBP 2,400.00 per month",
        "2600.00",
    ),
    Discrepancy(
        "D3",
        "term_mismatch",
        "CONTRACT:CN-2020",
        "DOC-023",
        "payable within 45 days of the invoice date",
        "Net 30",
    ),
    Discrepancy(
        "D4",
        "cap_mismatch",
        "PROJECT:P-3010",
        "DOC-029",
        "shall not exceed USD 150,000.00",
        "175000.00",
    ),
    Discrepancy(
        "D5",
        "po_missing",
        "PROJECT:P-3011",
        "DOC-008",
        "A purchase order is a condition of invoicing",
        None,
    ),
    Discrepancy("D6", "budget_exceeded", "PROJECT:P-3013", None, None, None),
    Discrepancy(
        "D7",
        "duplicate_billing",
        "CONTRACTDETAIL:CN-2019/2",
        "DOC-022",
        "invoiced on signature",
        "7500.00",
    ),
    Discrepancy(
        "D8", "unbilled_work", "TIMESHEETENTRY (three February entries of P-3014)", None, None, None
    ),
)


def apply_order(doc_id: str, terms: Terms) -> Terms:
    """Make an order form say what the records do not (D2, D3, D7), else leave it."""
    if doc_id == "DOC-033":
        terms.fees[0] = terms.fees[0].replace("GBP 2,600.00", "GBP 2,400.00")
    elif doc_id == "DOC-023":
        terms.payment = "Invoices are payable within 45 days of the invoice date."
    elif doc_id == "DOC-022":
        # The fee was invoiced on signature in December 2025; the 2026 line bills it again.
        terms.fees[1] = (
            "Implementation and onboarding fee: one-time fee of USD 7,500.00, "
            "invoiced on signature of this order form"
        )
    return terms


def apply_sow(doc_id: str, terms: ProjectTerms) -> ProjectTerms:
    """Make a statement of work say what the records do not (D1, D4, D5), else leave it."""
    if doc_id == "DOC-003":
        terms.rates = [r.replace("USD 195.00", "USD 185.00") for r in terms.rates]
    elif doc_id == "DOC-029":
        terms.cap = "150000.00"
    elif doc_id == "DOC-008":
        terms.po_required = True
    return terms
