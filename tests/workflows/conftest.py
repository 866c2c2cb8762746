"""Fixtures of the workflow tests: the shared dev server, a fake world and a running worker."""

from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment
from workflow_fakes import FakeWorld
from workflow_helpers import Running

from autobill.workflows.worker import running_worker
from fixtures.temporal import temporal_env  # noqa: F401 - fixture registered for these tests


@pytest.fixture
def world() -> FakeWorld:
    """An empty fake world."""
    return FakeWorld()


@pytest_asyncio.fixture(loop_scope="session")
async def running(
    temporal_env: WorkflowEnvironment,  # noqa: F811 - the imported fixture, requested by name
    world: FakeWorld,
) -> AsyncIterator[Running]:
    """Run a worker over the fake world on a task queue of its own for the test."""
    task_queue = f"test-{uuid4().hex}"
    invoices, runs = world.activities()
    async with running_worker(
        temporal_env.client, invoices=invoices, runs=runs, task_queue=task_queue
    ):
        yield Running(temporal_env.client, task_queue, world)
