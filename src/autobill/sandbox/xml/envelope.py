"""Parsing the request envelope (§1.2) and writing the response envelope (§1.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final
from xml.etree.ElementTree import (
    Element,
    ParseError,
    SubElement,
    TreeBuilder,
    XMLParser,
    indent,
    tostring,
)

from autobill.sandbox.xml.errors import ErrorRecord, errormessage

if TYPE_CHECKING:
    from collections.abc import Sequence


# The tag of an element standing for XML already written (a page of records): the response
# writer copies its text as is; an indented response parses it back first.
RAW: Final = "\x00written"


def written(text: str) -> Element:
    """Return an element standing for ``text``, well-formed XML already written compactly."""
    node = Element(RAW)
    node.text = text
    return node


class MalformedRequest(Exception):
    """The body is not a well-formed, schema-valid request (XL03000003)."""


class DTDForbidden(Exception):
    """The body declares a document type: DTDs (and so entities, XML bombs) are refused."""


class _NoDTD(TreeBuilder):
    """Builds the tree with the C parser, refusing any document type declaration."""

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        """Refuse the document: no DTD, so no entity can be declared or expanded."""
        raise DTDForbidden(name, pubid, system)


def _parse_xml(body: bytes) -> Element:
    """Parse with ElementTree's C parser; a DTD is refused (quickly when it is plainly there).

    The C parser is several times faster than defusedxml's Python-level one on requests of
    fifty documents. Without a DTD no entity can be declared, so none can be expanded; the
    byte check refuses UTF-8 bombs before parsing, the doctype hook any other encoding's.
    """
    if b"<!DOCTYPE" in body:
        raise DTDForbidden
    parser = XMLParser(target=_NoDTD())  # noqa: S314 - DTDs refused above and by the target
    parser.feed(body)
    root: Element = parser.close()
    return root


@dataclass(frozen=True, slots=True)
class Control:
    """The ``<control>`` block, as sent."""

    senderid: str
    password: str
    controlid: str
    uniqueid: str | None
    dtdversion: str | None
    policyid: str | None
    includewhitespace: bool

    @property
    def unique(self) -> bool:
        """Return whether replay protection is on; missing means true, as the docs say (§2.1)."""
        return (self.uniqueid or "true").strip().lower() != "false"


@dataclass(frozen=True, slots=True)
class Login:
    """``<login>`` credentials; ``locationid`` is None when absent."""

    userid: str
    companyid: str
    password: str
    locationid: str | None


@dataclass(frozen=True, slots=True)
class Operation:
    """One ``<operation>``: its transaction flag, authentication and functions."""

    transaction: bool
    login: Login | None
    sessionid: str | None
    functions: list[Element] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Request:
    """A parsed request."""

    control: Control
    operations: list[Operation]


def parse_request(body: bytes) -> Request:
    """Parse a request body, refusing DTDs and entity expansion (XML bombs).

    Raises:
        MalformedRequest: the body is not XML, or not shaped as the v3.0 schema requires.
    """
    try:
        root = _parse_xml(body)
    except ParseError as error:
        msg = f"XML Parse error: {error}"
        raise MalformedRequest(msg) from None
    except DTDForbidden as error:
        msg = f"XML Parse schema error: {type(error).__name__}: DTDs and entities are not allowed"
        raise MalformedRequest(msg) from None
    control = root.find("control")
    if root.tag != "request" or control is None:
        msg = "XML Parse schema error: Element 'request' must start with 'control'"
        raise MalformedRequest(msg)
    operations = [_operation(op) for op in root.findall("operation")]
    if not operations:
        msg = "XML Parse schema error: Missing child element(s). Expected is ( operation )"
        raise MalformedRequest(msg)
    return Request(_control(control), operations)


def _text(element: Element, name: str) -> str | None:
    found = element.find(name)
    return None if found is None else (found.text or "").strip()


def _control(element: Element) -> Control:
    senderid, controlid = _text(element, "senderid"), _text(element, "controlid")
    if senderid is None or controlid is None:
        msg = "XML Parse schema error: Element 'control' requires senderid and controlid"
        raise MalformedRequest(msg)
    return Control(
        senderid=senderid,
        password=_text(element, "password") or "",
        controlid=controlid,
        uniqueid=_text(element, "uniqueid"),
        dtdversion=_text(element, "dtdversion"),
        policyid=_text(element, "policyid"),
        includewhitespace=(_text(element, "includewhitespace") or "true").lower() != "false",
    )


def _operation(element: Element) -> Operation:
    auth = element.find("authentication")
    if auth is None:
        msg = "XML Parse schema error: Element 'operation' requires 'authentication'"
        raise MalformedRequest(msg)
    login = auth.find("login")
    functions = [fn for content in element.findall("content") for fn in content]
    for fn in functions:
        if fn.tag != "function" or fn.get("controlid") is None or len(fn) != 1:
            msg = "XML Parse schema error: 'function' needs a controlid and one function element"
            raise MalformedRequest(msg)
    return Operation(
        transaction=element.get("transaction", "false").strip().lower() == "true",
        login=None if login is None else _login(login),
        sessionid=_text(auth, "sessionid"),
        functions=functions,
    )


def _login(element: Element) -> Login:
    return Login(
        userid=_text(element, "userid") or "",
        companyid=_text(element, "companyid") or "",
        password=_text(element, "password") or "",
        locationid=_text(element, "locationid"),
    )


def add(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    """Append a child element with optional text and attributes, and return it."""
    child = SubElement(parent, tag, attrs)
    if text is not None:
        child.text = text
    return child


def control_block(control: Control | None, status: str) -> Element:
    """Build the response ``<control>``, echoing what the request sent (§9.3)."""
    block = Element("control")
    add(block, "status", status)
    add(block, "senderid", control.senderid if control else "")
    add(block, "controlid", control.controlid if control else "")
    if control is not None:
        add(block, "uniqueid", control.uniqueid if control.uniqueid is not None else "true")
        add(block, "dtdversion", control.dtdversion or "3.0")
    return block


def control_failure(control: Control | None, errors: Sequence[ErrorRecord]) -> Element:
    """Build a response that failed at the control level: no ``<operation>`` (§9.2)."""
    response = Element("response")
    response.append(control_block(control, "failure"))
    response.append(errormessage(errors))
    return response


def serialise(response: Element, *, pretty: bool) -> bytes:
    """Return the response document, with the XML declaration, indented if asked."""
    if pretty:
        _parse_written(response)
        indent(response, space="    ")
        text = tostring(response, encoding="unicode", short_empty_elements=False)
    else:
        out: list[str] = []
        _write(response, out)
        text = "".join(out)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode()


def _parse_written(response: Element) -> None:
    """Replace the elements standing for written XML with the elements it describes."""
    for parent in [node for node in response.iter() if any(c.tag == RAW for c in node)]:
        children = [
            _parse_xml((child.text or "").encode()) if child.tag == RAW else child
            for child in parent
        ]
        parent[:] = children


def _write(node: Element, out: list[str]) -> None:
    """Write an element as ``tostring(short_empty_elements=False)`` does, without its overhead.

    ElementTree's serialiser first walks the whole tree for namespaces, then writes through
    many small calls; a page of a thousand records has some 200,000 elements. Responses have
    no namespaces, comments or processing instructions.
    """
    attrs = "".join(f' {k}="{_escape_attr(v)}"' for k, v in node.items()) if node.attrib else ""
    text = node.text
    out.append(f"<{node.tag}{attrs}>{_escape(text) if text else ''}")
    for child in node:
        if child.tag == RAW:
            out.append(child.text or "")
            continue
        if len(child) or child.attrib or child.tail:
            _write(child, out)
            continue
        # A plain field: most elements of a page of records.
        tag, text = child.tag, child.text
        out.append(f"<{tag}>{_escape(text)}</{tag}>" if text else f"<{tag}></{tag}>")
    out.append(f"</{node.tag}>{_escape(node.tail) if node.tail else ''}")


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _escape_attr(text: str) -> str:
    text = _escape(text).replace('"', "&quot;")
    if "\r" in text or "\n" in text or "\t" in text:
        return text.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")
    return text
