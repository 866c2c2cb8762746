"""Which invoice a billable change lands on, read off the core's own schedule, never guessed.

A change names its source (a contract, optionally one of its lines, or a project) and the day
it takes effect; it lands on the first invoice dated on or after that day that carries the
source. A contract's usage lands on its billing period's last day, an upgrade on its first
day, a cancellation's credit on the day after the line ends, a milestone on its task's
completion day, and a project's approved time on the month end of the invoice that takes it
(the project's own, or its contract's).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Final

from autobill.billing.compute import dataset_of
from autobill.billing.keys import BillingKey, SourceKind, of_invoice
from autobill.core.billing import preview

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import date

    from autobill.billing.records import IntacctRecord
    from autobill.core.billing import Invoice

# Longer than the longest billing period (a year), so the next invoice of any line is in view.
HORIZON: Final = timedelta(days=400)


@dataclass(frozen=True, slots=True)
class Change:
    """A billable change: its source, the day it takes effect, and for a contract its line."""

    kind: SourceKind
    source_id: str
    on: date
    line_no: int | None = None


def landing_key(
    records: Mapping[str, Sequence[IntacctRecord]], change: Change, *, exact: bool = False
) -> BillingKey | None:
    """The billing key of the first invoice on or after the change that carries it, if any.

    With ``exact``, only an invoice dated on the change's day counts (a milestone bills on
    its task's completion day or not at all).
    """
    until = change.on if exact else change.on + HORIZON
    computed = preview(dataset_of(records), as_of=until, start=change.on)
    for invoice in computed.invoices:  # the core orders invoices by date first
        if _carries(invoice, change):
            return of_invoice(invoice.key)
    return None


def _carries(invoice: Invoice, change: Change) -> bool:
    """Whether the invoice bills the change's source (and line, when it names one)."""
    key = invoice.key
    if change.kind is SourceKind.PROJECT:
        return key.project_id == change.source_id or _has_project(invoice, change.source_id)
    if key.contract_id != change.source_id:
        return False
    if change.line_no is None:
        return True
    wanted = f"CONTRACTDETAIL:{change.source_id}:{change.line_no}"
    return any(line.charge.source == wanted for line in invoice.lines)


def _has_project(invoice: Invoice, project_id: str) -> bool:
    """Whether a contract's invoice carries the project's time or expenses (its dimension)."""
    return any(line.charge.dimensions.projectid == project_id for line in invoice.lines)


def milestone_contracts(
    lines: Iterable[IntacctRecord], templates: Iterable[IntacctRecord], *, task_id: str
) -> tuple[str, ...]:
    """The contracts whose milestone lines bill on the task, sorted."""
    naming = {
        str(t.get("NAME")) for t in templates if any(_entry_task(e) == task_id for e in _entries(t))
    }
    return tuple(
        sorted({str(x["CONTRACTID"]) for x in lines if x.get("BILLINGTEMPLATENAME") in naming})
    )


def _entries(template: IntacctRecord) -> list[object]:
    """A template's entries: Intacct hands lists of mappings over as JSON text."""
    entries = template.get("ENTRIES")
    if isinstance(entries, str):
        try:
            entries = json.loads(entries)
        except ValueError:
            return []
    return list(entries) if isinstance(entries, list) else []


def _entry_task(entry: object) -> object:
    return entry.get("TASKID") if isinstance(entry, dict) else None
