"""Fixtures for the Intacct client tests: recorded fixtures, a scripted gateway, fast retries."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import pytest_asyncio
import stamina
from fake_gateway import FakeGateway
from intacct_helpers import make_client

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

    from autobill.intacct import IntacctClient

@pytest.fixture(autouse=True)
def fast_retries(request: pytest.FixtureRequest) -> Iterator[None]:
    """Retry without sleeping (stamina testing mode), unless a test is marked ``real_retries``."""
    if request.node.get_closest_marker("real_retries"):
        yield
        return
    with stamina.set_testing(True, attempts=3):
        yield


def pytest_configure(config: pytest.Config) -> None:
    """Declare this folder's marker (markers must be declared)."""
    config.addinivalue_line("markers", "real_retries: run with stamina's real backoff")
    config.addinivalue_line("markers", "sandbox(**changes): sandbox configuration changes")


@pytest.fixture
def fixtures_dir(shared_dir: Path) -> Path:
    """The recorded Intacct SDK fixtures, read in place from ``../shared``."""
    return shared_dir / "intacct-fixtures"


@pytest.fixture
def gateway() -> FakeGateway:
    """A fresh scripted gateway."""
    return FakeGateway()


@pytest_asyncio.fixture
async def client(
    gateway: FakeGateway, request: pytest.FixtureRequest
) -> AsyncIterator[IntacctClient]:
    """A client on the scripted gateway with its own limiter key."""
    intacct = make_client(gateway, tier=request.node.nodeid)
    yield intacct
    await intacct._http.aclose()  # noqa: SLF001 - the test owns the mock transport's client
