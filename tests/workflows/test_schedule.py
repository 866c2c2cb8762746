"""The daily billing schedule, created and then updated on the real dev server."""

import pytest
from temporalio.client import ScheduleActionStartWorkflow, ScheduleDescription
from temporalio.testing import WorkflowEnvironment
from workflow_fakes import COMPANY
from workflow_helpers import unique_key

from autobill.workflows.inputs import BillingRunInput
from autobill.workflows.schedule import ensure_billing_schedule


async def describe(env: WorkflowEnvironment, ident: str) -> ScheduleDescription:
    """Describe the schedule ``ident``."""
    return await env.client.get_schedule_handle(ident).describe()


@pytest.mark.asyncio(loop_scope="session")
async def test_schedule_is_created_daily_then_updated_in_place(
    temporal_env: WorkflowEnvironment,
) -> None:
    """Ensuring the schedule twice creates it, then moves its hour, under the same id."""
    # given
    given = BillingRunInput(
        company_id=COMPANY,
        entity_id=unique_key("entity"),
        timezone="America/New_York",
        trace_id="schedule",
    )
    # when
    ident = await ensure_billing_schedule(temporal_env.client, given, hour=6)
    again = await ensure_billing_schedule(temporal_env.client, given, hour=7)
    described = await describe(temporal_env, ident)
    # then
    assert again == ident
    action = described.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert action.workflow == "BillingRunWorkflow"
    spec = described.schedule.spec
    assert spec.time_zone_name == "America/New_York"
    assert [r.start for r in spec.calendars[0].hour] == [7]
    await temporal_env.client.get_schedule_handle(ident).delete()
