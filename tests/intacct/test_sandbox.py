"""The client against the sandbox served over real HTTP on loopback."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx
import pytest
import pytest_asyncio

from autobill.intacct import (
    ClientOptions,
    IntacctAuthError,
    IntacctClient,
    IntacctRequestError,
    IntacctTransportError,
    LoginCredentials,
    ReadBack,
    ReplayPolicy,
    RetryPolicy,
    SenderCredentials,
    Write,
)
from autobill.intacct._transport import classify
from autobill.intacct.payloads import (
    Control,
    QueryOptions,
    create,
    envelope,
    login_auth,
    read,
    read_by_query,
    read_more,
)
from autobill.sandbox import SandboxConfig
from autobill.sandbox.config import FaultRates
from fixtures.sandbox_server import (  # noqa: F401 - pytest fixtures
    sandbox_config,
    sandbox_dataset,
    sandbox_server,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from fixtures.sandbox_server import RunningSandbox

pytestmark = pytest.mark.asyncio

SENDER = SenderCredentials("autobill", "sandbox")
LOGIN = LoginCredentials("admin", "DEMO", "admin")
SEED_LOST_SECOND = 37  # draws: none, fault, none, none, none at a 0.5 rate


class Clock:
    """A settable clock shared with the sandbox, to expire sessions without waiting."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        """The current (settable) time."""
        return self.now


@pytest.fixture
def clock() -> Clock:
    """The sandbox's clock."""
    return Clock()


@pytest.fixture
def sandbox_config(request: pytest.FixtureRequest, clock: Clock) -> SandboxConfig:  # noqa: F811
    """The sandbox's configuration, changed per test through the ``sandbox`` marker."""
    marker = request.node.get_closest_marker("sandbox")
    changes = marker.kwargs if marker else {}
    return replace(SandboxConfig(clock=clock), **changes)


@pytest_asyncio.fixture
async def client(
    sandbox_server: RunningSandbox,  # noqa: F811
    request: pytest.FixtureRequest,
    clock: Clock,
) -> AsyncIterator[IntacctClient]:
    """A client of the running sandbox, with its own limiter and the sandbox's replay errno."""
    options = ClientOptions(
        endpoint=sandbox_server.xml_url,
        tier_key=request.node.nodeid,
        retry=RetryPolicy(attempts=4, timeout=10),
        replay=ReplayPolicy(errnos=frozenset({sandbox_server.config.replay_errno})),
        clock=clock,
    )
    async with IntacctClient(sender=SENDER, login=LOGIN, options=options) as intacct:
        yield intacct


async def test_reads_customers_over_http(client: IntacctClient) -> None:
    """A login, a session and a readByQuery against the sandbox."""
    # when
    pages = [page async for page in client.pages(obj="CUSTOMER")]
    # then
    assert pages
    assert all("CUSTOMERID" in record for record in pages[0])
    assert client.usage().round_trips == 2


async def test_read_more_and_query_pages(client: IntacctClient) -> None:
    """Paging by readMore and by query offset page through the same records."""
    # when
    by_more = [r async for page in client.pages(obj="LOCATION", pagesize=1) for r in page]
    opts = QueryOptions(pagesize=1)
    by_offset = [
        r
        async for page in client.query_pages(obj="LOCATION", select=["LOCATIONID"], options=opts)
        for r in page
    ]
    # then
    assert len(by_more) == len(by_offset) >= 2
    assert {r["LOCATIONID"] for r in by_more} == {r["LOCATIONID"] for r in by_offset}


async def test_session_expiry_and_renewal(client: IntacctClient, clock: Clock) -> None:
    """After the sandbox expires the session, the client renews it and carries on."""
    # given
    first = await client.sessions.get()
    clock.now += timedelta(hours=7)
    # when
    pages = [page async for page in client.pages(obj="CUSTOMER")]
    # then
    assert pages
    renewed = await client.sessions.get()
    assert renewed.sessionid != first.sessionid


async def test_server_side_expiry_is_renewed_transparently(
    sandbox_server: RunningSandbox,  # noqa: F811
    clock: Clock,
) -> None:
    """A session the sandbox expired (the client unaware) is renewed and the request resent."""
    # given
    still = datetime(2026, 11, 30, 12, tzinfo=UTC)
    options = ClientOptions(
        endpoint=sandbox_server.xml_url, tier_key="unaware", clock=lambda: still
    )
    async with IntacctClient(sender=SENDER, login=LOGIN, options=options) as intacct:
        first = await intacct.sessions.get()
        clock.now += timedelta(hours=7)
        # when
        pages = [page async for page in intacct.pages(obj="CUSTOMER")]
        # then
        assert pages
        assert (await intacct.sessions.get()).sessionid != first.sessionid
        assert intacct.usage().round_trips == 4


async def test_entity_session(client: IntacctClient) -> None:
    """A session opened in an entity is scoped to it; the top level stays separate."""
    # when
    entity = await client.sessions.get("US")
    top = await client.sessions.get()
    records = [r async for page in client.pages(obj="CUSTOMER", entity="US") for r in page]
    # then
    assert entity.locationid == "US"
    assert top.locationid == ""
    assert entity.sessionid != top.sessionid
    assert isinstance(records, list)


async def test_wrong_password_is_an_auth_error(sandbox_server: RunningSandbox) -> None:  # noqa: F811
    """Bad user credentials are an auth error."""
    # given
    login = replace(LOGIN, password="wrong")  # noqa: S106 - a wrong test password
    options = ClientOptions(endpoint=sandbox_server.xml_url, tier_key="bad-login")
    # when / then
    async with IntacctClient(sender=SENDER, login=login, options=options) as intacct:
        with pytest.raises(IntacctAuthError):
            await intacct.sessions.get()


async def test_wrong_sender_is_an_auth_error(sandbox_server: RunningSandbox) -> None:  # noqa: F811
    """A bad sender password is an auth error (control level)."""
    # given
    sender = SenderCredentials("autobill", "nope")
    options = ClientOptions(endpoint=sandbox_server.xml_url, tier_key="bad-sender")
    # when / then
    async with IntacctClient(sender=sender, login=LOGIN, options=options) as intacct:
        with pytest.raises(IntacctAuthError):
            await intacct.sessions.get()


async def test_function_errors_are_values(client: IntacctClient) -> None:
    """An unknown object and an invalid resultId fail their function, not the request."""
    # given
    functions = [
        read_by_query(controlid="bad-object", obj="NOSUCHOBJECT"),
        read_more(controlid="bad-result", result_id="nope"),
        read_by_query(controlid="good", obj="CUSTOMER"),
    ]
    # when
    results = await client.execute(functions)
    # then
    assert [r.status for r in results] == ["failure", "failure", "success"]
    with pytest.raises(IntacctRequestError):
        results[0].raise_for_status()


@pytest.mark.sandbox(faults=FaultRates(http_503=0.5, seed=SEED_LOST_SECOND))
async def test_retries_injected_faults(client: IntacctClient) -> None:
    """An injected 503 is retried and the read succeeds."""
    # when
    pages = [page async for page in client.pages(obj="CUSTOMER")]
    # then
    assert pages
    assert client.usage().retries == 1


@pytest.mark.sandbox(faults=FaultRates(lost=0.5, seed=SEED_LOST_SECOND))
async def test_no_duplicate_when_the_response_is_lost(client: IntacctClient) -> None:
    """The sandbox commits a create and drops the response; the retry finds the first record."""
    # given
    await client.sessions.get()
    fields = {"CUSTOMERID": "C-IDEM-1", "NAME": "Idempotent Ltd"}
    function = create(controlid="autobill:DEMO:C-IDEM-1:create", obj="CUSTOMER", records=[fields])
    write = Write(function, ReadBack("CUSTOMER", "CUSTOMERID", "C-IDEM-1"))
    # when
    (outcome,) = await client.write([write])
    # then
    assert outcome.ok
    assert outcome.replayed
    found = await client.read_many(obj="CUSTOMER", field="CUSTOMERID", values=["C-IDEM-1"])
    assert [r["RECORDNO"] for r in found] == [outcome.key]


@pytest.mark.sandbox(latency_seconds=0.02)
async def test_limiter_keeps_within_the_tier(client: IntacctClient) -> None:
    """Many concurrent batches never trip the sandbox's two-request limit."""
    # given
    await client.sessions.get()
    functions = [read_by_query(controlid=f"r{i}", obj="CUSTOMER") for i in range(300)]
    # when
    results = await client.execute(functions)
    # then
    assert all(r.ok for r in results)
    assert client.limiter.peak == 2
    assert client.usage().retries == 0


async def test_read_by_keys(client: IntacctClient) -> None:
    """A read by RECORDNO returns the upper-case object record."""
    # given
    (customer, *_) = await client.read_many(obj="CUSTOMER", field="CUSTOMERID", values=["C-1"])
    function = read(controlid="r", obj="CUSTOMER", keys=[str(customer["RECORDNO"])])
    # when
    (result,) = await client.execute([function])
    # then
    assert result.records()[0]["CUSTOMERID"] == "C-1"


async def test_transaction_is_all_or_nothing(client: IntacctClient) -> None:
    """In a transaction, one failing create aborts the other and nothing is kept."""
    # given
    good = create(controlid="t-good", obj="CLASS", records=[{"CLASSID": "T1", "NAME": "t"}])
    bad = create(controlid="t-bad", obj="CLASS", records=[{"CLASSID": "SMB", "NAME": "dup"}])
    # when
    results = await client.execute([good, bad], transaction=True)
    # then
    assert [r.status for r in results] == ["aborted", "failure"]
    assert "XL03000009" in [e.errorno for e in results[0].errors]
    assert await client.read_many(obj="CLASS", field="CLASSID", values=["T1"]) == []


@pytest.mark.sandbox(faults=FaultRates(http_524=1.0))
async def test_524_is_raised_without_retry(client: IntacctClient) -> None:
    """A 524 (still processing) is not retried: the caller decides."""
    # when / then
    with pytest.raises(IntacctTransportError) as caught:
        await client.sessions.get()
    assert caught.value.status == 524
    assert client.usage().retries == 0


@pytest.mark.real_retries
@pytest.mark.sandbox(latency_seconds=0.02)
async def test_exceeding_the_tier_is_rate_limited_and_retried(
    sandbox_server: RunningSandbox,  # noqa: F811
    clock: Clock,
) -> None:
    """A client set above the sandbox's two slots meets 429 GW-0010 and retries through it."""
    # given
    options = ClientOptions(
        endpoint=sandbox_server.xml_url,
        tier_key="too-wide",
        concurrency=4,
        batch_size=1,
        clock=clock,
    )
    functions = [read_by_query(controlid=f"w{i}", obj="CLASS") for i in range(24)]
    async with IntacctClient(sender=SENDER, login=LOGIN, options=options) as intacct:
        await intacct.sessions.get()
        # when
        results = await intacct.execute(functions)
        # then
        assert all(r.ok for r in results)
        assert intacct.usage().retries > 0


async def test_xml_bomb_request_is_refused(sandbox_server: RunningSandbox) -> None:  # noqa: F811
    """The sandbox refuses a request carrying a DTD, as the client refuses such responses."""
    # given
    body = envelope(
        control=Control("autobill", "sandbox", "bomb"),
        auth=login_auth(userid="admin", companyid="DEMO", password="admin"),  # noqa: S106 - sandbox test login
        functions=[],
    ).replace(b"<request>", b'<!DOCTYPE r [<!ENTITY a "aaaa">]><request>', 1)
    # when
    async with httpx.AsyncClient() as http:
        reply = await http.post(sandbox_server.xml_url, content=body)
    # then
    with pytest.raises(IntacctRequestError) as caught:
        classify(reply)
    assert caught.value.errno == "XL03000003"


async def test_meter_agrees_with_the_sandbox(
    client: IntacctClient,
    sandbox_server: RunningSandbox,  # noqa: F811
) -> None:
    """The client's transaction count equals what the sandbox metered."""
    # given
    await asyncio.gather(*(client.read_many(obj="CUSTOMER", field="CUSTOMERID", values=["x"]),))
    # when
    async with httpx.AsyncClient() as http:
        meter = (await http.get(f"{sandbox_server.url}/_sandbox/meter")).json()["meter"]
    # then
    assert sum(row["transactions"] for row in meter) == client.usage().transactions
