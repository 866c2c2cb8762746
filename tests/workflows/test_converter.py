"""The Decimal-safe data converter, alone and through a real workflow."""

from datetime import date
from decimal import Decimal

import pytest
from workflow_fakes import make_invoice
from workflow_helpers import Running, invoice_input, unique_key

from autobill.workflows.converter import DATA_CONVERTER
from autobill.workflows.inputs import InvoiceSnapshot
from autobill.workflows.invoice import InvoiceWorkflow
from autobill.workflows.starters import start_invoice

EXACT = Decimal("1234.567890123456789012345678")


@pytest.mark.asyncio(loop_scope="session")
async def test_decimal_and_date_round_trip_exactly_through_payloads() -> None:
    """Decimal amounts and dates survive encoding and decoding without any float in between."""
    # given
    invoice = make_invoice("key", EXACT)
    # when
    payloads = await DATA_CONVERTER.encode([invoice])
    (decoded,) = await DATA_CONVERTER.decode(payloads, [InvoiceSnapshot])
    # then
    assert decoded == invoice
    assert decoded.subtotal == EXACT
    assert isinstance(decoded.invoice_on, date)
    assert b'"1234.567890123456789012345678"' in payloads[0].data


@pytest.mark.asyncio(loop_scope="session")
async def test_decimal_total_round_trips_through_a_workflow(running: Running) -> None:
    """A total with more digits than a float holds comes back from the workflow unchanged."""
    # given
    key = unique_key()
    running.world.add(key, Decimal("0.100000000000000000000000001"))
    # when
    handle = await start_invoice(running.client, invoice_input(key), task_queue=running.task_queue)
    status = await handle.result()
    # then
    assert status.total == Decimal("0.100000000000000000000000001")
    assert (await handle.query(InvoiceWorkflow.status)).total == status.total
