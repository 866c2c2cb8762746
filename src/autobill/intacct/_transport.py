"""HTTP transport for the XML gateway: limiter, meter, retries, classification, redacted logs."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import stamina
import structlog

from autobill.intacct.errors import (
    IntacctAuthError,
    IntacctError,
    IntacctRateLimited,
    IntacctTransportError,
)
from autobill.intacct.responses import Response, parse

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence

    from autobill.intacct.limits import Limiter
    from autobill.intacct.meter import Meter
    from autobill.intacct.payloads import Function

T = TypeVar("T")

HEADERS = {
    "Content-Type": "application/xml",
    "Accept-Encoding": "gzip,deflate",
    "User-Agent": "autobill-intacct/0.1",
}
NO_RETRY_STATUS = frozenset({524})  # the CDN cut the connection but Intacct is still working
SECRET_KEYS = ("password", "sessionid", "session_id", "secret", "token", "authorization")
REDACTED = "[redacted]"
_HTTP_TOO_MANY = 429
_HTTP_SERVER = 500
_HTTP_CLIENT = 400
_HTTP_UNAUTHORIZED = 401

log = structlog.get_logger("autobill.intacct")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to retry retryable failures: bounded in attempts and in total time."""

    attempts: int = 5
    timeout: float = 60.0
    wait_initial: float = 0.2
    wait_max: float = 5.0
    wait_jitter: float = 0.5


def redact(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Replace the values of secret-looking keys, so credentials never reach a log.

    Args:
        fields: the log event's fields.

    Returns:
        A copy with passwords, session ids, secrets and tokens masked.
    """
    return {
        k: REDACTED if any(s in k.lower() for s in SECRET_KEYS) else v for k, v in fields.items()
    }


def _retry_hook(exc: Exception) -> bool | float:
    """Stamina's hook: retry retryable Intacct errors; honour a rate limit's retry-after."""
    if isinstance(exc, IntacctRateLimited) and exc.retry_after is not None:
        return max(exc.retry_after, 0.0)
    return isinstance(exc, IntacctError) and exc.retryable


async def with_retries(policy: RetryPolicy, call: Callable[[], Awaitable[T]], meter: Meter) -> T:
    """Run ``call``, retrying retryable Intacct errors with exponential backoff and jitter.

    Args:
        policy: the retry bounds.
        call: the attempt.
        meter: counts every retry.

    Returns:
        The first successful attempt's value.
    """
    async for attempt in stamina.retry_context(
        on=_retry_hook,
        attempts=policy.attempts,
        timeout=timedelta(seconds=policy.timeout),
        wait_initial=policy.wait_initial,
        wait_max=policy.wait_max,
        wait_jitter=policy.wait_jitter,
    ):
        with attempt:
            if attempt.num > 1:
                meter.record_retry()
            return await call()
    msg = "retry loop ended without an attempt"  # pragma: no cover - stamina always attempts
    raise AssertionError(msg)  # pragma: no cover


@dataclass(slots=True)
class XmlTransport:
    """Posts gateway requests under the tenant's limiter, metered and retried."""

    http: httpx.AsyncClient
    limiter: Limiter
    meter: Meter
    policy: RetryPolicy

    async def send(self, url: str, body: bytes, functions: Sequence[Function]) -> Response:
        """Post one request and parse its response, retrying transient failures.

        Args:
            url: the gateway endpoint.
            body: the serialised request (idempotent to resend: writes carry uniqueid).
            functions: the functions it carries, for the meter and the log.

        Returns:
            The parsed response.
        """
        return await with_retries(self.policy, lambda: self._once(url, body, functions), self.meter)

    async def _once(self, url: str, body: bytes, functions: Sequence[Function]) -> Response:
        started = time.perf_counter()
        async with self.limiter.slot():
            self.meter.record_request(functions)
            try:
                reply = await self.http.post(url, content=body, headers=HEADERS)
            except httpx.TransportError as exc:
                _log_round_trip(functions, None, started, type(exc).__name__)
                msg = f"{type(exc).__name__} posting to the gateway: {exc}"
                raise IntacctTransportError(msg) from exc
        _log_round_trip(functions, reply.status_code, started, None)
        # Let a request waiting for the slot just freed go out before this one is parsed.
        await asyncio.sleep(0)
        return classify(reply)


def classify(reply: httpx.Response) -> Response:
    """Turn an HTTP reply into a parsed response or the matching error.

    Args:
        reply: the HTTP reply.

    Returns:
        The parsed response (4xx replies with an XML body are parsed like any other).

    Raises:
        IntacctRateLimited: HTTP 429 (with Retry-After when given).
        IntacctTransportError: 5xx (not retryable for 524) or a non-XML error body.
        IntacctAuthError: a 401 without an XML body.
    """
    status = reply.status_code
    if status == _HTTP_TOO_MANY:
        msg = "HTTP 429 from the gateway"
        raise IntacctRateLimited(msg, retry_after=_retry_after(reply))
    if status >= _HTTP_SERVER:
        msg = f"HTTP {status} from the gateway"
        raise IntacctTransportError(msg, status=status, retryable=status not in NO_RETRY_STATUS)
    if status >= _HTTP_CLIENT and "xml" not in reply.headers.get("content-type", ""):
        if status == _HTTP_UNAUTHORIZED:
            msg = "HTTP 401 from the gateway"
            raise IntacctAuthError(msg)
        msg = f"HTTP {status} from the gateway"
        raise IntacctTransportError(msg, status=status, retryable=False)
    return parse(reply.content)


def _retry_after(reply: httpx.Response) -> float | None:
    value = reply.headers.get("retry-after")
    try:
        return None if value is None else float(value)
    except ValueError:
        return None


def _log_round_trip(
    functions: Sequence[Function], status: int | None, started: float, error: str | None
) -> None:
    names = sorted({f.name for f in functions})
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    fields = redact({"functions": names, "count": len(functions), "status": status})
    log.debug("intacct.round_trip", elapsed_ms=elapsed_ms, error=error, **fields)
