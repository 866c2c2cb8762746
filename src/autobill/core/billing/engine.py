"""The preview: every invoice due in a window, with revenue and exceptions, from records alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

# A module import, not a name import: revrec imports billing.contracts, which imports this
# package, so either module may be the first one imported.
from autobill.core import revrec
from autobill.core.billing.contracts import (
    fixed_price_plan,
    is_fixed_price,
    line_context,
    usage_charges,
)
from autobill.core.billing.invoices import group, make_invoices
from autobill.core.billing.projects import bill_project
from autobill.core.calendar import ONE_DAY, DateSpan, month_end

if TYPE_CHECKING:
    from autobill.core.billing.contracts import LineContext
    from autobill.core.billing.model import BillingException, Charge, Invoice, InvoiceKey
    from autobill.core.dataset import Dataset
    from autobill.core.revrec import RevenueEntry


class InvalidWindow(ValueError):
    """The preview's ``--from`` date falls after its ``--as-of`` date."""


@dataclass(frozen=True, slots=True)
class Preview:
    """What would be billed up to ``as_of``: invoices, revenue schedules and exceptions."""

    as_of: date
    invoices: tuple[Invoice, ...]
    revenue: tuple[RevenueEntry, ...]
    exceptions: tuple[BillingException, ...]


@dataclass(frozen=True, slots=True)
class ContractBilling:
    """Each contract line's resolved context and plan, and the charges due in the window."""

    plans: tuple[tuple[LineContext, tuple[Charge, ...]], ...]
    charges: tuple[Charge, ...]
    exceptions: tuple[BillingException, ...]


def preview(data: Dataset, *, as_of: date, start: date | None = None) -> Preview:
    """Compute every invoice dated from ``start`` to ``as_of``, with revenue and exceptions.

    Args:
        data: the company's records.
        as_of: the last invoice date to include; revenue is recognised to its month.
        start: the first invoice date to include (``--from``); None for every earlier one.

    Returns:
        The preview, ordered as ``preview.md`` prescribes.

    Raises:
        InvalidWindow: when ``start`` is after ``as_of``.
    """
    if start is not None and start > as_of:
        msg = f"--from {start} is after --as-of {as_of}"
        raise InvalidWindow(msg)
    window = DateSpan(start or date.min, as_of)
    contracts = bill_contracts(data, window)
    charges = list(contracts.charges)
    found = list(contracts.exceptions)
    over_cap: set[InvoiceKey] = set()
    month_ends = _month_ends(data, start, as_of)
    first = month_ends[0] if start is not None and month_ends else None
    for project in sorted(data.projects, key=lambda p: p.projectid):
        billed = bill_project(data, project, month_ends, first)
        charges.extend(billed.charges)
        found.extend(billed.exceptions)
        over_cap |= billed.over_cap
    invoicing = make_invoices(data, group(charges), frozenset(over_cap))
    found.extend(invoicing.exceptions)
    revenue = revrec.recognise(data, contracts.plans, invoicing.invoices, as_of=as_of)
    return Preview(as_of, invoicing.invoices, revenue, _unique(found))


def bill_contracts(data: Dataset, window: DateSpan) -> ContractBilling:
    """Plan every contract line and keep the charges dated within ``window``."""
    plans: list[tuple[LineContext, tuple[Charge, ...]]] = []
    charges: list[Charge] = []
    found: list[BillingException] = []
    for contract in sorted(data.contracts, key=lambda c: c.contractid):
        for line in data.index.lines_by_contract.get(contract.contractid, ()):
            ctx = line_context(data, contract, line)
            if not is_fixed_price(line):
                plans.append((ctx, ()))
                charges.extend(usage_charges(data, ctx, window))
                continue
            plan, problems = fixed_price_plan(data, ctx)
            plans.append((ctx, plan))
            found.extend(problems)
            charges.extend(c for c in plan if c.key.invoice_date in window)
    return ContractBilling(tuple(plans), tuple(charges), tuple(found))


def _month_ends(data: Dataset, start: date | None, as_of: date) -> list[date]:
    """The month ends at which projects bill: from ``start`` (or the first entry) to ``as_of``."""
    if start is None:
        dates = [t.entrydate for t in data.timesheetentries]
        dates += [e.entrydate for e in data.expenseitems]
        if not dates:
            return []
        start = min(dates)
    last = as_of if month_end(as_of) == as_of else as_of.replace(day=1) - ONE_DAY
    ends = []
    current = month_end(start)
    while current <= last:
        ends.append(current)
        current = month_end(current + ONE_DAY)
    return ends


def _unique(found: list[BillingException]) -> tuple[BillingException, ...]:
    """Keep one exception per (kind, source), ordered by kind then source."""
    first: dict[tuple[str, str], BillingException] = {}
    for exception in found:
        first.setdefault((exception.kind, exception.source), exception)
    return tuple(first[k] for k in sorted(first))
