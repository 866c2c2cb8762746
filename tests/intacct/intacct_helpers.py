"""Credentials and a client factory for the Intacct client tests, importable by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from autobill.intacct import (
    ClientOptions,
    IntacctClient,
    LoginCredentials,
    RetryPolicy,
    SenderCredentials,
)

if TYPE_CHECKING:
    from fake_gateway import FakeGateway

SENDER = SenderCredentials("testsenderid", "pass123!")
LOGIN = LoginCredentials("testuser", "testcompany", "testpass")
ENDPOINT = "https://api.intacct.com/ia/xml/xmlgw.phtml"


def make_client(
    gateway: FakeGateway, *, options: ClientOptions | None = None, tier: str | None = None
) -> IntacctClient:
    """A client logging in through the scripted gateway."""
    opts = options or ClientOptions(
        endpoint=ENDPOINT, tier_key=tier, retry=RetryPolicy(attempts=3, timeout=5)
    )
    http = httpx.AsyncClient(transport=httpx.MockTransport(gateway.handler))
    return IntacctClient(sender=SENDER, login=LOGIN, options=opts, http=http)
