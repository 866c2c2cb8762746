"""What the demo's month produced, checked against ``preview``: counts, latency, Intacct usage.

The month went through when every invoice ``preview`` computes for it (on the company as the
month left it) is in Intacct once, with the previewed total, or parked for people; and when
Intacct holds no invoice twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from rich.table import Table

from autobill.billing.keys import of_invoice
from autobill.core.money import Money, round_ratio

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import datetime

    from autobill.core.billing import Invoice
    from autobill.models import Draft

POSTED: Final = "posted"
UNDECIDED: Final = "drafted"


@dataclass(frozen=True, slots=True)
class Transactions:
    """The Intacct transactions autobill used: on the events' invoices, on the daily runs."""

    events: int
    runs: int

    @property
    def total(self) -> int:
        """Both together."""
        return self.events + self.runs


@dataclass(frozen=True, slots=True)
class Observed:
    """What the demo read back once the month was over."""

    drafts: Sequence[Draft]
    parked: frozenset[str]
    documents_per_key: Mapping[str, int]
    received: Mapping[str, datetime]
    transactions: Transactions


@dataclass(frozen=True, slots=True)
class MonthSummary:
    """The month's figures and the differences from ``preview``."""

    expected: int
    drafted: int
    auto_approved: int
    in_review: int
    exceptions: int
    from_events: int
    duplicates_in_intacct: int
    transactions: Transactions
    event_to_draft_p50_s: float | None
    event_to_draft_p95_s: float | None
    missing: tuple[str, ...]
    mismatched: tuple[str, ...]

    @property
    def went_through(self) -> bool:
        """Every previewed invoice drafted once at its total (or parked), nothing twice."""
        return not self.missing and not self.mismatched and self.duplicates_in_intacct == 0

    @property
    def transactions_per_invoice(self) -> Decimal:
        """The Intacct transactions autobill used per drafted invoice, to two places."""
        if not self.drafted:
            return Decimal(0)
        return round_ratio(self.transactions.total, self.drafted, 2)

    def as_json(self) -> dict[str, Any]:
        """The figures as one JSON object (decimals as numbers people can read)."""
        return {
            "went_through": self.went_through,
            "expected": self.expected,
            "drafted": self.drafted,
            "auto_approved": self.auto_approved,
            "in_review": self.in_review,
            "exceptions": self.exceptions,
            "from_events": self.from_events,
            "duplicates_in_intacct": self.duplicates_in_intacct,
            "transactions": self.transactions.total,
            "transactions_events": self.transactions.events,
            "transactions_runs": self.transactions.runs,
            "transactions_per_invoice": str(self.transactions_per_invoice),
            "event_to_draft_p50_s": self.event_to_draft_p50_s,
            "event_to_draft_p95_s": self.event_to_draft_p95_s,
            "missing": list(self.missing),
            "mismatched": list(self.mismatched),
        }


def summarize(expected: Iterable[Invoice], seen: Observed) -> MonthSummary:
    """Compare what the month drafted with what ``preview`` computes for it."""
    wanted = {str(of_invoice(invoice.key)): invoice for invoice in expected}
    drafts = {d.billing_key: d for d in seen.drafts}
    in_intacct = {k: d for k, d in drafts.items() if d.intacct_key}
    latencies = _latencies(in_intacct.values(), seen.received)
    return MonthSummary(
        expected=len(wanted),
        drafted=len(in_intacct),
        auto_approved=sum(d.status == POSTED for d in in_intacct.values()),
        in_review=sum(d.status == UNDECIDED for d in in_intacct.values()),
        exceptions=len(seen.parked),
        from_events=len(latencies),
        duplicates_in_intacct=sum(n - 1 for n in seen.documents_per_key.values() if n > 1),
        transactions=seen.transactions,
        event_to_draft_p50_s=_rank(latencies, 50),
        event_to_draft_p95_s=_rank(latencies, 95),
        missing=tuple(k for k in wanted if k not in in_intacct and k not in seen.parked),
        mismatched=tuple(
            k for k, inv in wanted.items() if k in in_intacct and _total(in_intacct[k]) != inv.total
        ),
    )


def _total(draft: Draft) -> Decimal:
    return Money.from_minor(draft.total_amount_minor, draft.currency).amount


def _latencies(drafts: Iterable[Draft], received: Mapping[str, datetime]) -> list[float]:
    """Seconds from an event's acceptance to its invoice's draft (drafts started by events)."""
    return sorted(
        (d.created_at - received[d.trace_id]).total_seconds()
        for d in drafts
        if d.trace_id is not None and d.trace_id in received
    )


def _rank(values: Sequence[float], percent: int) -> float | None:
    """The nearest-rank percentile, in seconds to three places; None without values."""
    if not values:
        return None
    return round(values[max(math.ceil(percent / 100 * len(values)) - 1, 0)], 3)


def summary_table(summary: MonthSummary, *, runs: int) -> Table:
    """The table the demo prints at the end."""
    table = Table(title="November 2026, billed by autobill")
    table.add_column("")
    table.add_column("", justify="right")
    seconds = summary.event_to_draft_p50_s, summary.event_to_draft_p95_s
    rows = [
        ("invoices preview computes for the month", summary.expected),
        ("drafted in Intacct", summary.drafted),
        ("  started by an event", summary.from_events),
        (f"  drafted by the {runs} daily billing runs", summary.drafted - summary.from_events),
        ("auto-approved and posted", summary.auto_approved),
        ("waiting for review", summary.in_review),
        ("exceptions (parked for people)", summary.exceptions),
        ("duplicates in Intacct", summary.duplicates_in_intacct),
        ("Intacct transactions used by autobill", summary.transactions.total),
        ("  for the events' invoices", summary.transactions.events),
        ("  for the daily billing runs", summary.transactions.runs),
        ("  per invoice", summary.transactions_per_invoice),
        (
            "event to draft, p50 / p95 (s)",
            " / ".join("-" if s is None else f"{s:.3f}" for s in seconds),
        ),
        ("missing or different from preview", len(summary.missing) + len(summary.mismatched)),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    return table
