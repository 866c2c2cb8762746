"""The core's invoices to workflow snapshots and back, and the default checks step.

Snapshots carry every value of the core's ``Invoice`` so that storage (which maps the core's
invoice to rows) can rebuild it exactly with :func:`core_invoice`.
"""

from collections.abc import Sequence

from autobill.core.billing import (
    BillingException,
    Charge,
    Dimensions,
    Invoice,
    InvoiceKey,
    TaxAmount,
)
from autobill.core.billing import InvoiceLine as CoreLine
from autobill.core.calendar import DateSpan
from autobill.workflows.inputs import (
    Finding,
    InvoiceLine,
    InvoiceSnapshot,
    LineDimensions,
    LineTax,
)


def finding(exception: BillingException) -> Finding:
    """The core's billing exception as a finding for people."""
    return Finding(kind=exception.kind, source=exception.source, message=exception.message)


def line_snapshot(line: CoreLine) -> InvoiceLine:
    """One core line as a snapshot line."""
    charge, period = line.charge, line.charge.period
    return InvoiceLine(
        kind=charge.kind,
        source=charge.source,
        description=charge.description,
        item_id=charge.item_id,
        quantity=charge.quantity,
        unit_price=charge.unit_price,
        amount=charge.amount,
        period_first=period.first if period else None,
        period_last=period.last if period else None,
        gl_account=charge.gl_account,
        dimensions=LineDimensions.model_validate(charge.dimensions, from_attributes=True),
        term=charge.term,
        taxes=tuple(LineTax.model_validate(t, from_attributes=True) for t in line.taxes),
        base_amount=line.base_amount,
    )


def invoice_snapshot(
    invoice: Invoice, *, billing_key: str, company_id: str, entity_id: str | None = None
) -> InvoiceSnapshot:
    """The core's invoice as the workflows carry it; amounts stay the core's exact Decimals."""
    key = invoice.key
    return InvoiceSnapshot(
        billing_key=billing_key,
        company_id=company_id,
        entity_id=entity_id,
        customer_id=key.customer_id,
        contract_id=key.contract_id,
        project_id=key.project_id,
        invoice_on=key.invoice_date,
        due_on=invoice.due_date,
        currency=key.currency,
        places=invoice.places,
        exchange_rate=invoice.exchange_rate,
        base_places=invoice.base_places,
        lines=tuple(line_snapshot(line) for line in invoice.lines),
        subtotal=invoice.subtotal,
        tax_total=invoice.tax_total,
        base_total=invoice.base_total,
        flags=invoice.flags,
    )


def core_line(key: InvoiceKey, position: int, line: InvoiceLine) -> CoreLine:
    """A snapshot line as the core's line; its printed order is its position."""
    period = None
    if line.period_first is not None and line.period_last is not None:
        period = DateSpan(line.period_first, line.period_last)
    charge = Charge(
        key=key,
        order=(position,),
        kind=line.kind,
        source=line.source,
        item_id=line.item_id,
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        amount=line.amount,
        period=period,
        gl_account=line.gl_account,
        dimensions=Dimensions(**line.dimensions.model_dump()),
        term=line.term,
    )
    taxes = tuple(TaxAmount(**t.model_dump()) for t in line.taxes)
    return CoreLine(charge=charge, taxes=taxes, base_amount=line.base_amount)


def core_invoice(snapshot: InvoiceSnapshot) -> Invoice:
    """The snapshot as the core's invoice again, for storage's mapping to rows."""
    key = InvoiceKey(
        invoice_date=snapshot.invoice_on,
        customer_id=snapshot.customer_id,
        contract_id=snapshot.contract_id,
        project_id=snapshot.project_id,
        currency=snapshot.currency,
    )
    return Invoice(
        key=key,
        due_date=snapshot.due_on,
        places=snapshot.places,
        exchange_rate=snapshot.exchange_rate,
        base_places=snapshot.base_places,
        lines=tuple(core_line(key, i, line) for i, line in enumerate(snapshot.lines)),
        subtotal=snapshot.subtotal,
        tax_total=snapshot.tax_total,
        base_total=snapshot.base_total,
        flags=snapshot.flags,
    )


class CoreExceptionChecks:
    """The checks step until AI checks land: the core's exceptions are the findings."""

    def check(self, invoice: InvoiceSnapshot, findings: Sequence[Finding]) -> tuple[Finding, ...]:
        """Return the computation's findings unchanged."""
        del invoice
        return tuple(findings)
