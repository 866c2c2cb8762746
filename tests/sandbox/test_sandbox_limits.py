"""Metering, the concurrency limit, latency and injected faults, over real HTTP (§3, §9.19)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import httpx
import pytest
from sandbox_helpers import envelope, function

from autobill.sandbox import FaultRates, SandboxConfig
from fixtures.sandbox_server import run_sandbox

READ = function("<readByQuery><object>GLACCOUNT</object><query/><pagesize>4</pagesize>"
                "</readByQuery>")


def test_meter_counts_by_the_official_rule(sandbox_server: object) -> None:
    """Each read call is 1, each record written is 1, per company and day (§3)."""
    # given
    from fixtures.sandbox_server import RunningSandbox  # noqa: PLC0415 - for the type only

    assert isinstance(sandbox_server, RunningSandbox)
    url = sandbox_server.xml_url
    creates = function("<create><CLASS><CLASSID>M1</CLASSID><NAME>M</NAME></CLASS>"
                       "<CLASS><CLASSID>M2</CLASSID><NAME>M</NAME></CLASS></create>", "c")
    deletes = function("<delete><object>CLASS</object><keys>M1</keys></delete>", "d")
    failing = function("<read><object>NOPE</object><keys>1</keys></read>", "x")
    # when
    httpx.post(url, content=envelope(READ + creates + deletes + failing))
    meter = httpx.get(f"{sandbox_server.url}/_sandbox/meter").json()
    # then
    today = datetime.now(UTC).date().isoformat()
    assert meter == {"meter": [{"company": "DEMO", "day": today, "transactions": 4}]}


def post_later(url: str, statuses: list[int]) -> threading.Thread:
    """Post a read from a thread, collecting the status code."""
    def send() -> None:
        statuses.append(httpx.post(url, content=envelope(READ), timeout=10).status_code)

    thread = threading.Thread(target=send)
    thread.start()
    return thread


def test_requests_beyond_the_concurrency_limit_get_429() -> None:
    """With 2 slots and slow answers, a third concurrent request gets 429 with GW-0010."""
    # given
    config = SandboxConfig(max_concurrent=2, latency_seconds=0.4)
    with run_sandbox(config) as sandbox:
        statuses: list[int] = []
        threads = [post_later(sandbox.xml_url, statuses) for _ in range(2)]
        time.sleep(0.15)
        # when
        third = httpx.post(sandbox.xml_url, content=envelope(READ), timeout=10)
        for thread in threads:
            thread.join()
    # then
    assert third.status_code == 429
    assert b"GW-0010" in third.content
    assert statuses == [200, 200]


def test_latency_delays_each_answer() -> None:
    """A configured latency delays every answer by at least that long."""
    # given
    with run_sandbox(SandboxConfig(latency_seconds=0.1)) as sandbox:
        started = time.perf_counter()
        # when
        httpx.post(sandbox.xml_url, content=envelope(READ))
        elapsed = time.perf_counter() - started
    # then
    assert elapsed >= 0.1


def test_processing_counts_towards_the_latency(monkeypatch: pytest.MonkeyPatch) -> None:
    """The latency is the floor of the service time: processing does not add to it."""
    # given
    from autobill.sandbox.gateway import Gateway  # noqa: PLC0415

    handle = Gateway.handle

    def slow(self: Gateway, body: bytes, endpoint: str) -> bytes:
        time.sleep(0.3)
        return handle(self, body, endpoint)

    monkeypatch.setattr(Gateway, "handle", slow)
    with run_sandbox(SandboxConfig(latency_seconds=0.4)) as sandbox:
        started = time.perf_counter()
        # when
        response = httpx.post(sandbox.xml_url, content=envelope(READ), timeout=10)
        elapsed = time.perf_counter() - started
    # then
    assert response.status_code == 200
    assert 0.4 <= elapsed < 0.65


@pytest.mark.parametrize(("_case", "rates", "status"), [
    ("bad gateway", FaultRates(http_502=1.0), 502),
    ("unavailable", FaultRates(http_503=1.0), 503),
    ("cdn cut the connection", FaultRates(http_524=1.0), 524),
])
def test_injected_http_errors_answer_html(_case: str, rates: FaultRates, status: int) -> None:
    """An injected 5xx answers an HTML error page, as Cloudflare does (§1.1)."""
    # given
    with run_sandbox(SandboxConfig(faults=rates)) as sandbox:
        # when
        response = httpx.post(sandbox.xml_url, content=envelope(READ))
    # then
    assert response.status_code == status
    assert "cf-error-details" in response.text


def test_injected_timeout_outlasts_the_client() -> None:
    """An injected timeout holds the answer longer than a client's timeout."""
    # given
    config = SandboxConfig(faults=FaultRates(timeout=1.0, timeout_seconds=0.3))
    with run_sandbox(config) as sandbox, pytest.raises(httpx.ReadTimeout):
        # when / then
        httpx.post(sandbox.xml_url, content=envelope(READ), timeout=0.1)


def test_lost_response_commits_the_write_and_drops_the_connection() -> None:
    """"Committed but the response was lost": the record exists, the client sees a dropped line."""
    # given
    create = function("<create><CLASS><CLASSID>L1</CLASSID><NAME>L</NAME></CLASS></create>")
    with run_sandbox(SandboxConfig(faults=FaultRates(lost=1.0))) as sandbox:
        # when
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.post(sandbox.xml_url, content=envelope(create))
        # then
        assert sandbox.store.find("CLASS", "L1") is not None


def test_faults_are_deterministic_for_a_seed() -> None:
    """The same seed and rates give the same sequence of answers."""
    # given
    rates = FaultRates(http_502=0.3, http_503=0.3, seed=7)

    def statuses() -> list[int]:
        with run_sandbox(SandboxConfig(faults=rates), dataset=None) as sandbox, httpx.Client(
        ) as http:
            return [http.post(sandbox.xml_url, content=envelope(READ)).status_code
                    for _ in range(12)]

    # when
    first, second = statuses(), statuses()
    # then
    assert first == second
    assert {502, 503, 200} <= set(first)
