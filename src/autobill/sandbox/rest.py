"""A REST subset (§8): OAuth2 client credentials, four objects, the query service, REST errors.

Records are the XML gateway's, shown with REST names: ``key`` (RECORDNO), ``id`` (the id field)
and ``href``, then every other field in lower case, dotted names nested. Writes go through the
same create/update code as the gateway, so validations and audit are shared.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import date
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs

from starlette.responses import JSONResponse, Response

from autobill.sandbox.formats import is_date_field, parse_date, parse_moment, wire
from autobill.sandbox.functions.context import Call
from autobill.sandbox.objects import lookup

if TYPE_CHECKING:
    from starlette.requests import Request

    from autobill.sandbox.gateway import Gateway
    from autobill.sandbox.objects import ObjectDef
    from autobill.sandbox.sessions import Session
    from autobill.sandbox.store import Row
    from autobill.sandbox.xml.errors import FunctionFailed

OBJECTS: Final = {
    "accounts-receivable/customer": "CUSTOMER",
    "accounts-receivable/invoice": "ARINVOICE",
    "contracts/contract": "CONTRACT",
    "projects/project": "PROJECT",
}
WRITABLE: Final = frozenset({"CUSTOMER", "CONTRACT", "PROJECT"})
ID_OF: Final = {"ARINVOICE": "RECORDID"}


class RestError(Exception):
    """A REST failure: HTTP status, error code, message and Intacct's details."""

    def __init__(
        self, status: int, code: str, message: str, details: list[Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []

    def response(self) -> JSONResponse:
        """Render the REST error shape (``ia::result`` → ``ia::error``, §8)."""
        error = {"code": self.code, "message": self.message, "errorId": f"REST-{self.status}",
                 "supportId": secrets.token_urlsafe(12), "details": self.details}
        body = {"ia::result": {"ia::error": error},
                "ia::meta": {"totalCount": 1, "totalSuccess": 0, "totalError": 1}}
        return JSONResponse(body, status_code=self.status)


def id_field(definition: ObjectDef) -> str:
    """Return the field REST shows as ``id``."""
    return ID_OF.get(definition.name) or definition.id_field or "RECORDNO"


def to_rest(path: str, definition: ObjectDef, row: Row) -> dict[str, Any]:
    """Show a stored record with REST names."""
    shown: dict[str, Any] = {
        "key": str(row.recordno), "id": row.data.get(id_field(definition), ""),
        "href": f"/objects/{path}/{row.recordno}",
    }
    stamps = (("createdDateTime", "WHENCREATED"), ("modifiedDateTime", "WHENMODIFIED"))
    shown["audit"] = {
        label: f"{moment.isoformat()}Z"
        for label, name in stamps
        if (moment := parse_moment(row.data.get(name, ""))) is not None
    }
    for name, value in row.data.items():
        if value and name not in {"RECORDNO", id_field(definition), "WHENCREATED", "WHENMODIFIED"}:
            *parents, leaf = name.lower().split(".")
            target = shown
            for part in parents:
                target = target.setdefault(part, {})
            day = parse_date(value) if is_date_field(name) else None
            target[leaf] = day.isoformat() if day else value
    return shown


def from_rest(definition: ObjectDef, body: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Turn a REST body into stored field names (``id`` → the id field, nested → dotted)."""
    fields: dict[str, str] = {}
    for name, value in body.items():
        upper = id_field(definition) if name == "id" and not prefix else prefix + name.upper()
        if isinstance(value, dict):
            fields.update(from_rest(definition, value, f"{upper}."))
        elif is_date_field(upper) and isinstance(value, str) and _iso(value):
            fields[upper] = wire(date.fromisoformat(value))  # REST dates are ISO 8601
        else:
            fields[upper] = "" if value is None else str(value)
    return fields


def _iso(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def authorised(gateway: Gateway, request: Request) -> Session:
    """Return the bearer token's session, scoped to ``X-IA-API-Param-Entity`` when given."""
    header = request.headers.get("authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    session = gateway.sessions.touch(token) if token else None
    if session is None:
        raise RestError(401, "invalidToken", "The token is not valid")
    entity = request.headers.get("x-ia-api-param-entity")
    if entity is None:
        return session
    return dataclasses.replace(session, entity=entity)


async def token(gateway: Gateway, request: Request) -> Response:
    """``POST oauth2/token``: the client-credentials grant; username ``user@company|entity``."""
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
    config = gateway.config
    if form.get("grant_type") != "client_credentials":
        refusal = RestError(400, "unsupportedGrantType", "Use grant_type=client_credentials")
        return refusal.response()
    if (form.get("client_id"), form.get("client_secret")) != (config.client_id,
                                                               config.client_secret):
        return RestError(401, "invalidClient", "Invalid client credentials").response()
    user, _, rest = form.get("username", "").partition("@")
    company, _, entity = rest.partition("|")
    if (user, company) != (config.user_id, config.company_id):
        return RestError(401, "invalidGrant", "Invalid username").response()
    session = gateway.sessions.open(user, company, entity)
    lifetime = int(config.session_timeout.total_seconds())
    return JSONResponse({"access_token": session.sessionid, "token_type": "Bearer",
                         "expires_in": lifetime})


def call_for(gateway: Gateway, session: Session) -> Call:
    """Return a function call context for a REST request."""
    return Call(gateway.store, gateway.config, gateway.sessions, gateway.pages, session, "",
                gateway.config.clock(), "")


def object_of(path: str) -> ObjectDef:
    """Return the object a REST path names, or raise a 404."""
    name = OBJECTS.get(path)
    definition = lookup(name) if name else None
    if definition is None:
        raise RestError(404, "notFound", f"Object {path} is not available")
    return definition


def failure(method: str, path: str, failed: FunctionFailed) -> RestError:
    """Turn a gateway failure into the REST 422 business-validation error."""
    details = [{"errorId": e.errorno, "code": "unableToCreateRecordError",
                "message": e.description2} for e in failed.errors]
    message = f"{method} request on objects/{path} object was unsuccessful"
    return RestError(422, "operationFailed", message, details)
