"""The sandbox's real outbound event, over HTTP, reaches the served app and lands in the inbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy.orm import sessionmaker

from autobill.config import Settings
from autobill.sandbox import SandboxConfig
from autobill.web import create_app
from fixtures.sandbox_server import run_sandbox
from fixtures.triggers import SECRET, FakeStarter, inbox_rows, serve, update, wait_until, write

if TYPE_CHECKING:
    import sqlalchemy as sa

pytestmark = pytest.mark.asyncio


async def test_a_completed_task_arrives_verified_and_is_started_once(
    fresh_engine: sa.Engine,
) -> None:
    """Completing a TASK in the sandbox sends a signed event the app stores and starts once."""
    # given
    starter = FakeStarter()
    settings = Settings(database_url=str(fresh_engine.url), webhook={"secret": SECRET})
    factory = sessionmaker(fresh_engine, expire_on_commit=False)
    app = create_app(settings, factory=factory, starter=starter, dispatch_interval_seconds=0.05)
    with serve(app) as url:
        config = SandboxConfig(
            webhooks=(f"{url}/webhooks/intacct",),
            webhook_secret=SECRET,
            webhook_retry_seconds=(0.05, 0.1, 0.2),
        )
        with run_sandbox(config) as sandbox:
            # when
            await write(sandbox.xml_url, update("TASK", TASKID="T-TRAIN", TASKSTATUS="Completed"))
            arrived = wait_until(lambda: len(starter.started) == 1)
    # then
    assert arrived
    (row,) = inbox_rows(fresh_engine)
    assert row.source == "intacct"
    assert row.payload["type"] == "task.completed"
    assert row.payload["record"]["TASKID"] == "T-TRAIN"
    assert row.handled_at is not None
    assert [e.external_id for e in starter.started] == [row.external_id]
