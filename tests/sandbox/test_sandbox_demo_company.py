"""The sandbox serves the bundled demo company to the independent client."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sageintacctsdk import SageIntacctSDK
from sageintacctsdk.apis.api_base import ApiBase

from autobill.demo import dataset_path

if TYPE_CHECKING:
    from pathlib import Path

    from fixtures.sandbox_server import RunningSandbox


@pytest.fixture
def sandbox_dataset() -> Path:
    """Seed the sandbox with the demo company (`--seed demo`)."""
    return dataset_path()


@pytest.fixture
def demo_sdk(sandbox_server: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> SageIntacctSDK:
    """Return the PyPI SDK, unchanged but for its endpoint, logged in to the demo tenant."""
    original = ApiBase.__init__

    def pointed(self: ApiBase, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self._ApiBase__api_url = sandbox_server.xml_url  # type: ignore[attr-defined]

    monkeypatch.setattr(ApiBase, "__init__", pointed)
    return SageIntacctSDK(
        sender_id="autobill", sender_password="sandbox", user_id="admin",  # noqa: S106
        company_id="DEMO", user_password="admin",  # noqa: S106
    )


@pytest.mark.parametrize(
    ("_case", "api", "at_least"),
    [("customers", "customers", 40), ("contracts", "contracts", 30), ("projects", "projects", 15)],
)
def test_the_demo_company_is_served_whole(
    demo_sdk: SageIntacctSDK, _case: str, api: str, at_least: int
) -> None:
    """Every customer, contract and project of the demo company reads back through the SDK."""
    # when
    records = getattr(demo_sdk, api).get_all()
    # then
    assert len(records) >= at_least
    assert len({r["RECORDNO"] for r in records}) == len(records)
