"""The ``query`` function (§4.1, §9.11): select, filter, orderby, options, offset paging."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from autobill.sandbox.filters import compile_filter
from autobill.sandbox.formats import sortable
from autobill.sandbox.functions.context import Outcome, object_named, text_of
from autobill.sandbox.functions.read import QUERY_ERRNO, page_size, requested_fields
from autobill.sandbox.query import QueryInvalid
from autobill.sandbox.render import record
from autobill.sandbox.xml.errors import fail

if TYPE_CHECKING:
    from autobill.sandbox.functions.context import Call
    from autobill.sandbox.objects import ObjectDef
    from autobill.sandbox.store import Row


def query(call: Call, element: Element) -> Outcome:
    """``query``: one page of the matching records from ``offset``, with the fields selected."""
    definition = object_named(text_of(element, "object"))
    fields = _selected(call, definition, element)
    pagesize = page_size(text_of(element, "pagesize"), most=2000)
    offset_text = text_of(element, "offset") or "0"
    if not offset_text.isdigit():
        raise fail(QUERY_ERRNO, "offset must be a whole number")
    offset = int(offset_text)
    rows = _ordered(definition, element, _matching(call, definition, element))
    shown = rows[offset : offset + pagesize]
    data = Element(
        "data",
        listtype=definition.name,
        totalcount=str(len(rows)),
        offset=str(offset),
        count=str(len(shown)),
        numremaining=str(max(0, len(rows) - offset - len(shown))),
    )
    data.extend(record(definition.name, row.data, fields, nested=False) for row in shown)
    return Outcome([data], reads=1)


def _selected(call: Call, definition: ObjectDef, element: Element) -> tuple[str, ...]:
    select = element.find("select")
    names = [] if select is None else [(f.text or "").strip() for f in select.findall("field")]
    if not names:
        raise fail(QUERY_ERRNO, "Select at least one field: returning all fields is not supported")
    fields = requested_fields(call, definition, ",".join(names))
    return fields or ()


def _matching(call: Call, definition: ObjectDef, element: Element) -> list[Row]:
    options = element.find("options")
    fold = options is not None and text_of(options, "caseinsensitive").lower() == "true"
    private = options is not None and text_of(options, "showprivate").lower() == "true"
    condition = element.find("filter")
    predicate = None
    if condition is not None and len(condition):
        try:
            predicate = compile_filter(condition[0], call.fields_of(definition), fold=fold)
        except QueryInvalid as error:
            raise fail(QUERY_ERRNO, f"Invalid filter: {error}") from None
    docparid = text_of(element, "docparid")
    return [
        row for row in call.store.scan(definition.name)
        if (private or call.visible(row))
        and (predicate is None or predicate(row.data))
        and (not docparid or row.data.get("DOCPARID", docparid) == docparid)
    ]


def _ordered(definition: ObjectDef, element: Element, rows: list[Row]) -> list[Row]:
    orders = element.findall("orderby/order")
    for order in reversed(orders):
        name = text_of(order, "field").upper()
        if name not in definition.field_set:
            raise fail(QUERY_ERRNO, f"Invalid orderby field {name}")
        descending = order.find("descending") is not None
        rows = sorted(rows, key=lambda r: sortable(r.data.get(name, "")), reverse=descending)
    return rows
