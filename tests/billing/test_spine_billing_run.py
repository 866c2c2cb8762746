"""BillingRunWorkflow on the real ports: dev server, sandbox over HTTP, real database."""

from datetime import date

import pytest
from billing_helpers import COMPANY, FAST_RETRY, POLICY, UPGRADE, Spine, previewed

from autobill.workflows.inputs import BillingRunInput
from autobill.workflows.starters import start_billing_run

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_run_drafts_and_posts_what_is_due(spine: Spine) -> None:
    """A run on the upgrade's date drafts and posts its one invoice, as ``preview`` bills it."""
    # given
    run_on = date(2026, 11, 16)
    invoice = previewed(UPGRADE, run_on, "CN-100")
    given = BillingRunInput(
        company_id=COMPANY, run_on=run_on, trace_id="run", policy=POLICY, retry=FAST_RETRY
    )
    # when
    handle = await start_billing_run(spine.client, given, task_queue=spine.task_queue)
    progress = await handle.result()
    # then
    assert (progress.due, progress.drafted, progress.auto_approved) == (1, 1, 1)
    (document,) = spine.documents()
    assert document.data["STATE"] == "Pending"
    (draft,) = spine.drafts()
    assert draft.billing_key == "contract:CN-100:2026-11-16"
    assert draft.total_amount_minor == int(invoice.total * 100)
    assert draft.status == "posted"
    assert spine.audit_breaks() == []
