"""Building XML requests for the sandbox and reading its responses, for the sandbox tests."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx
from defusedxml.ElementTree import fromstring

from autobill.sandbox import SandboxConfig, Store, create_app

if TYPE_CHECKING:
    from collections.abc import Iterator
    from xml.etree.ElementTree import Element

    from starlette.applications import Starlette

TestClient = httpx.Client


class SyncASGI(httpx.BaseTransport):
    """Calls an ASGI app in-process from a synchronous httpx client, on a private event loop."""

    def __init__(self, app: Starlette) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run the request through the app and return the complete response."""

        async def run() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._loop.run_until_complete(run())

    def close(self) -> None:
        """Close the private event loop."""
        self._loop.close()


@contextmanager
def in_process(config: SandboxConfig, store: Store) -> Iterator[httpx.Client]:
    """Yield an httpx client bound to a sandbox app running in this process."""
    transport = SyncASGI(create_app(config, store))
    with httpx.Client(transport=transport, base_url="http://sandbox.test") as client:
        yield client

LOGIN = (
    "<login><userid>admin</userid><companyid>DEMO</companyid><password>admin</password>"
    "{location}</login>"
)


def envelope(  # noqa: PLR0913 - one keyword per part of the envelope a test varies
    functions: str,
    *,
    session: str | None = None,
    location: str | None = None,
    transaction: bool = False,
    uniqueid: str | None = "false",
    sender: tuple[str, str] = ("autobill", "sandbox"),
    extra_control: str = "",
    user_password: str = "admin",  # noqa: S107 - the demo tenant's documented password
) -> bytes:
    """Return a request envelope around function elements, authenticated by login or session."""
    if session is not None:
        auth = f"<sessionid>{session}</sessionid>"
    else:
        where = "" if location is None else f"<locationid>{location}</locationid>"
        auth = LOGIN.format(location=where).replace(
            "<password>admin</password>", f"<password>{user_password}</password>"
        )
    unique = "" if uniqueid is None else f"<uniqueid>{uniqueid}</uniqueid>"
    return (
        f"<request><control><senderid>{sender[0]}</senderid><password>{sender[1]}</password>"
        f"<controlid>ctl-1</controlid>{unique}<dtdversion>3.0</dtdversion>{extra_control}"
        f"<includewhitespace>false</includewhitespace></control>"
        f'<operation transaction="{"true" if transaction else "false"}">'
        f"<authentication>{auth}</authentication><content>{functions}</content></operation>"
        "</request>"
    ).encode()


def function(body: str, controlid: str = "f1") -> str:
    """Wrap one function element in ``<function controlid=...>``."""
    return f'<function controlid="{controlid}">{body}</function>'


def post(client: TestClient, body: bytes) -> Element:
    """Post a body to the gateway and return the parsed response document."""
    response = client.post("/ia/xml/xmlgw.phtml", content=body)
    assert response.status_code == 200, response.text
    root: Element = fromstring(response.content)
    return root


def results(root: Element) -> list[Element]:
    """Return the ``<result>`` elements of the response's first operation."""
    return root.findall("operation/result")


def only_result(root: Element) -> Element:
    """Return the single result of a one-function response."""
    found = results(root)
    assert len(found) == 1, [r.findtext("status") for r in found]
    return found[0]


def errornos(element: Element) -> list[str]:
    """Return the errorno of every error under an element, in order."""
    return [e.findtext("errorno") or "" for e in element.iter("error")]


def session_of(client: TestClient, location: str | None = None) -> str:
    """Open an API session by login and return its id."""
    body = "<getAPISession/>" if location is None else (
        f"<getAPISession><locationid>{location}</locationid></getAPISession>"
    )
    root = post(client, envelope(function(body)))
    return only_result(root).findtext("data/api/sessionid") or ""
