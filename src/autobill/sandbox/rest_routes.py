"""The REST subset's routes: objects (list, get, create, update, delete) and the query service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final
from xml.etree.ElementTree import Element, SubElement

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from autobill.sandbox.changes import DELETED, audit
from autobill.sandbox.formats import sortable, stamp, wire
from autobill.sandbox.functions.write import create_one, update_one
from autobill.sandbox.query import compare
from autobill.sandbox.rest import (
    WRITABLE,
    RestError,
    authorised,
    call_for,
    failure,
    from_rest,
    id_field,
    object_of,
    to_rest,
    token,
)
from autobill.sandbox.xml.errors import FunctionFailed

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request

    from autobill.sandbox.gateway import Gateway
    from autobill.sandbox.objects import ObjectDef
    from autobill.sandbox.sessions import Session
    from autobill.sandbox.store import Row

BASE: Final = "/ia/api/v1"
OPERATORS: Final = {"$eq": "=", "$ne": "!=", "$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}
MAX_SIZE: Final = 4000
# REST names of a few stored fields, as the REST models spell them (§8).
ALIASES: Final = {
    "audit.createdDateTime": "WHENCREATED", "audit.modifiedDateTime": "WHENMODIFIED",
    "customer.id": "CUSTOMERID", "project.id": "PROJECTID", "contract.id": "CONTRACTID",
}


def routes(gateway: Gateway, guard: Callable[[Request, Any], Awaitable[Response]]) -> list[Route]:
    """Return the REST routes; ``guard`` applies the concurrency limit and latency."""

    def guarded(handler: Callable[[Gateway, Request], Awaitable[Response]]) -> Any:  # noqa: ANN401
        async def endpoint(request: Request) -> Response:
            return await guard(request, lambda: _errors(handler(gateway, request)))
        return endpoint

    async def issue(request: Request) -> Response:
        return await token(gateway, request)

    objects = f"{BASE}/objects/{{area}}/{{name}}"
    return [
        Route(f"{BASE}/oauth2/token", issue, methods=["POST"]),
        Route("/oauth2/token", issue, methods=["POST"]),
        Route(objects, guarded(_list), methods=["GET"]),
        Route(objects, guarded(_create), methods=["POST"]),
        Route(f"{objects}/{{key}}", guarded(_get), methods=["GET"]),
        Route(f"{objects}/{{key}}", guarded(_update), methods=["PATCH"]),
        Route(f"{objects}/{{key}}", guarded(_delete), methods=["DELETE"]),
        Route(f"{BASE}/services/core/query", guarded(_query), methods=["POST"]),
    ]


async def _errors(pending: Awaitable[Response]) -> Response:
    try:
        return await pending
    except RestError as error:
        return error.response()


def _path(request: Request) -> str:
    return f"{request.path_params['area']}/{request.path_params['name']}"


def _visible(gateway: Gateway, session: Session, definition: ObjectDef) -> list[Row]:
    rows = gateway.store.scan(definition.name)
    return [r for r in rows if not session.entity or r.entity in {"", session.entity}]


def _meter(gateway: Gateway, count: int) -> None:
    day = gateway.config.clock().date().isoformat()
    gateway.store.meter_add(gateway.config.company_id, day, count)


async def _list(gateway: Gateway, request: Request) -> Response:
    session, path = authorised(gateway, request), _path(request)
    definition = object_of(path)
    rows = await run_in_threadpool(_visible, gateway, session, definition)
    start, size = _window(request.query_params.get("start"), request.query_params.get("size"))
    page = [{"key": str(r.recordno), "id": r.data.get(id_field(definition), ""),
             "href": f"/objects/{path}/{r.recordno}"} for r in rows[start - 1: start - 1 + size]]
    _meter(gateway, 1)
    return JSONResponse({"ia::result": page, "ia::meta": _meta(len(rows), start, size)})


def _window(start_text: str | None, size_text: str | None) -> tuple[int, int]:
    try:
        start, size = int(start_text or 1), int(size_text or 100)
    except ValueError:
        raise RestError(400, "invalidRequest", "start and size must be whole numbers") from None
    if start < 1 or not 1 <= size <= MAX_SIZE:
        raise RestError(400, "invalidRequest", f"start >= 1, size 1 to {MAX_SIZE}")
    return start, size


def _meta(total: int, start: int, size: int) -> dict[str, Any]:
    following = start + size if start - 1 + size < total else None
    previous = max(1, start - size) if start > 1 else None
    return {"totalCount": total, "start": start, "pageSize": size, "next": following,
            "previous": previous}


async def _get(gateway: Gateway, request: Request) -> Response:
    session, path = authorised(gateway, request), _path(request)
    definition = object_of(path)
    row = _row(gateway, session, definition, request.path_params["key"])
    _meter(gateway, 1)
    meta = {"totalCount": 1, "totalSuccess": 1, "totalError": 0}
    return JSONResponse({"ia::result": to_rest(path, definition, row), "ia::meta": meta})


def _row(gateway: Gateway, session: Session, definition: ObjectDef, key: str) -> Row:
    row = gateway.store.get(definition.name, int(key)) if key.isdigit() else None
    if row is None or (session.entity and row.entity not in {"", session.entity}):
        raise RestError(404, "notFound", f"No {definition.name.lower()} with key {key}")
    return row


async def _create(gateway: Gateway, request: Request) -> Response:
    return await _write(gateway, request, "POST")


async def _update(gateway: Gateway, request: Request) -> Response:
    return await _write(gateway, request, "PATCH")


async def _write(gateway: Gateway, request: Request, method: str) -> Response:
    session, path = authorised(gateway, request), _path(request)
    definition = object_of(path)
    if definition.name not in WRITABLE:
        raise RestError(405, "methodNotAllowed", f"{method} is not allowed on objects/{path}")
    body = await request.json()
    if not isinstance(body, dict):
        raise RestError(400, "invalidRequest", "The body must be a JSON object")
    fields = from_rest(definition, body)
    if method == "PATCH":
        fields["RECORDNO"] = _row(gateway, session, definition, request.path_params["key"]).data[
            "RECORDNO"]
    row = await run_in_threadpool(_commit, gateway, session, definition, fields, method)
    _meter(gateway, 1)
    ref = {"key": str(row.recordno), "id": row.data.get(id_field(definition), ""),
           "href": f"/objects/{path}/{row.recordno}"}
    meta = {"totalCount": 1, "totalSuccess": 1, "totalError": 0}
    return JSONResponse({"ia::result": ref, "ia::meta": meta},
                        status_code=201 if method == "POST" else 200)


def _commit(
    gateway: Gateway, session: Session, definition: ObjectDef, fields: dict[str, str], method: str
) -> Row:
    element = Element(definition.name)
    for name, value in fields.items():
        parent = element
        for part in name.split(".")[:-1]:
            found = parent.find(part)
            parent = SubElement(parent, part) if found is None else found
        SubElement(parent, name.rsplit(".", 1)[-1]).text = value
    write = create_one if method == "POST" else update_one
    call = call_for(gateway, session)
    try:
        with gateway.store.transaction():
            reference = write(call, element)
    except FunctionFailed as failed:
        raise failure(method, f"{definition.name.lower()}", failed) from None
    gateway.dispatcher.publish(call.events)
    row = gateway.store.get(definition.name, int(reference.findtext("RECORDNO") or 0))
    assert row is not None  # noqa: S101 - just written
    return row


async def _delete(gateway: Gateway, request: Request) -> Response:
    session, path = authorised(gateway, request), _path(request)
    definition = object_of(path)
    if definition.name not in WRITABLE:
        raise RestError(405, "methodNotAllowed", f"DELETE is not allowed on objects/{path}")
    row = _row(gateway, session, definition, request.path_params["key"])
    with gateway.store.transaction():
        gateway.store.delete(definition.name, row.recordno)
        audit(call_for(gateway, session), definition.name, row.recordno, DELETED,
              row.data.get(id_field(definition), ""))
    _meter(gateway, 1)
    return Response(status_code=204)


async def _query(gateway: Gateway, request: Request) -> Response:
    session = authorised(gateway, request)
    body = await request.json()
    if not isinstance(body, dict) or not isinstance(body.get("object"), str):
        raise RestError(400, "invalidRequest", "The query needs an object")
    definition = object_of(body["object"])
    names = body.get("fields") or ["key", "id"]
    rows = [r for r in _visible(gateway, session, definition) if _matches(definition, body, r)]
    rows = _ordered(definition, body.get("orderBy") or [], rows)
    start, size = _window(str(body.get("start", 1)), str(body.get("size", 100)))
    shown = [to_rest(body["object"], definition, r) for r in rows[start - 1: start - 1 + size]]
    result = [{name: _pick(record, name) for name in names} for record in shown]
    _meter(gateway, 1)
    return JSONResponse({"ia::result": result, "ia::meta": _meta(len(rows), start, size)})


def _field(definition: ObjectDef, name: str) -> str:
    if name == "key":
        return "RECORDNO"
    if name == "id":
        return id_field(definition)
    return ALIASES.get(name, name.upper())


def _pick(record: dict[str, Any], name: str) -> Any:  # noqa: ANN401 - a JSON value
    value: Any = record
    for part in name.split("."):
        value = value.get(part, value.get(part.lower())) if isinstance(value, dict) else None
    return value


def _matches(definition: ObjectDef, body: dict[str, Any], row: Row) -> bool:
    checks = []
    for condition in body.get("filters") or []:
        for operator, pair in condition.items():
            for name, value in pair.items():
                checks.append(_check(operator, row.data.get(_field(definition, name), ""),
                                     _stored(value)))
    if not checks:
        return True
    return any(checks) if body.get("filterExpression") == "or" else all(checks)


def _stored(value: Any) -> Any:  # noqa: ANN401 - a JSON value
    """Write an ISO 8601 date or date-time filter value as Intacct stores it."""
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) == 10:  # noqa: PLR2004 - a plain YYYY-MM-DD date
        return wire(moment.date())
    return stamp(moment.astimezone(UTC).replace(tzinfo=None))


def _check(operator: str, actual: str, expected: Any) -> bool:  # noqa: ANN401 - a JSON value
    if operator in {"$in", "$notIn"}:
        found = actual in [str(v) for v in expected]
        return found if operator == "$in" else not found
    if operator not in OPERATORS:
        raise RestError(400, "invalidRequest", f"Unknown filter operator {operator}")
    return compare(actual, OPERATORS[operator], str(expected))


def _ordered(definition: ObjectDef, orders: list[dict[str, str]], rows: list[Row]) -> list[Row]:
    for order in reversed(orders):
        for name, direction in order.items():
            field = _field(definition, name)
            rows = sorted(rows, key=lambda r: sortable(r.data.get(field, "")),
                          reverse=direction == "desc")
    return rows
