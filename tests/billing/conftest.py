"""Fixtures of the spine tests: the dev server, the sandbox over HTTP, a migrated database.

Each test gets its own sandbox (seeded per the ``dataset`` marker, configured per the
``sandbox`` marker), its own migrated database (SQLite, and PostgreSQL where one is reachable)
and a real worker on its own task queue, wired by ``autobill.workflows.wiring.real_worker``
(``idle_spine``: the same without a worker, for tests that start and stop their own).
"""

from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import pytest
import pytest_asyncio
import sqlalchemy as sa
from billing_helpers import FIELDS, UPGRADE, Spine
from temporalio.testing import WorkflowEnvironment

from autobill.sandbox import SandboxConfig
from fixtures.database import (  # noqa: F401 - fixtures registered for these tests
    backend,
    database_url,
    empty_database,
    fresh_engine,
)
from fixtures.sandbox_server import RunningSandbox, sandbox_server  # noqa: F401
from fixtures.temporal import temporal_env  # noqa: F401


@pytest.fixture
def sandbox_config(request: pytest.FixtureRequest) -> SandboxConfig:
    """A sandbox that knows autobill's custom fields; faults and close date per the marker."""
    marker = request.node.get_closest_marker("sandbox")
    return SandboxConfig(custom_fields=FIELDS, **(marker.kwargs if marker else {}))


@pytest.fixture
def sandbox_dataset(request: pytest.FixtureRequest) -> Path:
    """The example the sandbox is seeded from: ``upgrade.yaml`` unless the marker names one."""
    marker = request.node.get_closest_marker("dataset")
    return marker.args[0] if marker else UPGRADE


@pytest_asyncio.fixture(loop_scope="session")
async def spine(
    temporal_env: WorkflowEnvironment,  # noqa: F811 - the imported fixture, requested by name
    sandbox_server: RunningSandbox,  # noqa: F811
    fresh_engine: sa.Engine,  # noqa: F811
) -> AsyncIterator[Spine]:
    """A real worker over the sandbox and a fresh database, on a task queue of its own."""
    spine = Spine(temporal_env.client, f"spine-{uuid4().hex}", sandbox_server, fresh_engine)
    async with spine.worker():
        yield spine


@pytest_asyncio.fixture(loop_scope="session")
async def idle_spine(
    temporal_env: WorkflowEnvironment,  # noqa: F811 - the imported fixture, requested by name
    sandbox_server: RunningSandbox,  # noqa: F811
    fresh_engine: sa.Engine,  # noqa: F811
) -> Spine:
    """The spine's dev server, sandbox, database and task queue with no worker of its own."""
    return Spine(temporal_env.client, f"spine-{uuid4().hex}", sandbox_server, fresh_engine)


def pytest_configure(config: pytest.Config) -> None:
    """Declare this folder's markers (markers must be declared)."""
    config.addinivalue_line("markers", "sandbox(**changes): sandbox configuration changes")
    config.addinivalue_line("markers", "dataset(path): the example the sandbox is seeded from")
