"""The client against a scripted gateway: sessions, batching, retries, limits, idempotency."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import httpx
import pytest
from fake_gateway import drop_after_commit, status
from intacct_helpers import ENDPOINT, LOGIN, SENDER, make_client
from structlog.testing import capture_logs

from autobill.intacct import (
    ClientOptions,
    IntacctAuthError,
    IntacctClient,
    IntacctReplayedControlId,
    IntacctTransportError,
    ReadBack,
    RetryPolicy,
    SessionCredentials,
    Write,
)
from autobill.intacct.cache import MasterDataCache
from autobill.intacct.documents import (
    SalesLine,
    SalesTransaction,
    create_sotransaction,
    update_sotransaction_state,
)
from autobill.intacct.payloads import QueryOptions, read_by_query

if TYPE_CHECKING:
    from fake_gateway import FakeGateway

pytestmark = pytest.mark.asyncio


def customers(gateway: FakeGateway, count: int) -> None:
    """Seed the gateway with customers C0000.. ."""
    gateway.records["CUSTOMER"] = [
        {"RECORDNO": str(i), "CUSTOMERID": f"C{i:04d}"} for i in range(count)
    ]


def reads(count: int) -> list:
    """``count`` readByQuery functions with distinct controlids."""
    return [read_by_query(controlid=f"f{i}", obj="CUSTOMER", pagesize=1) for i in range(count)]


async def test_session_is_obtained_alone_then_reused(
    client: IntacctClient, gateway: FakeGateway
) -> None:
    """The getAPISession call travels alone with the login; later requests use the session id."""
    # given
    customers(gateway, 1)
    # when
    await client.execute(reads(1))
    await client.execute(reads(1))
    # then
    first, *later = gateway.requests
    assert first.find("operation/authentication/login") is not None
    assert [f[0].tag for f in first.iter("function")] == ["getAPISession"]
    assert all(r.findtext("operation/authentication/sessionid") == "session1.." for r in later)
    assert len(gateway.functions("getAPISession")) == 1


async def test_batches_keep_order_and_respect_the_cap(
    client: IntacctClient, gateway: FakeGateway
) -> None:
    """120 functions travel in 3 requests of at most 50 and come back in order."""
    # given
    customers(gateway, 3)
    # when
    results = await client.execute(reads(120))
    # then
    assert [r.controlid for r in results] == [f"f{i}" for i in range(120)]
    sizes = [len(list(r.iter("function"))) for r in gateway.requests[1:]]
    assert sorted(sizes) == [20, 50, 50]
    usage = client.usage()
    assert (usage.round_trips, usage.transactions) == (4, 120)


async def test_transaction_must_fit_one_request(client: IntacctClient) -> None:
    """A transaction larger than the batch cap is refused before anything is sent."""
    # when / then
    with pytest.raises(ValueError, match="batch cap"):
        await client.execute(reads(51), transaction=True)


async def test_transaction_flag_is_sent(client: IntacctClient, gateway: FakeGateway) -> None:
    """transaction=True marks the operation all-or-nothing."""
    # when
    await client.execute(reads(2), transaction=True)
    # then
    operation = gateway.requests[-1].find("operation")
    assert operation is not None
    assert operation.get("transaction") == "true"


async def test_expired_session_is_renewed_transparently(
    client: IntacctClient, gateway: FakeGateway
) -> None:
    """An invalid session is renewed once with the login and the request is resent."""
    # given
    customers(gateway, 1)
    await client.execute(reads(1))
    gateway.expire_sessions()
    # when
    (result,) = await client.execute(reads(1))
    # then
    assert result.ok
    assert len(gateway.functions("getAPISession")) == 2


async def test_existing_session_cannot_be_renewed(gateway: FakeGateway) -> None:
    """With only an existing session, expiry is an auth error."""
    # given
    http = httpx.AsyncClient(transport=httpx.MockTransport(gateway.handler))
    gateway.sessions["given.."] = ""
    intacct = IntacctClient(
        sender=SENDER,
        session=SessionCredentials(sessionid="given..", endpoint=ENDPOINT),
        options=ClientOptions(endpoint=ENDPOINT),
        http=http,
    )
    gateway.expire_sessions()
    # when / then
    with pytest.raises(IntacctAuthError):
        await intacct.execute(reads(1))
    await http.aclose()


async def test_entity_session_from_an_existing_session(gateway: FakeGateway) -> None:
    """With only an existing session, an entity session is asked for with that session."""
    # given
    http = httpx.AsyncClient(transport=httpx.MockTransport(gateway.handler))
    gateway.sessions["given.."] = ""
    given = SessionCredentials(sessionid="given..", endpoint=ENDPOINT)
    intacct = IntacctClient(
        sender=SENDER, session=given, options=ClientOptions(endpoint=ENDPOINT), http=http
    )
    # when
    session = await intacct.sessions.get("E2")
    # then
    request = gateway.requests[-1]
    assert request.findtext("operation/authentication/sessionid") == "given.."
    assert request.findtext("operation/content/function/getAPISession/locationid") == "E2"
    assert session.locationid == "E2"
    await http.aclose()


async def test_entity_sessions(client: IntacctClient, gateway: FakeGateway) -> None:
    """Each entity gets its own session, logged into that entity."""
    # when
    await client.execute(reads(1), entity="E1")
    await client.execute(reads(1))
    await client.execute(reads(1), entity="E1")
    # then
    sessions = gateway.functions("getAPISession")
    assert [s.findtext("locationid") for s in sessions] == ["E1", None]
    assert sorted(gateway.sessions.values()) == ["", "E1"]


async def test_endpoint_outside_the_domain_is_not_followed(gateway: FakeGateway) -> None:
    """A sandbox naming the production endpoint never redirects the client there."""
    # given
    intacct = make_client(
        gateway, options=ClientOptions(endpoint="http://127.0.0.1:9/ia/xml/xmlgw.phtml")
    )
    # when
    session = await intacct.sessions.get()
    # then
    assert session.endpoint == "http://127.0.0.1:9/ia/xml/xmlgw.phtml"


async def test_transient_faults_are_retried(client: IntacctClient, gateway: FakeGateway) -> None:
    """503 and 429 are retried; the meter counts the retries."""
    # given
    await client.sessions.get()
    gateway.faults += [status(503), status(429, {"retry-after": "0"})]
    # when
    (result,) = await client.execute(reads(1))
    # then
    assert result.ok
    assert client.usage().retries == 2


async def test_524_is_not_retried(client: IntacctClient, gateway: FakeGateway) -> None:
    """A 524 (Intacct still processing) is raised at once."""
    # given
    await client.sessions.get()
    gateway.faults += [status(524), status(524)]
    # when / then
    with pytest.raises(IntacctTransportError) as caught:
        await client.execute(reads(1))
    assert caught.value.status == 524
    assert client.usage().retries == 0


async def test_retries_are_bounded(client: IntacctClient, gateway: FakeGateway) -> None:
    """A gateway that keeps failing gives up after the configured attempts."""
    # given
    await client.sessions.get()
    gateway.faults += [status(502)] * 10
    # when / then
    with pytest.raises(IntacctTransportError):
        await client.execute(reads(1))
    assert client.usage().retries == 2


@pytest.mark.real_retries
async def test_really_retries_with_backoff(gateway: FakeGateway) -> None:
    """Without stamina's testing mode the client really backs off and succeeds."""
    # given
    policy = RetryPolicy(attempts=4, timeout=5, wait_initial=0.01, wait_max=0.02, wait_jitter=0.01)
    intacct = make_client(gateway, options=ClientOptions(endpoint=ENDPOINT, retry=policy))
    gateway.faults += [status(503), status(502)]
    # when
    session = await intacct.sessions.get()
    # then
    assert session.sessionid
    assert intacct.usage().retries == 2


async def test_limiter_never_exceeds_the_tier(gateway: FakeGateway) -> None:
    """Two clients of one tenant never have more than two requests in flight together."""
    # given
    gateway.latency = 0.01
    first = make_client(gateway, tier="tenant-limit")
    second = make_client(gateway, tier="tenant-limit")
    await asyncio.gather(first.sessions.get(), second.sessions.get())
    # when
    batches = [c.execute(reads(60)) for c in (first, second) for _ in range(3)]
    await asyncio.gather(*batches)
    # then
    assert gateway.peak == 2
    assert first.limiter is second.limiter
    assert first.limiter.peak == 2


async def test_read_by_query_pages_with_read_more(
    client: IntacctClient, gateway: FakeGateway
) -> None:
    """A readByQuery then readMore by resultId yields every page until none remain."""
    # given
    customers(gateway, 5)
    # when
    pages = [page async for page in client.pages(obj="CUSTOMER", pagesize=2)]
    # then
    assert [len(p) for p in pages] == [2, 2, 1]
    assert len(gateway.functions("readMore")) == 2


async def test_query_pages_by_offset(client: IntacctClient, gateway: FakeGateway) -> None:
    """A query advances its offset by each page's count."""
    # given
    customers(gateway, 5)
    # when
    pages = [
        page
        async for page in client.query_pages(
            obj="CUSTOMER", select=["CUSTOMERID"], options=QueryOptions(pagesize=2)
        )
    ]
    # then
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [q.findtext("offset") for q in gateway.functions("query")] == ["0", "2", "4"]


async def test_bulk_read_uses_in_filters_in_one_request(
    client: IntacctClient, gateway: FakeGateway
) -> None:
    """2500 keys are read with three in (...) queries batched into one request."""
    # given
    customers(gateway, 2500)
    await client.sessions.get()
    keys = [f"C{i:04d}" for i in range(2500)]
    # when
    found = await client.read_many(obj="CUSTOMER", field="CUSTOMERID", values=keys)
    # then
    assert len(found) == 2500
    queries = [q.findtext("query") or "" for q in gateway.functions("readByQuery")]
    assert len(queries) == 3
    assert queries[0].startswith("CUSTOMERID in ('C0000','C0001'")
    assert client.usage().round_trips == 2 + len(gateway.functions("readMore"))


async def test_cache_reads_master_data_once(client: IntacctClient, gateway: FakeGateway) -> None:
    """A cached customer is not read again until its time to live passes."""
    # given
    customers(gateway, 3)
    now = [0.0]
    cache = MasterDataCache(client, ttl=60, clock=lambda: now[0])
    # when
    await cache.get_many(obj="CUSTOMER", key_field="CUSTOMERID", keys=["C0000", "C0001"])
    await cache.get_many(obj="CUSTOMER", key_field="CUSTOMERID", keys=["C0001", "C0000"])
    first_reads = len(gateway.functions("readByQuery"))
    now[0] = 61.0
    found = await cache.get_many(obj="CUSTOMER", key_field="CUSTOMERID", keys=["C0000", "NOPE"])
    # then
    assert first_reads == 1
    assert len(gateway.functions("readByQuery")) == 2
    assert list(found) == ["C0000"]


async def test_no_duplicate_when_the_response_is_lost(
    client: IntacctClient, gateway: FakeGateway
) -> None:
    """A committed write whose response is lost is retried, refused as a replay, and read back."""
    # given
    doc = SalesTransaction(
        transactiontype="Sales Invoice",
        datecreated=date(2026, 11, 30),
        customerid="C0001",
        lines=(SalesLine(itemid="I-1", quantity=Decimal(1), price=Decimal("10.00")),),
        customfields=(("AUTOBILL_KEY", "k1"),),
    )
    function = create_sotransaction(doc, controlid="autobill:testcompany:k1:draft")
    write = Write(function, ReadBack("SODOCUMENT", "AUTOBILL_KEY", "k1", "DOCID", "Sales Invoice"))
    await client.sessions.get()
    gateway.faults.append(drop_after_commit(gateway))
    # when
    (outcome,) = await client.write([write])
    # then
    assert outcome.ok
    assert outcome.replayed
    assert outcome.key == "Sales Invoice-SI0002"
    assert len(gateway.records["SODOCUMENT"]) == 1
    assert gateway.requests[-2].findtext("control/uniqueid") == "true"


async def test_posting_twice_is_answered_as_done(client: IntacctClient) -> None:
    """Re-sending a posting with the same controlid is refused as a replay and reported done."""
    # given
    function = update_sotransaction_state(
        key="Sales Invoice-SI0001", state="Pending", controlid="autobill:c:k:post"
    )
    write = Write(function, key="Sales Invoice-SI0001")
    # when
    (first,) = await client.write([write])
    (second,) = await client.write([write])
    # then
    assert (first.ok, first.replayed) == (True, False)
    assert (second.ok, second.replayed, second.key) == (True, True, "Sales Invoice-SI0001")


async def test_replay_without_record_raises(client: IntacctClient, gateway: FakeGateway) -> None:
    """A replayed create whose record cannot be found is a replayed-controlid error."""
    # given
    gateway.written["autobill:c:gone:draft"] = "lost"
    doc = SalesTransaction("Sales Invoice", date(2026, 11, 30), "C0001", ())
    function = create_sotransaction(doc, controlid="autobill:c:gone:draft")
    write = Write(function, ReadBack("SODOCUMENT", "AUTOBILL_KEY", "gone", "DOCID"))
    # when
    (outcome,) = await client.write([write])
    # then
    assert not outcome.ok
    with pytest.raises(IntacctReplayedControlId):
        outcome.raise_for_status()


async def test_credentials_never_reach_the_logs(
    client: IntacctClient, gateway: FakeGateway
) -> None:
    """Round-trip logs name functions and statuses, never passwords or session ids."""
    # given
    customers(gateway, 1)
    # when
    with capture_logs() as logs:
        await client.execute(reads(2))
    # then
    text = repr(logs)
    assert logs
    for secret in ("pass123!", LOGIN.password, "session1.."):
        assert secret not in text
