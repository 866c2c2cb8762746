"""A tiny scripted XML gateway for httpx.MockTransport: sessions, reads, writes, faults.

It answers in the shapes of the recorded fixtures (``../shared/intacct-fixtures``), keeps
written records by controlid (uniqueid replay protection), and can inject transport faults,
latency and session expiry. The real emulator is ``autobill.sandbox``; this stays small so the
client's unit tests need no server.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as SafeET
import httpx

if TYPE_CHECKING:
    from collections.abc import Callable

REPLAY_ERRNO = "XL03000013"
_IN = re.compile(r"^(\w+) in \((.*)\)$")


def _add(parent: Element, tag: str, text: str | None = None) -> Element:
    child = SubElement(parent, tag)
    child.text = text
    return child


def _errors(parent: Element, errno: str, text: str) -> None:
    error = _add(_add(parent, "errormessage"), "error")
    _add(error, "errorno", errno)
    _add(error, "description", "")
    _add(error, "description2", text)
    _add(error, "correction", "")


@dataclass
class FakeGateway:
    """Scripted gateway state; ``handler`` is the MockTransport callable."""

    records: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    faults: list[Callable[[httpx.Request], httpx.Response | None]] = field(default_factory=list)
    latency: float = 0.0
    requests: list[Element] = field(default_factory=list)
    sessions: dict[str, str] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    in_flight: int = 0
    peak: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _pages: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def expire_sessions(self) -> None:
        """Invalidate every session, as an idle timeout would."""
        self.sessions.clear()

    def functions(self, name: str) -> list[Element]:
        """Every function element of that name received so far."""
        return [f[0] for r in self.requests for f in r.iter("function") if f[0].tag == name]

    async def handler(self, request: httpx.Request) -> httpx.Response:
        """Answer one request, honouring injected faults, latency and concurrency tracking."""
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            return self._answer(request)
        finally:
            self.in_flight -= 1

    def _answer(self, request: httpx.Request) -> httpx.Response:
        if self.faults:
            faulty = self.faults.pop(0)(request)
            if faulty is not None:
                return faulty
        root = SafeET.fromstring(request.content)
        self.requests.append(root)
        return self._respond(root)

    def _respond(self, root: Element) -> httpx.Response:
        response = Element("response")
        control = _add(response, "control")
        for tag, text in (("status", "success"), ("senderid", root.findtext("control/senderid"))):
            _add(control, tag, text)
        _add(control, "controlid", root.findtext("control/controlid"))
        _add(control, "uniqueid", root.findtext("control/uniqueid"))
        _add(control, "dtdversion", "3.0")
        operation = _add(response, "operation")
        auth = _add(operation, "authentication")
        entity = self._authenticate(root, auth, operation)
        if entity is not None:
            unique = root.findtext("control/uniqueid") == "true"
            for function in root.iterfind("operation/content/function"):
                operation.append(self._result(function, entity, unique=unique))
        body = b'<?xml version="1.0" encoding="UTF-8"?>' + tostring(response)
        return httpx.Response(200, content=body, headers={"content-type": "text/xml"})

    def _authenticate(self, root: Element, auth: Element, operation: Element) -> str | None:
        sessionid = root.findtext("operation/authentication/sessionid")
        login = root.find("operation/authentication/login")
        if login is not None:
            entity: str | None = login.findtext("locationid") or ""
        else:
            entity = self.sessions.get(sessionid or "")
        if entity is None:
            _add(auth, "status", "failure")
            _errors(operation, "XL03000006", "Invalid session")
            return None
        _add(auth, "status", "success")
        _add(auth, "userid", "testuser")
        _add(auth, "companyid", "testcompany")
        _add(auth, "locationid", entity)
        _add(auth, "sessiontimeout", "2099-01-01T00:00:00+00:00")
        return entity

    def _result(self, function: Element, entity: str, *, unique: bool) -> Element:
        body = function[0]
        cid = function.get("controlid", "")
        result = Element("result")
        _add(result, "status", "success")
        _add(result, "function", body.tag)
        _add(result, "controlid", cid)
        handler = getattr(self, f"_fn_{body.tag}", None)
        if handler is None:
            result[0].text = "failure"
            _errors(result, "XXX", f"Unknown function {body.tag}")
            return result
        if unique and body.tag.startswith(("create", "update")) and cid in self.written:
            result[0].text = "failure"
            _errors(result, REPLAY_ERRNO, f"A function with control id {cid} was already executed.")
            return result
        handler(result, body, entity, cid)
        return result

    def _fn_getAPISession(self, result: Element, body: Element, entity: str, _: str) -> None:  # noqa: N802
        location = body.find("locationid")
        target = entity if location is None else (location.text or "")
        sessionid = f"session{next(self._ids)}.."
        self.sessions[sessionid] = target
        api = _add(_add(result, "data"), "api")
        _add(api, "sessionid", sessionid)
        _add(api, "endpoint", "https://api.intacct.com/ia/xml/xmlgw.phtml")
        _add(api, "locationid", target)

    def _fn_readByQuery(self, result: Element, body: Element, _e: str, _c: str) -> None:  # noqa: N802
        obj = body.findtext("object", "")
        rows = self._matching(obj, body.findtext("query") or "")
        self._page(result, obj.lower(), rows, int(body.findtext("pagesize") or "100"))

    def _fn_readMore(self, result: Element, body: Element, _e: str, _c: str) -> None:  # noqa: N802
        result_id = body.findtext("resultId", "")
        rows = self._pages.pop(result_id, None)
        if rows is None:
            result[0].text = "failure"
            _errors(result, "readMore failed", f"invalid or expired resultId: {result_id}")
            return
        self._page(result, "record", rows, 2)

    def _fn_query(self, result: Element, body: Element, _e: str, _c: str) -> None:
        rows = self.records.get(body.findtext("object", ""), [])
        offset, size = int(body.findtext("offset") or 0), int(body.findtext("pagesize") or 100)
        page = rows[offset : offset + size]
        data = _add(result, "data")
        remaining = max(len(rows) - offset - len(page), 0)
        attrs = {"totalcount": len(rows), "offset": offset, "count": len(page)}
        for name, value in {**attrs, "numremaining": remaining}.items():
            data.set(name, str(value))
        for row in page:
            self._record(data, body.findtext("object", ""), row)

    def _fn_create_sotransaction(self, result: Element, body: Element, _e: str, cid: str) -> None:
        key = f"{body.findtext('transactiontype')}-SI{next(self._ids):04d}"
        self._store("SODOCUMENT", key, "DOCID", body, cid)
        _add(result, "key", key)

    def _fn_create_invoice(self, result: Element, body: Element, _e: str, cid: str) -> None:
        key = str(next(self._ids))
        self._store("ARINVOICE", key, "RECORDNO", body, cid)
        _add(result, "key", key)

    def _fn_update_sotransaction(self, _r: Element, body: Element, _e: str, cid: str) -> None:
        self.written[cid] = body.get("key", "")

    def _store(self, obj: str, key: str, key_field: str, body: Element, cid: str) -> None:
        row = {key_field: key}
        for custom in body.iterfind("customfields/customfield"):
            row[custom.findtext("customfieldname", "")] = custom.findtext("customfieldvalue", "")
        self.records.setdefault(obj, []).append(row)
        self.written[cid] = key

    def _matching(self, obj: str, query: str) -> list[dict[str, str]]:
        rows = self.records.get(obj, [])
        found = _IN.match(query.strip())
        if not query.strip() or found is None:
            return list(rows)
        values = set(re.findall(r"'((?:[^'\\]|\\.)*)'", found.group(2)))
        return [r for r in rows if r.get(found.group(1)) in values]

    def _page(self, result: Element, tag: str, rows: list[dict[str, str]], size: int) -> None:
        page, rest = rows[:size], rows[size:]
        result_id = f"result{next(self._ids)}" if rest else ""
        if rest:
            self._pages[result_id] = rest
        data = _add(result, "data")
        data.attrib.update({"listtype": tag, "count": str(len(page)), "totalcount": str(len(rows))})
        data.attrib.update({"numremaining": str(len(rest)), "resultId": result_id})
        for row in page:
            self._record(data, tag, row)

    @staticmethod
    def _record(data: Element, tag: str, row: dict[str, str]) -> None:
        node = _add(data, tag)
        for name, value in row.items():
            _add(node, name, value)


def status(code: int, headers: dict[str, str] | None = None) -> Callable[..., httpx.Response]:
    """A fault answering with an HTTP status and an HTML body, as Cloudflare would."""
    return lambda _request: httpx.Response(
        code, text="<html>cf-error-details</html>", headers=headers
    )


def drop_after_commit(gateway: FakeGateway) -> Callable[[httpx.Request], httpx.Response | None]:
    """A fault that lets the gateway commit the request, then loses the response."""

    def fault(request: httpx.Request) -> httpx.Response | None:
        gateway.requests.append(root := SafeET.fromstring(request.content))
        gateway._respond(root)  # noqa: SLF001 - the commit happens, only the answer is lost
        msg = "connection reset after commit"
        raise httpx.ReadError(msg, request=request)

    return fault
