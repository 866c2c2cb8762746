"""The REST API subset: OAuth2 client credentials, the query service, customers and invoices.

Shares the XML client's limiter (Intacct's concurrency allowance covers REST calls too), its
meter and its retry policy; errors map onto the same tree (``errorId`` becomes ``errno``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from autobill.intacct._transport import RetryPolicy, with_retries
from autobill.intacct.errors import (
    ErrorDetail,
    IntacctAuthError,
    IntacctRateLimited,
    IntacctRequestError,
    IntacctTransportError,
)
from autobill.intacct.limits import limiter_for
from autobill.intacct.meter import Meter

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Mapping, Sequence

    from autobill.intacct.limits import Limiter

REST_BASE = "https://api.intacct.com/ia/api/v1"
ENTITY_HEADER = "X-IA-API-Param-Entity"
CUSTOMER = "accounts-receivable/customer"
INVOICE = "accounts-receivable/invoice"
QUERY_MAX_PAGE = 2000
_EXPIRY_MARGIN = 60.0
_HTTP_UNAUTHORIZED = 401
_HTTP_TOO_MANY = 429
_HTTP_SERVER = 500
_HTTP_CLIENT = 400
_NO_RETRY = 524

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class RestCredentials:
    """OAuth2 client credentials; ``username`` is ``userId@companyId``."""

    client_id: str
    client_secret: str = field(repr=False)
    username: str


@dataclass(slots=True)
class _Token:
    value: str = field(repr=False)
    expires_at: float


class RestClient:
    """Calls the REST API for one company with a cached client-credentials token.

    Args:
        credentials: the OAuth2 client credentials.
        base_url: the API root (``/ia/api/v1``).
        http: an httpx client to use; closed by the caller.
        limiter: the tenant's concurrency limiter (shared with the XML client).
        meter: the meter to count calls on.
        retry: the retry bounds.
        clock: monotonic seconds, for token expiry.
    """

    def __init__(  # noqa: PLR0913 - keyword-only wiring of shared parts
        self,
        *,
        credentials: RestCredentials,
        base_url: str = REST_BASE,
        http: httpx.AsyncClient | None = None,
        limiter: Limiter | None = None,
        meter: Meter | None = None,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._credentials = credentials
        self._base = base_url.rstrip("/")
        self._http = http or httpx.AsyncClient(timeout=300.0)
        self.limiter = limiter or limiter_for(credentials.username)
        self.meter = meter or Meter()
        self._retry = retry or RetryPolicy()
        self._clock = clock
        self._token: _Token | None = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: Json | None = None,
        entity: str | None = None,
        writes: int = 0,
    ) -> Json:
        """Send one call, renewing the token once on 401 and retrying transient failures.

        Args:
            method: the HTTP method.
            path: the path below the API root, e.g. ``/objects/accounts-receivable/customer``.
            body: the JSON body.
            entity: the entity, sent in ``X-IA-API-Param-Entity``.
            writes: records the call writes (for the meter); reads count once.

        Returns:
            The decoded JSON answer (empty for 204).
        """
        try:
            return await self._call(method, path, body, entity, writes)
        except IntacctAuthError:
            self._token = None
            return await self._call(method, path, body, entity, writes)

    async def _call(
        self, method: str, path: str, body: Json | None, entity: str | None, writes: int
    ) -> Json:
        async def once() -> Json:
            headers = {"Authorization": f"Bearer {await self.token()}"}
            if entity:
                headers[ENTITY_HEADER] = entity
            async with self.limiter.slot():
                self.meter.record_call(reads=0 if writes else 1, writes=writes)
                reply = await self._send(method, f"{self._base}{path}", body, headers)
            return _decode(reply)

        return await with_retries(self._retry, once, self.meter)

    async def _send(
        self, method: str, url: str, body: Json | None, headers: Mapping[str, str]
    ) -> httpx.Response:
        try:
            return await self._http.request(method, url, json=body, headers=headers)
        except httpx.TransportError as exc:
            msg = f"{type(exc).__name__} calling the REST API: {exc}"
            raise IntacctTransportError(msg) from exc

    async def token(self) -> str:
        """Return a valid access token, fetching one with client credentials when needed.

        Returns:
            The bearer token.
        """
        now = self._clock()
        if self._token is not None and now < self._token.expires_at:
            return self._token.value
        form = {
            "grant_type": "client_credentials",
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret,
            "username": self._credentials.username,
        }
        try:
            reply = await self._http.post(f"{self._base}/oauth2/token", data=form)
        except httpx.TransportError as exc:
            msg = f"{type(exc).__name__} fetching a token"
            raise IntacctTransportError(msg) from exc
        if reply.status_code >= _HTTP_CLIENT:
            msg = f"token request refused with HTTP {reply.status_code}"
            raise IntacctAuthError(msg)
        granted = reply.json()
        lifetime = float(granted.get("expires_in", 3600)) - _EXPIRY_MARGIN
        self._token = _Token(str(granted["access_token"]), now + max(lifetime, 0.0))
        return self._token.value

    async def query(  # noqa: PLR0913 - the query service's parameters
        self,
        *,
        obj: str,
        fields: Sequence[str],
        filters: Sequence[Json] = (),
        order_by: Sequence[Json] = (),
        size: int = QUERY_MAX_PAGE,
        entity: str | None = None,
    ) -> AsyncIterator[list[Json]]:
        """Page through ``/services/core/query`` until ``ia::meta.next`` is null.

        Args:
            obj: the object, e.g. ``accounts-receivable/customer``.
            fields: the fields to return.
            filters: filter objects such as ``{"$eq": {"status": "active"}}`` (all must hold).
            order_by: ordering objects such as ``{"id": "asc"}``.
            size: records per page (at most 2000).
            entity: the entity to query in.

        Yields:
            Each page's records.
        """
        start = 1
        while True:
            body: Json = {"object": obj, "fields": list(fields), "start": start, "size": size}
            if filters:
                body |= {"filters": list(filters), "filterExpression": "and"}
            if order_by:
                body["orderBy"] = list(order_by)
            answer = await self.request("POST", "/services/core/query", body=body, entity=entity)
            records = list(answer.get("ia::result", []))
            yield records
            following = (answer.get("ia::meta") or {}).get("next")
            if not following or not records:
                return
            start = int(following)

    async def get(self, obj: str, key: str, *, entity: str | None = None) -> Json:
        """Read one object record by key, e.g. ``get(CUSTOMER, "68")``.

        Args:
            obj: the object path below ``/objects``.
            key: the record key.
            entity: the entity to read in.

        Returns:
            The record (``ia::result``).
        """
        answer = await self.request("GET", f"/objects/{obj}/{key}", entity=entity)
        result: Json = answer.get("ia::result", {})
        return result

    async def create(self, obj: str, record: Json, *, entity: str | None = None) -> Json:
        """Create one record (a customer, an invoice) and return its reference.

        Args:
            obj: the object path below ``/objects``.
            record: the record's fields.
            entity: the entity to create it in.

        Returns:
            The reference (``key``, ``id``, ``href``).
        """
        path = f"/objects/{obj}"
        answer = await self.request("POST", path, body=record, entity=entity, writes=1)
        result: Json = answer.get("ia::result", {})
        return result


def _decode(reply: httpx.Response) -> Json:
    status = reply.status_code
    if status == _HTTP_TOO_MANY:
        msg = "HTTP 429 from the REST API"
        raise IntacctRateLimited(msg, retry_after=_seconds(reply.headers.get("retry-after")))
    if status >= _HTTP_SERVER:
        msg = f"HTTP {status} from the REST API"
        raise IntacctTransportError(msg, status=status, retryable=status != _NO_RETRY)
    if status == _HTTP_UNAUTHORIZED:
        msg = "the REST API refused the token"
        raise IntacctAuthError(msg)
    if status >= _HTTP_CLIENT:
        raise _request_error(reply)
    return {} if not reply.content else dict(reply.json())


def _request_error(reply: httpx.Response) -> IntacctRequestError:
    try:
        error = reply.json()["ia::result"]["ia::error"]
    except (ValueError, KeyError, TypeError):
        error = {"errorId": str(reply.status_code), "message": reply.text[:200]}
    details = "; ".join(str(d.get("message", "")) for d in error.get("details", []))
    detail = ErrorDetail(
        errorno=str(error.get("errorId", reply.status_code)),
        description=str(error.get("message", "")),
        description2=details,
    )
    msg = f"HTTP {reply.status_code} from the REST API: {detail.text()}"
    return IntacctRequestError(msg, errors=(detail,))


def _seconds(value: str | None) -> float | None:
    try:
        return None if value is None else float(value)
    except ValueError:
        return None
