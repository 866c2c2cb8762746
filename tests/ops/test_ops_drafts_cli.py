"""``autobill drafts``: list, show, approve and reject against a real worker and SQLite."""

import asyncio
from datetime import UTC, datetime

import pytest
from click.testing import Result
from typer.testing import CliRunner

from autobill.cli import app
from autobill.workflows.inputs import InvoiceState
from autobill.workflows.invoice import InvoiceWorkflow
from fixtures.review import Reviewing

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def autobill(reviewing: Reviewing, *args: str) -> Result:
    """Run the command line in a thread, so the worker on this loop keeps working."""
    runner = CliRunner()
    env = reviewing.cli_env() | {"COLUMNS": "200"}
    return await asyncio.to_thread(runner.invoke, app, list(args), env=env)


async def test_list_and_show_render_a_waiting_draft(reviewing: Reviewing) -> None:
    """``list --waiting`` lists the draft; ``show`` renders its lines, sources and findings."""
    # given
    handle, draft_id = await reviewing.waiting_draft()
    await reviewing.posted_draft()
    # when
    listed = await autobill(reviewing, "drafts", "list", "--waiting")
    shown = await autobill(reviewing, "drafts", "show", str(draft_id))
    # then
    assert listed.exit_code == 0, listed.output
    assert "1 draft(s)" in listed.output
    assert handle.id in listed.output
    assert "1500.00 USD" in listed.output
    assert shown.exit_code == 0, shown.output
    for expected in (
        "Forecasting models, milestone 2",
        '"recordno": "T-42"',
        "price went up 40%",
        "price_change",
        f"SO-{handle.id}",
        "waiting for a decision",
    ):
        assert expected in shown.output


async def test_approve_signals_the_waiting_workflow_which_posts(reviewing: Reviewing) -> None:
    """Approving through the command line posts the invoice and stores who, when and why."""
    # given
    handle, draft_id = await reviewing.waiting_draft()
    before = datetime.now(UTC)
    # when
    result = await autobill(
        reviewing, "drafts", "approve", str(draft_id), "--by", "ana", "--reason", "checked"
    )
    # then
    assert result.exit_code == 0, result.output
    status = await handle.result()
    assert status.state is InvoiceState.POSTED
    assert (await handle.query(InvoiceWorkflow.status)).state is InvoiceState.POSTED
    (decision,) = reviewing.decisions(draft_id)
    assert (decision.decision, decision.decided_by, decision.reason) == (
        "approved",
        "ana",
        "checked",
    )
    assert decision.decided_at >= before
    assert "approved" in result.output


async def test_reject_records_the_decision(reviewing: Reviewing) -> None:
    """Rejecting through the command line ends the workflow rejected, with the reason stored."""
    # given
    handle, draft_id = await reviewing.waiting_draft()
    # when
    result = await autobill(
        reviewing, "drafts", "reject", str(draft_id), "--by", "bo", "--reason", "wrong rate"
    )
    # then
    assert result.exit_code == 0, result.output
    assert (await handle.result()).state is InvoiceState.REJECTED
    (decision,) = reviewing.decisions(draft_id)
    assert (decision.decision, decision.decided_by, decision.reason) == (
        "rejected",
        "bo",
        "wrong rate",
    )


async def test_approving_a_draft_that_is_not_waiting_is_a_clear_error(
    reviewing: Reviewing,
) -> None:
    """A posted draft cannot be approved: exit 2, saying why, and nothing is stored."""
    # given
    _, draft_id = await reviewing.posted_draft()
    # when
    result = await autobill(reviewing, "drafts", "approve", str(draft_id), "--by", "ana")
    missing = await autobill(reviewing, "drafts", "show", "999999")
    # then
    assert result.exit_code == 2
    assert f"draft {draft_id} does not await a decision: it is posted" in result.output
    assert reviewing.decisions(draft_id) == []
    assert missing.exit_code == 2
    assert "draft 999999 does not exist" in missing.output
