"""Every function request in ../shared/intacct-fixtures is understood by the sandbox.

The fixtures' values (customers, items, employees) are the SDKs' test values, so a request may
fail on business rules, as it would against a real company; it must never fail as a request the
sandbox does not understand.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from defusedxml.ElementTree import fromstring, tostring
from sandbox_helpers import envelope, only_result, post

if TYPE_CHECKING:
    from httpx import Client

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "intacct-fixtures"
REQUESTS = sorted(
    path.name for path in FIXTURES.glob("*.xml")
    if fromstring(path.read_bytes()).tag == "function"
)


@pytest.mark.parametrize("name", REQUESTS)
def test_fixture_request_is_understood(client: Client, name: str) -> None:
    """The request gets a result whose errors, if any, are business errors."""
    # given
    element = fromstring((FIXTURES / name).read_bytes())
    body = tostring(element, encoding="unicode")
    # when
    result = only_result(post(client, envelope(body)))
    # then
    texts = " ".join(e.text or "" for e in result.iter("description2"))
    assert "not a function the sandbox serves" not in texts
    assert "Invalid field" not in texts, texts
