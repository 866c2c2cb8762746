"""The signed webhooks over ASGI on SQLite and PostgreSQL: accept once, else store nothing."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import pytest_asyncio
import structlog
from sqlalchemy.orm import sessionmaker

from autobill.config import Settings
from autobill.logs import configure_logging
from autobill.triggers.dispatcher import Dispatcher
from autobill.web import create_app
from fixtures.triggers import SECRET, FakeStarter, body_of, inbox_rows, signed

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    import sqlalchemy as sa

pytestmark = pytest.mark.asyncio
EVENTS = "/webhooks/events"
INTACCT = "/webhooks/intacct"


def usage(**changes: Any) -> dict[str, Any]:  # noqa: ANN401 - JSON values
    """Return a valid generic usage event, with ``changes`` applied."""
    event: dict[str, Any] = {
        "id": f"evt-{uuid.uuid4().hex}",
        "type": "usage.reported",
        "company": "DEMO",
        "occurred_at": "2026-11-30T12:00:00+00:00",
        "contract_id": "CN-1",
        "line_no": 2,
        "usage_date": "2026-11-17",
        "quantity": "640.5",
    }
    return {**event, **changes}


def intacct_event() -> dict[str, Any]:
    """Return an outbound event body as the sandbox sends it."""
    return {
        "id": str(uuid.uuid4()),
        "type": "task.completed",
        "company": "DEMO",
        "object": "TASK",
        "key": "2",
        "occurredAt": "2026-11-30T12:00:00+00:00",
        "record": {"RECORDNO": "2", "TASKID": "T-TRAIN", "TASKSTATUS": "Completed"},
    }


@pytest.fixture
def json_logs() -> Iterator[None]:
    """JSON logging on stderr for the test; structlog and the root logger restored after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure_logging(level="INFO", json=True)
    yield
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest_asyncio.fixture
async def client(fresh_engine: sa.Engine) -> AsyncIterator[httpx.AsyncClient]:
    """Return a client of the app over ASGI, on a freshly migrated database."""
    settings = Settings(database_url=str(fresh_engine.url), webhook={"secret": SECRET})
    app = create_app(settings, factory=sessionmaker(fresh_engine, expire_on_commit=False))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as running:
        yield running


async def test_the_same_event_delivered_five_times_is_stored_and_started_once(
    client: httpx.AsyncClient, fresh_engine: sa.Engine
) -> None:
    """Five signed deliveries of one event: all 202, one inbox row, one start."""
    # given
    body = body_of(usage())
    now = time.time()
    # when
    answers = [
        await client.post(EVENTS, content=body, headers=signed(body, at=now - i))
        for i in range(5)
    ]
    starter = FakeStarter()
    dispatcher = Dispatcher(sessionmaker(fresh_engine, expire_on_commit=False), starter)
    first, second = await dispatcher.dispatch_once(), await dispatcher.dispatch_once()
    # then
    assert [a.status_code for a in answers] == [202] * 5
    assert [a.json()["status"] for a in answers] == ["accepted"] + ["duplicate"] * 4
    (row,) = inbox_rows(fresh_engine)
    assert row.payload["quantity"] == "640.5"
    assert row.handled_at is not None
    assert (first, second) == (1, 0)
    assert [e.external_id for e in starter.started] == [row.external_id]


async def test_the_sandbox_event_is_accepted_with_its_idempotency_key(
    client: httpx.AsyncClient, fresh_engine: sa.Engine
) -> None:
    """An outbound event signed the sandbox's way lands in the inbox under its id."""
    # given
    event = intacct_event()
    body = body_of(event)
    headers = {**signed(body, prefix="X-Sandbox"), "Idempotency-Key": event["id"]}
    # when
    answer = await client.post(INTACCT, content=body, headers=headers)
    # then
    assert answer.status_code == 202
    (row,) = inbox_rows(fresh_engine)
    assert (row.source, row.external_id, row.payload) == ("intacct", event["id"], event)
    assert row.trace_id == answer.headers["X-Trace-Id"]


async def test_an_exact_replay_is_refused(
    client: httpx.AsyncClient, fresh_engine: sa.Engine
) -> None:
    """The very same signed request sent again is a replay: 401."""
    # given
    body = body_of(usage())
    headers = signed(body)
    # when
    first = await client.post(EVENTS, content=body, headers=headers)
    replay = await client.post(EVENTS, content=body, headers=headers)
    # then
    assert (first.status_code, replay.status_code) == (202, 401)
    assert len(inbox_rows(fresh_engine)) == 1


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda b: signed(b, secret="not-the-secret"), id="forged"),  # noqa: S106
        pytest.param(lambda b: signed(b, at=time.time() - 301), id="stale"),
        pytest.param(lambda b: signed(b, at=time.time() + 301), id="future"),
        pytest.param(lambda _: {"Content-Type": "application/json"}, id="unsigned"),
        pytest.param(
            lambda b: {k: v for k, v in signed(b).items() if not k.endswith("Timestamp")},
            id="no-timestamp",
        ),
        pytest.param(lambda b: {**signed(b), "X-Autobill-Timestamp": "soon"}, id="bad-timestamp"),
        pytest.param(lambda b: signed(b, prefix="X-Sandbox"), id="other-headers"),
        pytest.param(lambda b: signed(b + b" "), id="other-body"),
    ],
)
async def test_unverified_requests_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, fresh_engine: sa.Engine, headers: Any  # noqa: ANN401 - a lambda
) -> None:
    """Forged, stale, unsigned or mis-signed requests: 401 and no inbox row."""
    # given
    body = body_of(usage())
    # when
    answer = await client.post(EVENTS, content=body, headers=headers(body))
    # then
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthenticated"
    assert inbox_rows(fresh_engine) == []


async def test_the_intacct_webhook_refuses_unsigned_deliveries(
    client: httpx.AsyncClient, fresh_engine: sa.Engine
) -> None:
    """The Intacct webhook wants the sandbox's headers: 401 without them."""
    # given
    body = body_of(intacct_event())
    # when
    answer = await client.post(INTACCT, content=body, headers=signed(body))
    # then
    assert answer.status_code == 401
    assert inbox_rows(fresh_engine) == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(b"{not json", 400, id="not-json"),
        pytest.param(body_of(usage(quantity=640.5)), 422, id="float-quantity"),
        pytest.param(body_of(usage(quantity="lots")), 422, id="text-quantity"),
        pytest.param(body_of(usage(quantity="NaN")), 422, id="nan-quantity"),
        pytest.param(body_of(usage(line_no="2")), 422, id="string-line"),
        pytest.param(body_of(usage(surprise=True)), 422, id="unknown-field"),
        pytest.param(body_of(usage(type="invoice.paid")), 422, id="unknown-type"),
        pytest.param(body_of(usage(occurred_at="2026-11-30T12:00:00")), 422, id="naive-time"),
        pytest.param(body_of({k: v for k, v in usage().items() if k != "id"}), 422, id="no-id"),
        pytest.param(b"[]", 422, id="array"),
    ],
)
async def test_malformed_events_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, fresh_engine: sa.Engine, body: bytes, status: int
) -> None:
    """Bodies that are not JSON get 400, invalid events 422; neither stores anything."""
    # when
    answer = await client.post(EVENTS, content=body, headers=signed(body))
    # then
    assert answer.status_code == status, answer.text
    assert inbox_rows(fresh_engine) == []


async def test_a_mismatched_idempotency_key_is_refused(
    client: httpx.AsyncClient, fresh_engine: sa.Engine
) -> None:
    """An Idempotency-Key that is not the event's id is a 422, and nothing is stored."""
    # given
    body = body_of(intacct_event())
    headers = {**signed(body, prefix="X-Sandbox"), "Idempotency-Key": "another"}
    # when
    answer = await client.post(INTACCT, content=body, headers=headers)
    # then
    assert answer.status_code == 422
    assert inbox_rows(fresh_engine) == []


@pytest.mark.parametrize(
    "event",
    [
        {"type": "milestone.completed", "project_id": "P-1", "task_id": "T-1",
         "completed_on": "2026-11-20"},
        {"type": "timesheets.approved", "project_id": "P-1", "period_start": "2026-11-01",
         "period_end": "2026-11-30", "entries": ["1", "2"]},
        {"type": "usage.reported", "contract_id": "CN-1", "line_no": 2,
         "usage_date": "2026-11-17", "quantity": 640},
        {"type": "contract.changed", "contract_id": "CN-1", "change": "upgraded",
         "effective_on": "2026-11-15", "line_no": 1},
    ],
    ids=lambda e: e["type"],
)
async def test_each_generic_event_type_is_accepted(
    client: httpx.AsyncClient, fresh_engine: sa.Engine, event: dict[str, Any]
) -> None:
    """Every generic event type is accepted and stored as sent (quantities as strings)."""
    # given
    common = {"id": "e-1", "company": "DEMO", "occurred_at": "2026-11-30T12:00:00Z"}
    body = json.dumps({**common, **event}).encode()
    # when
    answer = await client.post(EVENTS, content=body, headers=signed(body))
    # then
    assert answer.status_code == 202, answer.text
    (row,) = inbox_rows(fresh_engine)
    assert row.payload["type"] == event["type"]
    assert all(not isinstance(v, float) for v in row.payload.values())


async def test_an_oversized_body_is_refused(client: httpx.AsyncClient) -> None:
    """A body beyond the limit is refused with 413 before anything else."""
    # given
    body = b"x" * 1_048_577
    # when
    answer = await client.post(EVENTS, content=body, headers=signed(body))
    # then
    assert answer.status_code == 413


async def test_the_health_endpoint_answers(client: httpx.AsyncClient) -> None:
    """GET /api/health says ok."""
    # when
    answer = await client.get("/api/health")
    # then
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


@pytest.mark.usefixtures("json_logs")
async def test_an_accepted_event_is_logged_with_its_trace_id(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """The acceptance is logged as JSON with the answer's trace id and the event id."""
    # given
    event = usage()
    body = body_of(event)
    # when
    answer = await client.post(EVENTS, content=body, headers=signed(body))
    # then
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    accepted = [line for line in lines if line.get("event_id") == event["id"]]
    assert answer.status_code == 202
    assert len(accepted) == 1
    assert accepted[0]["trace_id"] == answer.headers["X-Trace-Id"]
    assert "trace_id" not in structlog.contextvars.get_contextvars()
