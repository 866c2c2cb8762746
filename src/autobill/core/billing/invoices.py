"""Invoices: grouping charges, tax, base currency, totals and flags (billing-semantics 6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from autobill.core.billing.model import (
    BillingException,
    Charge,
    Invoice,
    InvoiceKey,
    InvoiceLine,
    TaxAmount,
)
from autobill.core.money import Currency, exact_product, percent_of, round_half_up

if TYPE_CHECKING:
    from collections.abc import Iterable

    from autobill.core.dataset import Dataset
    from autobill.core.records import ExchangeRate


@dataclass(frozen=True, slots=True)
class Invoicing:
    """The invoices produced and the exceptions that withheld others."""

    invoices: tuple[Invoice, ...]
    exceptions: tuple[BillingException, ...]


def group(charges: Iterable[Charge]) -> dict[InvoiceKey, list[Charge]]:
    """Gather charges by invoice, each invoice's lines in their printed order."""
    groups: dict[InvoiceKey, list[Charge]] = {}
    for charge in charges:
        groups.setdefault(charge.key, []).append(charge)
    for members in groups.values():
        members.sort(key=lambda c: c.order)
    return groups


def make_invoices(
    data: Dataset, groups: dict[InvoiceKey, list[Charge]], over_cap: frozenset[InvoiceKey]
) -> Invoicing:
    """Produce each group's invoice, or the exceptions that withhold it.

    Args:
        data: the company's records.
        groups: the charges of each invoice, in line order.
        over_cap: the invoices that hold project lines past a ``Bill and flag`` cap.

    Returns:
        The invoices in preview order, and the withholding exceptions.
    """
    invoices: list[Invoice] = []
    found: list[BillingException] = []
    for key in sorted(groups, key=InvoiceKey.sort_key):
        invoice, problems = _invoice(data, key, groups[key], over_cap=key in over_cap)
        found.extend(problems)
        if invoice is not None:
            invoices.append(invoice)
    return Invoicing(tuple(invoices), tuple(found))


def _invoice(
    data: Dataset, key: InvoiceKey, charges: list[Charge], *, over_cap: bool
) -> tuple[Invoice | None, list[BillingException]]:
    base = data.company.basecurr
    rate: Decimal | None = None
    if key.currency != base:
        found_rate = exchange_rate(data, key)
        if found_rate is None:
            source = (
                f"CONTRACT:{key.contract_id}" if key.contract_id else f"PROJECT:{key.project_id}"
            )
            message = f"no {key.currency}->{base} rate on or before {key.invoice_date}"
            return None, [BillingException("missing_exchange_rate", source, message)]
        rate = found_rate.rate
    taxed, problems = _taxes(data, key, charges)
    if problems:
        return None, problems
    lines = _in_base(charges, taxed, rate, Currency.of(base).places)
    return _assemble(data, key, lines, rate=rate, over_cap=over_cap), []


def exchange_rate(data: Dataset, key: InvoiceKey) -> ExchangeRate | None:
    """The latest rate from the invoice currency to BASECURR dated on or before the invoice."""
    rates = data.index.rates.get((key.currency, data.company.basecurr), ())
    dated = [r for r in rates if r.ratedate <= key.invoice_date]
    return dated[-1] if dated else None


def _taxes(
    data: Dataset, key: InvoiceKey, charges: list[Charge]
) -> tuple[list[tuple[TaxAmount, ...]], list[BillingException]]:
    index = data.index
    customer = index.customers[key.customer_id]
    places = Currency.of(key.currency).places
    taxed: list[tuple[TaxAmount, ...]] = []
    problems: list[BillingException] = []
    for charge in charges:
        item = index.items.get(charge.item_id) if charge.item_id else None
        if not (customer.taxable and item is not None and item.taxable):
            taxed.append(())
            continue
        tax_map = index.taxmaps.get((customer.taxgroup or "", item.taxgroup or ""))
        if tax_map is None:
            message = f"no tax map for ({customer.taxgroup}, {item.taxgroup})"
            problems.append(BillingException("missing_tax_map", charge.source, message))
            continue
        taxed.append(
            tuple(
                TaxAmount(
                    d,
                    round_half_up(percent_of(charge.amount, index.taxdetails[d].value), places),
                )
                for d in tax_map.taxdetails
            )
        )
    return taxed, problems


def _assemble(
    data: Dataset,
    key: InvoiceKey,
    lines: tuple[InvoiceLine, ...],
    *,
    rate: Decimal | None,
    over_cap: bool,
) -> Invoice:
    """Total the lines and flag the invoice."""
    subtotal = sum((line.charge.amount for line in lines), Decimal(0))
    tax_total = sum((t.amount for line in lines for t in line.taxes), Decimal(0))
    base_total = None
    if rate is not None:
        base_total = sum((line.base_total() for line in lines), Decimal(0))
    flags = tuple(
        flag
        for flag, raised in (("credit_balance", subtotal + tax_total < 0), ("over_cap", over_cap))
        if raised
    )
    term = data.index.arterms[lines[0].charge.term or ""]
    return Invoice(
        key=key,
        due_date=key.invoice_date + timedelta(days=term.duedays),
        places=Currency.of(key.currency).places,
        exchange_rate=rate,
        base_places=Currency.of(data.company.basecurr).places,
        lines=lines,
        subtotal=subtotal,
        tax_total=tax_total,
        base_total=base_total,
        flags=flags,
    )


def _in_base(
    charges: list[Charge], taxed: list[tuple[TaxAmount, ...]], rate: Decimal | None, places: int
) -> tuple[InvoiceLine, ...]:
    """Attach each line's taxes and convert line and tax amounts to BASECURR, each rounded."""

    def to_base(amount: Decimal) -> Decimal | None:
        if rate is None:
            return None
        return round_half_up(exact_product(amount, rate), places)

    return tuple(
        InvoiceLine(
            charge,
            tuple(TaxAmount(t.detail_id, t.amount, to_base(t.amount)) for t in taxes),
            to_base(charge.amount),
        )
        for charge, taxes in zip(charges, taxed, strict=True)
    )
