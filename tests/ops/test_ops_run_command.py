"""``autobill run --date`` and ``autobill schedule`` against the dev server."""

import asyncio
from uuid import uuid4

import pytest
from temporalio.client import WorkflowExecutionStatus
from typer.testing import CliRunner

from autobill.cli import app
from fixtures.review import Reviewing

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_billing_run_starts_once_per_company_and_date(reviewing: Reviewing) -> None:
    """The run's id names the company and date; a second run that day is refused, not repeated."""
    # given
    company = f"CO-{uuid4().hex[:8]}"
    env = reviewing.cli_env() | {"AUTOBILL_INTACCT__COMPANY_ID": company, "COLUMNS": "200"}
    runner = CliRunner()
    args = ["run", "--date", "2026-11-30"]
    # when
    first = await asyncio.to_thread(runner.invoke, app, args, env=env)
    run_id = f"billing-run:{company}:-:2026-11-30"
    await reviewing.client.get_workflow_handle(run_id).result()
    second = await asyncio.to_thread(runner.invoke, app, args, env=env)
    # then
    assert first.exit_code == 0, first.output
    assert f"started billing run {run_id}" in first.output
    assert second.exit_code == 2
    assert f"{run_id} already ran or is running" in second.output
    described = await reviewing.client.get_workflow_handle(run_id).describe()
    assert described.status == WorkflowExecutionStatus.COMPLETED
    assert described.run_id is not None


async def test_a_bad_date_is_a_usage_error(reviewing: Reviewing) -> None:
    """``--date`` must be a calendar date."""
    # when
    result = await asyncio.to_thread(
        CliRunner().invoke, app, ["run", "--date", "30/11/2026"], env=reviewing.cli_env()
    )
    # then
    assert result.exit_code == 2
    assert "is not a date" in result.output


async def test_schedule_sets_up_the_daily_run(reviewing: Reviewing) -> None:
    """``autobill schedule`` creates the company's daily schedule, and updates it when rerun."""
    # given
    company = f"CO-{uuid4().hex[:8]}"
    env = reviewing.cli_env() | {"AUTOBILL_INTACCT__COMPANY_ID": company}
    runner = CliRunner()
    # when
    first = await asyncio.to_thread(runner.invoke, app, ["schedule", "--hour", "5"], env=env)
    again = await asyncio.to_thread(runner.invoke, app, ["schedule", "--hour", "7"], env=env)
    # then
    assert first.exit_code == 0, first.output
    assert again.exit_code == 0, again.output
    handle = reviewing.client.get_schedule_handle(f"billing-run:{company}:-")
    described = await handle.describe()
    (calendar,) = described.schedule.spec.calendars
    assert [r.start for r in calendar.hour] == [7]
    await handle.delete()
