"""The signed webhooks: verify first, store the event in the inbox once, answer 202 at once.

``POST /webhooks/intacct`` takes the sandbox's (Intacct's) outbound events, signed with
``X-Sandbox-Timestamp`` and ``X-Sandbox-Signature``; ``POST /webhooks/events`` takes our generic
events (:mod:`autobill.triggers.events`), signed with ``X-Autobill-Timestamp`` and
``X-Autobill-Signature``. Both signatures are ``sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">``.
Unsigned, forged, stale (outside the window) or replayed requests get 401, bodies that are not
JSON 400, invalid events 422, and none of them stores anything. Starting the work is the
dispatcher's job, later.
"""

import asyncio
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

import structlog
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from autobill.db.session import unit_of_work
from autobill.errors import InvalidInput, TooLarge, Unauthenticated
from autobill.inbox import service
from autobill.triggers.events import (
    GENERIC_SOURCE,
    INTACCT_SOURCE,
    generic_payload,
    intacct_payload,
    parse_generic,
    parse_intacct,
)
from autobill.web.deps import State, WebState
from autobill.web.signing import verify

log = logging.getLogger(__name__)
router = APIRouter(prefix="/webhooks", tags=["webhooks"])
SANDBOX_HEADERS: Final = ("X-Sandbox-Timestamp", "X-Sandbox-Signature")
GENERIC_HEADERS: Final = ("X-Autobill-Timestamp", "X-Autobill-Signature")
IDEMPOTENCY_KEY: Final = "Idempotency-Key"
TRACE_HEADER: Final = "X-Trace-Id"


class Accepted(BaseModel):
    """The answer to an accepted delivery: new or a repeat of a stored event."""

    status: str
    event_id: str
    trace_id: str


@router.post("/intacct", status_code=202)
async def intacct_event(request: Request, response: Response, state: State) -> Accepted:
    """Accept one outbound event of the sandbox (Intacct)."""
    body = await _verified_body(request, state, state.intacct_secret, SANDBOX_HEADERS)
    with _released_on_failure(request, state):
        event = parse_intacct(body)
        payload = intacct_payload(body)
        return await _accept(
            request, response, state, source=INTACCT_SOURCE, external_id=event.id, payload=payload
        )


@router.post("/events", status_code=202)
async def generic_event(request: Request, response: Response, state: State) -> Accepted:
    """Accept one generic event (milestone, timesheets, usage, contract change)."""
    body = await _verified_body(request, state, state.events_secret, GENERIC_HEADERS)
    with _released_on_failure(request, state):
        event = parse_generic(body)
        payload = generic_payload(event)
        return await _accept(
            request, response, state, source=GENERIC_SOURCE, external_id=event.id, payload=payload
        )


async def _verified_body(
    request: Request, state: WebState, secret: str, headers: tuple[str, str]
) -> bytes:
    declared = request.headers.get("Content-Length", "")
    too_large = TooLarge(f"the body exceeds {state.max_body_bytes} bytes")
    if declared.isascii() and declared.isdigit() and int(declared) > state.max_body_bytes:
        raise too_large
    body = await request.body()
    if len(body) > state.max_body_bytes:
        raise too_large
    try:
        verified = verify(
            secret,
            timestamp=request.headers.get(headers[0]),
            signature=request.headers.get(headers[1]),
            body=body,
            now=state.clock(),
            window_seconds=state.window_seconds,
        )
    except Unauthenticated as refused:
        log.warning("webhook %s refused: %s", request.url.path, refused.message)
        raise
    if state.replay is not None and not state.replay.claim(verified):
        log.warning("webhook %s refused: a replayed signature", request.url.path)
        msg = "this signed request was already received"
        raise Unauthenticated(msg)
    request.state.verified = verified
    return body


async def _accept(  # noqa: PLR0913 - the request, its state and the event to store
    request: Request,
    response: Response,
    state: WebState,
    *,
    source: str,
    external_id: str,
    payload: dict[str, Any],
) -> Accepted:
    key = request.headers.get(IDEMPOTENCY_KEY)
    if key is not None and key != external_id:
        msg = f"{IDEMPOTENCY_KEY} does not match the event id"
        raise InvalidInput(msg)
    trace_id = uuid.uuid4().hex
    # Every line logged while the event is stored carries its trace id (the X-Trace-Id answer).
    with structlog.contextvars.bound_contextvars(trace_id=trace_id, event_id=external_id):
        new = await asyncio.to_thread(_store, state.factory, source, external_id, payload, trace_id)
        if new and state.on_accepted is not None:
            state.on_accepted()
        status = "accepted" if new else "duplicate"
        log.info("webhook event %s from %s: %s", external_id, source, status)
    response.headers[TRACE_HEADER] = trace_id
    return Accepted(status=status, event_id=external_id, trace_id=trace_id)


@contextmanager
def _released_on_failure(request: Request, state: WebState) -> Iterator[None]:
    """Give the signature back when the request is not accepted, so a fixed retry can pass."""
    try:
        yield
    except BaseException:
        verified = getattr(request.state, "verified", None)
        if verified is not None and state.replay is not None:
            state.replay.release(verified)
        raise


def _store(
    factory: sessionmaker[Session],
    source: str,
    external_id: str,
    payload: dict[str, Any],
    trace_id: str,
) -> bool:
    with unit_of_work(factory) as session:
        return service.accept(
            session, source=source, external_id=external_id, payload=payload, trace_id=trace_id
        )
