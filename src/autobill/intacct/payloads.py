"""XML gateway request payloads: the envelope and the generic functions, in XSD element order.

Element order follows Sage's SDKs (``../shared/intacct-fixtures``), which the gateway validates
against ``api.xsd`` v3.0. Builders return :class:`Function` values; :func:`envelope` serialises
a request. Standard library only, so the sandbox can share these definitions.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from autobill.intacct._xml import XML_DECLARATION, opt, serialize, sub

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import date

DTD_VERSION = "3.0"
READ_BY_QUERY_MAX_PAGE = 1000
QUERY_MAX_PAGE = 2000


@dataclass(frozen=True, slots=True)
class Function:
    """One ``<function controlid=...>`` with its body element.

    ``records`` is how many records the function writes: Intacct bills each written record
    as one API transaction and each read call as one.
    """

    controlid: str
    body: ET.Element
    records: int = 0
    # The ``<function>`` element already serialised (``written``); its body then keeps its tag.
    xml: str | None = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The function element's name, as echoed in ``<result><function>``."""
        return self.body.tag

    def written(self) -> Function:
        """Serialise the function now, keeping the text rather than the element tree.

        A batch in flight holds thousands of functions: their trees would be rescanned by the
        garbage collector until the answers came back.
        """
        if self.xml is not None:
            return self
        return Function(self.controlid, ET.Element(self.body.tag), self.records, function_xml(self))

    def element(self) -> ET.Element:
        """The ``<function>`` element wrapping the body."""
        wrapper = ET.Element("function", {"controlid": self.controlid})
        wrapper.append(self.body)
        return wrapper


@dataclass(frozen=True, slots=True)
class Control:
    """The ``<control>`` block of a request."""

    senderid: str
    password: str
    controlid: str
    uniqueid: bool = False
    policyid: str | None = None
    includewhitespace: bool = False


def amount(value: Decimal) -> str:
    """Write an amount as a plain decimal string, never through float.

    Args:
        value: the amount.

    Returns:
        The digits, without exponent or thousands separators.

    Raises:
        TypeError: when ``value`` is not a Decimal (a float must never reach money).
    """
    if not isinstance(value, Decimal):
        msg = f"amounts must be Decimal, not {type(value).__name__}"
        raise TypeError(msg)
    return format(value, "f")


def legacy_date(parent: ET.Element, tag: str, day: date | None) -> None:
    """Append a legacy ``<tag><year/><month/><day/></tag>`` date when given.

    Args:
        parent: the element to extend.
        tag: the date element's name, e.g. ``datecreated``.
        day: the date; None appends nothing (an optional element).
    """
    if day is None:
        return
    node = sub(parent, tag)
    sub(node, "year", f"{day.year:04d}")
    sub(node, "month", f"{day.month:02d}")
    sub(node, "day", f"{day.day:02d}")


def boolean(value: bool) -> str:  # noqa: FBT001 - a value converter, not a flag
    """Write a boolean as Intacct does: ``true``/``false``."""
    return "true" if value else "false"


def get_api_session(*, controlid: str, locationid: str | None = None) -> Function:
    """Build ``getAPISession``.

    Args:
        controlid: the function controlid.
        locationid: the entity; ``""`` asks for the top level, None leaves it to the login.

    Returns:
        The function.
    """
    body = ET.Element("getAPISession")
    if locationid is not None:
        sub(body, "locationid", locationid or None)
    return Function(controlid, body)


def read_by_query(  # noqa: PLR0913 - mirrors the XSD's optional elements
    *,
    controlid: str,
    obj: str,
    query: str = "",
    fields: str = "*",
    pagesize: int = READ_BY_QUERY_MAX_PAGE,
    docparid: str | None = None,
) -> Function:
    """Build ``readByQuery`` (object, query, fields, pagesize, returnFormat, docparid).

    Args:
        controlid: the function controlid.
        obj: the object name, e.g. ``CUSTOMER``.
        query: the query string (see :mod:`autobill.intacct.query`); empty reads all.
        fields: comma-separated fields or ``*``.
        pagesize: 1 to 1000 records per page.
        docparid: the document type, for order entry objects.

    Returns:
        The function.
    """
    body = ET.Element("readByQuery")
    sub(body, "object", obj)
    sub(body, "query", query or None)
    sub(body, "fields", fields)
    sub(body, "pagesize", str(_bounded(pagesize, READ_BY_QUERY_MAX_PAGE)))
    sub(body, "returnFormat", "xml")
    opt(body, "docparid", docparid)
    return Function(controlid, body)


def read_more(*, controlid: str, result_id: str) -> Function:
    """Build ``readMore`` by ``resultId``.

    Args:
        controlid: the function controlid.
        result_id: the ``resultId`` of the readByQuery being paged.

    Returns:
        The function.
    """
    body = ET.Element("readMore")
    sub(body, "resultId", result_id)
    return Function(controlid, body)


def read(
    *, controlid: str, obj: str, keys: Sequence[str], fields: str = "*", docparid: str | None = None
) -> Function:
    """Build ``read`` by record keys.

    Args:
        controlid: the function controlid.
        obj: the object name.
        keys: the RECORDNO keys; empty reads nothing in particular.
        fields: comma-separated fields or ``*``.
        docparid: the document type, for order entry objects.

    Returns:
        The function.
    """
    body = ET.Element("read")
    sub(body, "object", obj)
    sub(body, "keys", ",".join(keys) or None)
    sub(body, "fields", fields)
    sub(body, "returnFormat", "xml")
    opt(body, "docparid", docparid)
    return Function(controlid, body)


@dataclass(frozen=True, slots=True)
class QueryOptions:
    """The optional parts of a ``query`` function after its filter."""

    orderby: tuple[tuple[str, bool], ...] = ()
    caseinsensitive: bool | None = None
    showprivate: bool | None = None
    pagesize: int | None = None
    offset: int | None = None
    docparid: str | None = None


def query(
    *,
    controlid: str,
    obj: str,
    select: Sequence[str],
    where: ET.Element | None = None,
    options: QueryOptions | None = None,
) -> Function:
    """Build the newer ``query`` function.

    Args:
        controlid: the function controlid.
        obj: the object name.
        select: the fields (``query`` cannot return all fields).
        where: a filter condition from :func:`condition`, :func:`in_` or :func:`all_of`.
        options: ordering, options, page size, offset and docparid.

    Returns:
        The function.
    """
    opts = options or QueryOptions()
    body = ET.Element("query")
    fields = sub(body, "select")
    for field in select:
        sub(fields, "field", field)
    sub(body, "object", obj)
    opt(body, "docparid", opts.docparid)
    if where is not None:
        sub(body, "filter").append(where)
    _query_tail(body, opts)
    return Function(controlid, body)


def _query_tail(body: ET.Element, opts: QueryOptions) -> None:
    if opts.orderby:
        orderby = sub(body, "orderby")
        for field, ascending in opts.orderby:
            order = sub(orderby, "order")
            sub(order, "field", field)
            sub(order, "ascending" if ascending else "descending")
    if opts.caseinsensitive is not None or opts.showprivate is not None:
        options = sub(body, "options")
        for tag, flag in (
            ("caseinsensitive", opts.caseinsensitive),
            ("showprivate", opts.showprivate),
        ):
            if flag is not None:
                sub(options, tag, boolean(flag))
    if opts.pagesize is not None:
        sub(body, "pagesize", str(_bounded(opts.pagesize, QUERY_MAX_PAGE)))
    if opts.offset is not None:
        sub(body, "offset", str(opts.offset))


def condition(operator: str, field: str, value: str) -> ET.Element:
    """Build a ``query`` filter condition.

    Args:
        operator: ``equalto``, ``greaterthanorequalto``, ``like``, ...
        field: the field compared.
        value: the value compared with.

    Returns:
        The condition element.
    """
    node = ET.Element(operator)
    sub(node, "field", field)
    sub(node, "value", value)
    return node


def in_(field: str, values: Iterable[str]) -> ET.Element:
    """Build a ``query`` filter ``<in>``.

    Args:
        field: the field compared.
        values: the accepted values, one ``<value>`` each.

    Returns:
        The condition element.
    """
    node = ET.Element("in")
    sub(node, "field", field)
    for value in values:
        sub(node, "value", value)
    return node


def all_of(*conditions: ET.Element) -> ET.Element:
    """A ``query`` filter ``<and>`` of conditions."""
    node = ET.Element("and")
    node.extend(conditions)
    return node


def create(*, controlid: str, obj: str, records: Sequence[Mapping[str, str]]) -> Function:
    """Build a generic ``create`` of one or more records of an object.

    Args:
        controlid: the function controlid (the idempotency key).
        obj: the object name, e.g. ``CUSTOMER``.
        records: each record's fields (flat, upper-case field names).

    Returns:
        The function, counted as one transaction per record.
    """
    return _records_function("create", controlid, obj, records)


def update(*, controlid: str, obj: str, records: Sequence[Mapping[str, str]]) -> Function:
    """Build a generic ``update`` of records of an object, each named by RECORDNO or its id.

    Returns:
        The function, counted as one transaction per record.
    """
    return _records_function("update", controlid, obj, records)


def _records_function(
    operation: str, controlid: str, obj: str, records: Sequence[Mapping[str, str]]
) -> Function:
    body = ET.Element(operation)
    for fields in records:
        record = sub(body, obj)
        for name, value in fields.items():
            sub(record, name, value)
    return Function(controlid, body, records=len(records))


def login_auth(
    *, userid: str, companyid: str, password: str, locationid: str | None = None
) -> ET.Element:
    """Build ``<authentication><login>``.

    Args:
        userid: the Web Services user.
        companyid: the company.
        password: the user's password.
        locationid: the entity to log into; None for the top level.

    Returns:
        The authentication element.
    """
    auth = ET.Element("authentication")
    login = sub(auth, "login")
    sub(login, "userid", userid)
    sub(login, "companyid", companyid)
    sub(login, "password", password)
    opt(login, "locationid", locationid)
    return auth


def session_auth(sessionid: str) -> ET.Element:
    """Build ``<authentication><sessionid>``.

    Args:
        sessionid: the API session id.

    Returns:
        The authentication element.
    """
    auth = ET.Element("authentication")
    sub(auth, "sessionid", sessionid)
    return auth


def function_xml(function: Function) -> str:
    """Serialise one ``<function>`` element, as ``envelope`` writes it."""
    return function.xml if function.xml is not None else serialize(function.element())


def envelope(
    *, control: Control, auth: ET.Element, functions: Sequence[Function], transaction: bool = False
) -> bytes:
    """Serialise a request: control, then one operation with its functions.

    Args:
        control: the control block.
        auth: the authentication element.
        functions: the functions, in the order their results must come back.
        transaction: whether the functions are all-or-nothing.

    Returns:
        The UTF-8 request body, without whitespace between elements.
    """
    request = ET.Element("request")
    request.append(_control(control))
    operation = sub(request, "operation")
    operation.set("transaction", boolean(transaction))
    operation.append(auth)
    sub(operation, "content", "\x00")
    head, tail = serialize(request).split("\x00")
    parts = [head, *(function_xml(f) for f in functions), tail]
    return XML_DECLARATION + "".join(parts).encode()


def _control(control: Control) -> ET.Element:
    node = ET.Element("control")
    sub(node, "senderid", control.senderid)
    sub(node, "password", control.password)
    sub(node, "controlid", control.controlid)
    sub(node, "uniqueid", boolean(control.uniqueid))
    sub(node, "dtdversion", DTD_VERSION)
    opt(node, "policyid", control.policyid)
    sub(node, "includewhitespace", boolean(control.includewhitespace))
    return node


def _bounded(pagesize: int, largest: int) -> int:
    if not 1 <= pagesize <= largest:
        msg = f"pagesize must be between 1 and {largest}, not {pagesize}"
        raise ValueError(msg)
    return pagesize
