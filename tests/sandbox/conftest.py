"""Fixtures of the sandbox tests: an in-process app over a seeded store, and the real server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sandbox_helpers import in_process

from autobill.sandbox import SandboxConfig, Store
from autobill.sandbox.seed import seed
from fixtures.sandbox_server import (  # noqa: F401 - fixtures registered for these tests
    MINIMAL,
    cached_dataset,
    sandbox_config,
    sandbox_dataset,
    sandbox_server,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx


@pytest.fixture
def config() -> SandboxConfig:
    """Return the in-process sandbox's configuration (override in a module to change it)."""
    return SandboxConfig()


@pytest.fixture
def store() -> Iterator[Store]:
    """Return an in-memory store seeded with the minimal example dataset."""
    seeded = Store()
    seed(seeded, cached_dataset(MINIMAL))
    yield seeded
    seeded.close()


@pytest.fixture
def client(config: SandboxConfig, store: Store) -> Iterator[httpx.Client]:
    """Return an HTTP client calling the sandbox app in-process."""
    with in_process(config, store) as test_client:
        yield test_client
