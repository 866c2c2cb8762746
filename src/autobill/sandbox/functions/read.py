"""Reading records: ``readByQuery``, ``readMore``, ``read`` and ``readByName`` (§4.1, §9.10).

A query's candidates are fetched through an index when a top-level condition allows it
(``candidates``); the compiled predicate then decides, exactly as over a scan of every record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from xml.etree.ElementTree import Element

from autobill.sandbox import indexes
from autobill.sandbox.functions.context import Outcome, object_named, text_of
from autobill.sandbox.query import QueryInvalid, compile_query, exact_conditions
from autobill.sandbox.render import all_fields, written_record
from autobill.sandbox.xml.errors import fail

if TYPE_CHECKING:
    from autobill.sandbox.functions.context import Call
    from autobill.sandbox.objects import ObjectDef
    from autobill.sandbox.paging import Page
    from autobill.sandbox.store import Row, Store

QUERY_ERRNO: Final = "DL02000001"  # "There was an error processing the request." (§6)
READ_DEFAULT_PAGE: Final = 100


def requested_fields(call: Call, definition: ObjectDef, text: str) -> tuple[str, ...] | None:
    """Return the fields asked for, None for ``*``, or fail on a field the object lacks."""
    if text in {"", "*"}:
        return None
    names = tuple(name.strip().upper() for name in text.split(",") if name.strip())
    known = call.fields_of(definition)
    for name in names:
        if name not in known:
            raise fail(QUERY_ERRNO, f"Invalid fields list {name}")
    return names


def page_size(text: str, *, most: int) -> int:
    """Return a pagesize between 1 and ``most`` (default 100), or fail (§3)."""
    if not text:
        return READ_DEFAULT_PAGE
    if not text.isdigit() or not 1 <= int(text) <= most:
        raise fail(QUERY_ERRNO, f"pagesize must be a whole number between 1 and {most}")
    return int(text)


def records_data(
    call: Call, definition: ObjectDef, rows: list[Row], fields: tuple[str, ...] | None, tag: str
) -> list[Element]:
    """Build one record element per row, with the asked fields or all of them."""
    custom = call.config.custom_fields
    return [
        written_record(tag, row.data, fields or all_fields(definition, row.data, custom))
        for row in rows
    ]


def read_by_query(call: Call, element: Element) -> Outcome:
    """``readByQuery``: the first page of the matching records, and a resultId for the rest."""
    definition = object_named(text_of(element, "object"))
    fields = requested_fields(call, definition, text_of(element, "fields"))
    pagesize = page_size(text_of(element, "pagesize"), most=1000)
    try:
        predicate = compile_query(element.findtext("query") or "", call.fields_of(definition))
    except QueryInvalid as error:
        raise fail(QUERY_ERRNO, f"Invalid query: {error}") from None
    docparid = text_of(element, "docparid")
    rows = [
        row
        for row in candidates(call.store, definition.name, element.findtext("query") or "")
        if call.visible(row)
        and predicate(row.data)
        and (not docparid or row.data.get("DOCPARID") == docparid)
    ]
    first, rest = rows[:pagesize], rows[pagesize:]
    result_id = ""
    if rest:
        page = call.pages.open(
            definition.name, [r.recordno for r in rest], fields, pagesize, call.session.sessionid
        )
        result_id = page.result_id
    data = _data(definition, len(first), len(rows), len(rest), result_id)
    data.extend(records_data(call, definition, first, fields, definition.name.lower()))
    return Outcome([data], reads=1)


def candidates(store: Store, obj: str, query: str) -> list[Row]:
    """Return, in RECORDNO order, the records a query may select: all but those it rules out.

    A top-level condition on an indexed field by exact text names every record the query can
    select, so only those are read; the fewest values are looked up. Otherwise every record is.
    """
    usable = [(f, v) for f, v in exact_conditions(query) if indexes.is_indexed(obj, f)]
    if not usable:
        return store.scan(obj)
    field, values = min(usable, key=lambda condition: len(condition[1]))
    return store.where_in(obj, field, values)


def _data(definition: ObjectDef, count: int, total: int, remaining: int, result_id: str) -> Element:
    return Element(
        "data",
        listtype=definition.name.lower(),
        count=str(count),
        totalcount=str(total),
        numremaining=str(remaining),
        resultId=result_id,
    )


def read_more(call: Call, element: Element) -> Outcome:
    """``readMore``: the next page of a result set, by resultId or by object (§4.2)."""
    result_id, obj = text_of(element, "resultId"), text_of(element, "object")
    page = call.pages.get(result_id) if result_id else None
    if not result_id and obj:
        page = call.pages.last_for(call.session.sessionid, obj.upper())
    if page is None:
        message = f"Attempt to readMore with an invalid or expired resultId: {result_id or obj}"
        msg = "readMore failed"
        raise fail(msg, message)
    definition = object_named(page.object)
    rows = _next_rows(call, page)
    data = _data(definition, len(rows), page.total, len(page.recordnos), page.result_id)
    data.extend(records_data(call, definition, rows, page.fields, definition.name.lower()))
    if not page.recordnos:
        call.pages.close(page.result_id)
    return Outcome([data], reads=1)


def _next_rows(call: Call, page: Page) -> list[Row]:
    taken, page.recordnos = page.recordnos[: page.pagesize], page.recordnos[page.pagesize :]
    found = (call.store.get(page.object, recordno) for recordno in taken)
    return [row for row in found if row is not None]


def read(call: Call, element: Element) -> Outcome:
    """``read``: records by RECORDNO (comma-separated keys); unknown keys are left out."""
    return _read_keys(call, element, by_name=False)


def read_by_name(call: Call, element: Element) -> Outcome:
    """``readByName``: records by their id field (comma-separated keys)."""
    return _read_keys(call, element, by_name=True)


def _read_keys(call: Call, element: Element, *, by_name: bool) -> Outcome:
    definition = object_named(text_of(element, "object"))
    fields = requested_fields(call, definition, text_of(element, "fields"))
    keys = [key.strip() for key in text_of(element, "keys").split(",") if key.strip()]
    if keys:
        column = (definition.id_field or "RECORDNO") if by_name else "RECORDNO"
        found = _keyed(call.store, definition.name, column, keys)
        rows = [row for row in found if call.visible(row) and row.data.get(column) in keys]
    else:
        rows = [row for row in call.store.scan(definition.name) if call.visible(row)]
        rows = rows[:READ_DEFAULT_PAGE]
    data = Element("data", listtype=definition.name, count=str(len(rows)))
    data.extend(records_data(call, definition, rows, fields, definition.name))
    return Outcome([data], reads=1)


def _keyed(store: Store, obj: str, column: str, keys: list[str]) -> list[Row]:
    """Return the records whose ``column`` may be one of ``keys``, in RECORDNO order."""
    if column != "RECORDNO":
        return store.with_ids(obj, keys)
    # A RECORDNO is stored as its number's digits, so "01" or "+1" names no record.
    return store.with_recordnos(obj, [int(key) for key in keys if _is_recordno(key)])


def _is_recordno(key: str) -> bool:
    return key.isascii() and key.lstrip("-").isdigit() and str(int(key)) == key
