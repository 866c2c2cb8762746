"""The Temporal Schedule that starts the daily billing run of a company/entity."""

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from autobill.workflows.billing_run import BillingRunWorkflow
from autobill.workflows.inputs import BillingRunInput
from autobill.workflows.worker import TASK_QUEUE

DEFAULT_HOUR = 6


def schedule_id(given: BillingRunInput) -> str:
    """The schedule's id: one per company/entity."""
    return f"billing-run:{given.company_id}:{given.entity_id or '-'}"


def billing_schedule(
    given: BillingRunInput, *, hour: int = DEFAULT_HOUR, task_queue: str = TASK_QUEUE
) -> Schedule:
    """A daily schedule at ``hour`` in the entity's timezone; each run bills its own day."""
    # The input is fixed when the schedule is made, so it must not carry a date: with run_on
    # None the run bills the day it starts, in the entity's timezone.
    daily = given.model_copy(update={"run_on": None})
    return Schedule(
        action=ScheduleActionStartWorkflow(
            BillingRunWorkflow.run, daily, id=schedule_id(given), task_queue=task_queue
        ),
        spec=ScheduleSpec(
            calendars=[ScheduleCalendarSpec(hour=[ScheduleRange(hour)])],
            time_zone_name=given.timezone,
        ),
        # A run that is still drafting when the next day's fires must finish first, alone.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_billing_schedule(
    client: Client,
    given: BillingRunInput,
    *,
    hour: int = DEFAULT_HOUR,
    task_queue: str = TASK_QUEUE,
) -> str:
    """Create the company/entity's daily billing schedule, or update it; return its id."""
    schedule = billing_schedule(given, hour=hour, task_queue=task_queue)
    ident = schedule_id(given)
    try:
        await client.create_schedule(ident, schedule)
    except ScheduleAlreadyRunningError:

        def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(ident).update(replace)
    return ident
