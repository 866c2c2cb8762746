"""The REST subset against a mock: token caching, query paging, entity header, errors."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx
import pytest

from autobill.intacct import IntacctRequestError, Limiter
from autobill.intacct.rest import CUSTOMER, RestClient, RestCredentials

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.asyncio

CREDENTIALS = RestCredentials("cid", "s3cret", "admin@DEMO")


def rest(handler: Callable[[httpx.Request], httpx.Response]) -> RestClient:
    """A REST client over a mock handler."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return RestClient(
        credentials=CREDENTIALS,
        base_url="https://api.test/ia/api/v1",
        http=http,
        limiter=Limiter(2),
    )


def token_or(answer: Callable[[httpx.Request], httpx.Response]) -> Callable[..., httpx.Response]:
    """Answer token requests with a token, everything else with ``answer``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 3600})
        return answer(request)

    return handler


async def test_query_pages_until_next_is_null() -> None:
    """The query service is paged by start until ia::meta.next is null, with one token."""
    # given
    seen: list[dict[str, object]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        following = None if body["start"] > 1 else 3
        meta = {"totalCount": 3, "start": body["start"], "next": following}
        return httpx.Response(200, json={"ia::result": [{"id": "C"}] * 2, "ia::meta": meta})

    client = rest(token_or(answer))
    # when
    pages = [p async for p in client.query(obj=CUSTOMER, fields=["id"], size=2)]
    # then
    assert len(pages) == 2
    assert [b["start"] for b in seen] == [1, 3]
    assert client.meter.usage().transactions == 2


async def test_entity_header_and_bearer_token() -> None:
    """Calls carry the bearer token and the entity header."""
    # given
    headers: list[httpx.Headers] = []

    def answer(request: httpx.Request) -> httpx.Response:
        headers.append(request.headers)
        return httpx.Response(201, json={"ia::result": {"key": "68", "id": "C-9"}})

    client = rest(token_or(answer))
    # when
    ref = await client.create(CUSTOMER, {"name": "Acme"}, entity="US")
    # then
    assert ref["key"] == "68"
    assert headers[0]["authorization"] == "Bearer tok"
    assert headers[0]["x-ia-api-param-entity"] == "US"
    assert client.meter.usage().writes == 1


async def test_business_error_maps_to_request_error() -> None:
    """A 422 with ia::error becomes a request error carrying its errorId and details."""
    # given
    error = {
        "ia::result": {
            "ia::error": {
                "code": "operationFailed",
                "message": "POST request on objects/accounts-receivable/invoice was unsuccessful",
                "errorId": "REST-7001",
                "details": [{"errorId": "GL-1009", "message": "Transactions do not balance"}],
            }
        }
    }
    client = rest(token_or(lambda _r: httpx.Response(422, json=error)))
    # when / then
    with pytest.raises(IntacctRequestError) as caught:
        await client.create("accounts-receivable/invoice", {})
    assert caught.value.errno == "REST-7001"
    assert "do not balance" in caught.value.description2


async def test_refused_token_is_refreshed_once() -> None:
    """A 401 drops the cached token, fetches a new one and repeats the call."""
    # given
    replies = [httpx.Response(401), httpx.Response(200, json={"ia::result": {"id": "C-1"}})]
    tokens: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            tokens.append(1)
            return httpx.Response(200, json={"access_token": f"t{len(tokens)}", "expires_in": 60})
        return replies.pop(0)

    client = rest(handler)
    # when
    record = await client.get(CUSTOMER, "68")
    # then
    assert record == {"id": "C-1"}
    assert len(tokens) == 2


async def test_rate_limit_is_retried() -> None:
    """A 429 is retried."""
    # given
    replies = [httpx.Response(429), httpx.Response(200, json={"ia::result": {"id": "C-1"}})]
    client = rest(token_or(lambda _r: replies.pop(0)))
    # when
    record = await client.get(CUSTOMER, "68")
    # then
    assert record["id"] == "C-1"
    assert client.meter.usage().retries == 1
