"""``ScheduleKeys``: an event lands on the invoice the core puts its change on, read over HTTP.

The sandbox serves the spec's examples; each event's key is checked against ``preview`` of the
same example (the invoice dates of ``minimal.yaml`` and ``upgrade.yaml`` in ``preview.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from autobill.billing.reader import IntacctReader
from autobill.config import IntacctSettings, Settings
from autobill.triggers.landing import ScheduleKeys
from autobill.workflows.wiring import intacct_client
from fixtures.sandbox_server import MINIMAL, SHARED, run_sandbox

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

pytestmark = pytest.mark.asyncio(loop_scope="session")
UPGRADE = SHARED / "spec" / "examples" / "upgrade.yaml"


async def keys_in(dataset: Path, source: str, payload: dict[str, Any]) -> tuple[str, ...]:
    """The keys ``ScheduleKeys`` finds for one event against a sandbox seeded with ``dataset``."""
    with run_sandbox(dataset=dataset) as sandbox:
        settings = Settings(intacct=IntacctSettings(endpoint=sandbox.xml_url))
        client = intacct_client(settings)
        try:
            return await ScheduleKeys(IntacctReader(client)).keys(source, payload)
        finally:
            await client.aclose()


@pytest_asyncio.fixture(loop_scope="session")
async def minimal_keys() -> AsyncIterator[ScheduleKeys]:
    """Keys read from one sandbox serving ``minimal.yaml`` for the module's cases."""
    with run_sandbox(dataset=MINIMAL) as sandbox:
        client = intacct_client(Settings(intacct=IntacctSettings(endpoint=sandbox.xml_url)))
        yield ScheduleKeys(IntacctReader(client))
        await client.aclose()


@pytest.mark.parametrize(
    ("source", "payload", "keys"),
    [
        pytest.param(
            "events",
            {
                "type": "usage.reported",
                "contract_id": "CN-1",
                "line_no": 2,
                "usage_date": "2026-01-17",
            },
            ("contract:CN-1:2026-01-31",),
            id="usage lands on its period's last day",
        ),
        pytest.param(
            "events",
            {
                "type": "milestone.completed",
                "project_id": "P-1",
                "task_id": "T-INSTALL",
                "completed_on": "2026-01-23",
            },
            ("contract:CN-1:2026-01-23",),
            id="a milestone lands on its contract's invoice of the day",
        ),
        pytest.param(
            "intacct",
            {
                "type": "task.completed",
                "record": {"PROJECTID": "P-1", "TASKID": "T-TRAIN", "ACTUALENDDATE": "02/20/2026"},
            },
            (),
            id="a task no milestone names bills nothing",
        ),
        pytest.param(
            "events",
            {"type": "timesheets.approved", "project_id": "P-1", "period_end": "2026-02-15"},
            ("project:P-1:2026-02-28",),
            id="approved time lands on the project's month end",
        ),
        pytest.param(
            "intacct",
            {
                "type": "usage.added",
                "record": {"CONTRACTID": "CN-404", "LINENO": "1", "USAGEDATE": "01/17/2026"},
            },
            (),
            id="an unknown contract bills nothing",
        ),
    ],
)
async def test_events_land_on_the_previewed_invoice(
    minimal_keys: ScheduleKeys, source: str, payload: dict[str, Any], keys: tuple[str, ...]
) -> None:
    """Each event's key names the invoice ``preview`` of ``minimal.yaml`` puts its change on."""
    assert await minimal_keys.keys(source, payload) == keys


async def test_an_upgrade_lands_on_its_first_day() -> None:
    """The new line of an upgrade (and the old line's credit) land on the upgrade's day."""
    # given
    added = {
        "type": "contractline.added",
        "occurredAt": "2026-12-01T09:00:00Z",
        "record": {"CONTRACTID": "CN-100", "LINENO": "2", "BEGINDATE": "11/16/2026"},
    }
    ended = {
        "type": "contractline.ended",
        "occurredAt": "2026-12-01T09:00:00Z",
        "record": {"CONTRACTID": "CN-100", "LINENO": "1", "ENDDATE": "11/15/2026"},
    }
    # when
    found = [await keys_in(UPGRADE, "intacct", event) for event in (added, ended)]
    # then
    assert found == [("contract:CN-100:2026-11-16",), ("contract:CN-100:2026-11-16",)]


async def test_a_burst_about_one_change_is_read_once() -> None:
    """A month's approvals arrive as many events about one change: Intacct is read once."""
    # given
    now = [100.0]
    approved = {"type": "timesheets.approved", "project_id": "P-1", "period_end": "2026-02-15"}
    with run_sandbox(dataset=MINIMAL) as sandbox:
        client = intacct_client(Settings(intacct=IntacctSettings(endpoint=sandbox.xml_url)))
        keys = ScheduleKeys(IntacctReader(client), reuse_seconds=5, clock=lambda: now[0])
        try:
            # when
            first = await keys.keys("events", approved)
            after_first = client.usage().round_trips
            again = await keys.keys("events", approved)
            after_again = client.usage().round_trips
            now[0] += 6
            later = await keys.keys("events", approved)
        finally:
            await client.aclose()
    # then
    assert first == again == later == ("project:P-1:2026-02-28",)
    assert after_again == after_first
    assert client.usage().round_trips > after_again
