"""Parse XML gateway responses (DTDs refused) into values, and raise for request failures.

Three status levels exist: ``<control>``, ``<authentication>`` and one ``<result>`` per
function, in request order. A control or authentication failure fails the whole request and
is raised by :func:`parse`; function failures are values on each :class:`Result`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

from autobill.intacct._xml import DTDForbidden, parse_safely
from autobill.intacct.errors import (
    ErrorDetail,
    IntacctAuthError,
    IntacctRateLimited,
    IntacctRequestError,
    IntacctTransportError,
    describe,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

Value: TypeAlias = "str | dict[str, Value] | list[Value]"
Record: TypeAlias = "dict[str, Value]"

RATE_LIMITED = "GW-0010"
SIGN_IN_ERRNOS = frozenset({"XMLGW_JPP0002"})
_SUPPORT_ID = re.compile(r"\[Support ID: ([^\]]*)\]")


@dataclass(frozen=True, slots=True)
class Authentication:
    """The echoed ``<authentication>`` of a successful operation."""

    userid: str
    companyid: str
    locationid: str
    sessiontimeout: str | None


@dataclass(frozen=True, slots=True)
class Result:
    """One function's ``<result>``: status, echo, payload and errors."""

    status: str
    function: str
    controlid: str
    errors: tuple[ErrorDetail, ...]
    data: Element | None
    key: str | None

    @property
    def ok(self) -> bool:
        """Whether the function succeeded."""
        return self.status == "success"

    def attr(self, name: str) -> str | None:
        """Read an attribute of ``<data>``.

        Args:
            name: ``count``, ``totalcount``, ``numremaining``, ``resultId`` or ``offset``.

        Returns:
            Its value, or None when absent.
        """
        return None if self.data is None else self.data.get(name)

    def records(self) -> list[Record]:
        """The records under ``<data>``, each as a dict of its child elements."""
        if self.data is None:
            return []
        return [to_record(child) for child in self.data]

    def error(self) -> IntacctRequestError:
        """This result's failure as an exception (for callers who want to raise it)."""
        message = f"{self.function} {self.controlid} {self.status}: {describe(self.errors)}"
        return IntacctRequestError(
            message,
            errors=self.errors,
            function=self.function,
            controlid=self.controlid,
            status=self.status,
        )

    def raise_for_status(self) -> Result:
        """Return this result when it succeeded, else raise its error."""
        if not self.ok:
            raise self.error()
        return self


@dataclass(frozen=True, slots=True)
class Response:
    """A parsed successful response: the authentication echo and the results in order."""

    controlid: str
    authentication: Authentication | None
    results: tuple[Result, ...]


def parse(body: bytes) -> Response:
    """Parse a gateway response, raising for control and authentication failures.

    Args:
        body: the raw response body.

    Returns:
        The response.

    Raises:
        IntacctTransportError: the body is not XML, is hostile (DTD, entities) or is not a
            gateway response; not retryable when hostile.
        IntacctRateLimited: the gateway reported ``GW-0010``.
        IntacctAuthError: sender, login or session credentials were refused.
        IntacctRequestError: any other control-level failure.
    """
    root = _root(body)
    control = _required(root, "control")
    if _text(control, "status") != "success":
        _raise_control(_errors(root))
    operation = root.find("operation")
    if operation is None:
        msg = "gateway response without an operation (asynchronous acknowledgement?)"
        raise IntacctTransportError(msg, retryable=False)
    auth = _required(operation, "authentication")
    if _text(auth, "status") != "success":
        errors = _errors(operation)
        msg = f"authentication failed: {describe(errors)}"
        raise IntacctAuthError(msg, errors=errors)
    results = tuple(_result(node) for node in operation.findall("result"))
    return Response(_text(control, "controlid"), _authentication(auth), results)


def _root(body: bytes) -> Element:
    try:
        root = parse_safely(body)
    except DTDForbidden as exc:
        msg = f"refused a hostile XML response: {type(exc).__name__}"
        raise IntacctTransportError(msg, retryable=False) from exc
    except ParseError as exc:
        msg = f"response is not XML: {body[:80]!r}"
        raise IntacctTransportError(msg) from exc
    if root.tag != "response":
        msg = f"response root is <{root.tag}>, not <response>"
        raise IntacctTransportError(msg)
    return root


def _raise_control(errors: tuple[ErrorDetail, ...]) -> None:
    message = f"request failed: {describe(errors)}"
    if any(e.errorno == RATE_LIMITED for e in errors):
        raise IntacctRateLimited(message)
    if any(_is_sign_in(e) for e in errors):
        raise IntacctAuthError(message, errors=errors)
    raise IntacctRequestError(message, errors=errors)


def _is_sign_in(error: ErrorDetail) -> bool:
    text = error.text().lower()
    return error.errorno in SIGN_IN_ERRNOS or "sign-in" in text or "password" in text


def _authentication(node: Element) -> Authentication:
    return Authentication(
        userid=_text(node, "userid"),
        companyid=_text(node, "companyid"),
        locationid=_text(node, "locationid"),
        sessiontimeout=node.findtext("sessiontimeout"),
    )


def _result(node: Element) -> Result:
    return Result(
        status=_text(node, "status"),
        function=_text(node, "function"),
        controlid=_text(node, "controlid"),
        errors=_errors(node),
        data=node.find("data"),
        key=node.findtext("key"),
    )


def _errors(node: Element) -> tuple[ErrorDetail, ...]:
    return tuple(
        ErrorDetail(
            errorno=_text(error, "errorno"),
            description=_text(error, "description"),
            description2=_support_decoded(_text(error, "description2")),
            correction=_text(error, "correction"),
        )
        for error in node.findall("errormessage/error")
    )


def _support_decoded(text: str) -> str:
    """Decode the URL-encoded ``[Support ID: ...]`` suffix Intacct appends."""
    return _SUPPORT_ID.sub(lambda m: f"[Support ID: {unquote(m.group(1))}]", text)


def to_record(node: Element) -> Record:
    """Turn a record element into a dict; repeated children become lists.

    Args:
        node: the record element.

    Returns:
        Leaf elements as their text (empty string for empty), nested ones as dicts.
    """
    record: Record = {}
    for child in node:
        value: Value = to_record(child) if len(child) else (child.text or "")
        if child.tag not in record:
            record[child.tag] = value
            continue
        previous = record[child.tag]
        record[child.tag] = [*previous, value] if isinstance(previous, list) else [previous, value]
    return record


def _required(node: Element, tag: str) -> Element:
    child = node.find(tag)
    if child is None:
        msg = f"gateway response lacks <{tag}>"
        raise IntacctTransportError(msg)
    return child


def _text(node: Element, tag: str) -> str:
    return (node.findtext(tag) or "").strip()
