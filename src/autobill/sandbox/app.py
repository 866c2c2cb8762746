"""The sandbox as an ASGI app: the XML gateway, the meter, and the emulated tier limits (§9.19)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Final

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from autobill.sandbox.config import SandboxConfig
from autobill.sandbox.events import Dispatcher
from autobill.sandbox.faults import FaultPlan, error_page
from autobill.sandbox.gateway import Gateway
from autobill.sandbox.paging import Pages
from autobill.sandbox.rest_routes import routes as rest_routes
from autobill.sandbox.sessions import Sessions
from autobill.sandbox.store import Store

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request
    from starlette.types import Receive, Scope, Send

XML_PATH: Final = "/ia/xml/xmlgw.phtml"
# Real responses carry this exact content type (§1.1).
XML_TYPE: Final = 'text/xml; encoding="UTF-8";charset=UTF-8'
RATE_LIMITED: Final = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<response><control><status>failure</status>'
    b"</control><errormessage><error><errorno>GW-0010</errorno><description>Rate limit "
    b"exceeded</description><description2>API rate limit exceeded: too many concurrent "
    b"requests for this company.</description2><correction>Back off and retry the request."
    b"</correction></error></errormessage></response>"
)


RATE_LIMITED_JSON: Final = {
    "ia::result": {"ia::error": {"code": "tooManyRequests", "errorId": "GW-0010",
                                 "message": "API rate limit exceeded", "details": []}},
    "ia::meta": {"totalCount": 1, "totalSuccess": 0, "totalError": 1},
}


class Limiter:
    """Counts requests in flight and refuses those beyond the tier's concurrency (§3)."""

    def __init__(self, most: int) -> None:
        self._most = most
        self._busy = 0
        self._lock = threading.Lock()

    def acquire(self) -> bool:
        """Take a slot, or return False when all are busy."""
        with self._lock:
            if self._busy >= self._most:
                return False
            self._busy += 1
            return True

    def release(self) -> None:
        """Give a slot back."""
        with self._lock:
            self._busy -= 1


class LostResponse(Response):
    """Sends half the body, then drops the connection: "committed but the response was lost"."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: ARG002
        """Start the response and stop halfway, so the server closes the connection."""
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        half = self.body[: len(self.body) // 2]
        await send({"type": "http.response.body", "body": half, "more_body": True})


def create_app(config: SandboxConfig | None = None, store: Store | None = None) -> Starlette:
    """Build the sandbox app over ``store`` (a new in-memory one when not given)."""
    config = config or SandboxConfig()
    store = store or Store()
    gateway = Gateway(
        store, config, Sessions(config.clock, config.session_timeout),
        Pages(config.clock, config.result_page_ttl), Dispatcher(config),
    )
    limiter, faults = Limiter(config.max_concurrent), FaultPlan(config.faults)

    async def xml_gateway(request: Request) -> Response:
        if not limiter.acquire():
            return Response(RATE_LIMITED, status_code=429, media_type=XML_TYPE)
        try:
            return await _answer(request, gateway, faults)
        finally:
            limiter.release()

    async def guard(_: Request, work: Callable[[], Awaitable[Response]]) -> Response:
        if not limiter.acquire():
            return JSONResponse(RATE_LIMITED_JSON, status_code=429)
        try:
            started = time.monotonic()
            response = await work()
            await _service_time(config, started)
            return response
        finally:
            limiter.release()

    async def meter(_: Request) -> Response:
        rows = [{"company": c, "day": d, "transactions": n} for c, d, n in store.meter()]
        return JSONResponse({"meter": rows})

    app = Starlette(routes=[
        Route(XML_PATH, xml_gateway, methods=["POST"]),
        Route("/_sandbox/meter", meter, methods=["GET"]),
        *rest_routes(gateway, guard),
    ])
    app.state.store, app.state.config, app.state.gateway = store, config, gateway
    return app


async def _service_time(config: SandboxConfig, started: float) -> None:
    """Wait out what is left of the configured latency, the floor of every request's service time.

    Real Intacct's latency is its whole service time, processing included: the sandbox's own
    processing counts towards it instead of adding to it.
    """
    left = config.latency_seconds - (time.monotonic() - started)
    if left > 0:
        await asyncio.sleep(left)


async def _answer(request: Request, gateway: Gateway, faults: FaultPlan) -> Response:
    config = gateway.config
    started = time.monotonic()
    fault = faults.draw()
    if fault in {"502", "503", "524"}:
        await _service_time(config, started)
        code = int(fault or 0)
        return HTMLResponse(error_page(code), status_code=code)
    if fault == "timeout":
        await _service_time(config, started)
        await asyncio.sleep(config.faults.timeout_seconds)
        return HTMLResponse(error_page(504), status_code=504)
    body = await request.body()
    endpoint = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
    # In a worker thread: the event loop keeps serving the other slot while this one runs.
    payload = await run_in_threadpool(gateway.handle, body, endpoint)
    await _service_time(config, started)
    if fault == "lost":
        return LostResponse(payload, media_type=XML_TYPE)
    return Response(payload, media_type=XML_TYPE)
