"""The core's invoice and exceptions become workflow snapshots, and back, exactly."""

from datetime import date
from decimal import Decimal

import pytest

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
from autobill.workflows.converter import DATA_CONVERTER
from autobill.workflows.inputs import InvoiceSnapshot
from autobill.workflows.snapshots import (
    CoreExceptionChecks,
    core_invoice,
    finding,
    invoice_snapshot,
)

NOVEMBER = DateSpan(date(2026, 11, 1), date(2026, 11, 30))


def a_core_invoice(amount: Decimal) -> Invoice:
    """A core invoice of one taxed, coded charge for ``amount``, in euros converted to USD."""
    key = InvoiceKey(date(2026, 11, 30), "C-1", "CON-1", None, "EUR")
    charge = Charge(
        key=key,
        order=(0,),
        kind="Fixed price",
        source="CONTRACTDETAIL:7",
        item_id="SUB",
        description="Subscription",
        quantity=Decimal(1),
        unit_price=amount,
        amount=amount,
        period=NOVEMBER,
        gl_account="4000",
        dimensions=Dimensions(locationid="US", classid="S"),
        term="Net 30",
    )
    tax = TaxAmount("VAT-20", amount / 5, Decimal("271.59"))
    return Invoice(
        key=key,
        due_date=date(2026, 12, 30),
        places=2,
        exchange_rate=Decimal("1.100000"),
        base_places=2,
        lines=(CoreLine(charge=charge, taxes=(tax,), base_amount=Decimal("1357.95")),),
        subtotal=amount,
        tax_total=amount / 5,
        base_total=Decimal("1629.54"),
        flags=("fx",),
    )


def test_core_invoice_becomes_a_snapshot_with_exact_amounts() -> None:
    """Lines, dates, currency and totals carry over, Decimals unchanged."""
    # given
    invoice = a_core_invoice(Decimal("1234.50"))
    # when
    snapshot = invoice_snapshot(invoice, billing_key="CON-1:7:2026-11", company_id="DEMO")
    # then
    assert snapshot.total == Decimal("1481.40")
    assert (snapshot.customer_id, snapshot.contract_id, snapshot.currency) == (
        "C-1",
        "CON-1",
        "EUR",
    )
    assert (snapshot.lines[0].period_first, snapshot.lines[0].period_last) == (
        NOVEMBER.first,
        NOVEMBER.last,
    )
    assert snapshot.lines[0].taxes[0].base_amount == Decimal("271.59")


@pytest.mark.asyncio(loop_scope="session")
async def test_snapshot_rebuilds_the_core_invoice_after_the_converter() -> None:
    """A snapshot sent through Temporal's converter rebuilds the very same core invoice."""
    # given
    invoice = a_core_invoice(Decimal("1234.50"))
    snapshot = invoice_snapshot(invoice, billing_key="k", company_id="DEMO")
    # when
    (received,) = await DATA_CONVERTER.decode(
        await DATA_CONVERTER.encode([snapshot]), [InvoiceSnapshot]
    )
    # then
    assert core_invoice(received) == invoice


def test_core_exceptions_are_the_default_findings() -> None:
    """A billing exception becomes a finding, and the default checks pass findings through."""
    # given
    found = finding(BillingException("missing_rate", "TIMESHEET:3", "no billing rate"))
    snapshot = invoice_snapshot(a_core_invoice(Decimal(1)), billing_key="k", company_id="DEMO")
    # when
    checked = CoreExceptionChecks().check(snapshot, [found])
    # then
    assert checked == (found,)
    assert found.kind == "missing_rate"
