"""An event's invoice is drafted once its date has begun, not before (real dev server)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from workflow_helpers import Running, invoice_input, unique_key, until

from autobill.workflows.inputs import InvoiceState
from autobill.workflows.starters import start_invoice

pytestmark = pytest.mark.asyncio(loop_scope="session")


def today() -> date:
    """Today in UTC, the timezone of the wait."""
    return datetime.now(UTC).date()


async def test_an_invoice_dated_tomorrow_waits_and_drafts_nothing(running: Running) -> None:
    """Usage reported before its period ends: the workflow is scheduled, nothing is drafted."""
    # given
    key = unique_key()
    running.world.add(key, Decimal("120.00"))
    given = invoice_input(key).model_copy(update={"not_before": today() + timedelta(days=1)})
    # when
    handle = await start_invoice(running.client, given, task_queue=running.task_queue)
    status = await until(handle, lambda s: s.state is InvoiceState.SCHEDULED)
    # then
    assert status.draft_id is None
    assert running.world.actions(key) == []
    await handle.terminate("test done")


async def test_an_invoice_dated_today_is_drafted_at_once(running: Running) -> None:
    """The day has begun: the invoice goes straight on to be drafted and posted."""
    # given
    key = unique_key()
    running.world.add(key, Decimal("120.00"))
    given = invoice_input(key).model_copy(update={"not_before": today()})
    # when
    status = await (
        await start_invoice(running.client, given, task_queue=running.task_queue)
    ).result()
    # then
    assert status.state is InvoiceState.POSTED
