"""Generic ``create``, ``update`` and ``delete`` (§4.1, §9.6, §9.17)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from xml.etree.ElementTree import Element

from autobill.sandbox import changes
from autobill.sandbox.events import detect
from autobill.sandbox.functions.context import Outcome, object_named, text_of
from autobill.sandbox.objects import AUTONUMBERED, NOT_GENERIC_CREATE, ObjectDef
from autobill.sandbox.render import record
from autobill.sandbox.validate import (
    check_fields,
    check_references,
    check_required,
    flatten_xml,
    normalise_custom,
)
from autobill.sandbox.xml.errors import GENERIC, ErrorRecord, FunctionFailed, could_not, fail

if TYPE_CHECKING:
    from collections.abc import Callable

    from autobill.sandbox.functions.context import Call
    from autobill.sandbox.store import Row

    _Write = Callable[[Call, Element], Element]

# Line items written inside their header by a generic create: header → (container, line, key).
LINES: Final = {"TIMESHEET": ("TIMESHEETENTRIES", "TIMESHEETENTRY", "TIMESHEETKEY")}
ACTIVE_BY_DEFAULT: Final = frozenset({"CUSTOMER", "ITEM", "PROJECT", "TASK", "EMPLOYEE", "CONTACT"})


def create(call: Call, element: Element) -> Outcome:
    """``create``: each object element is a record; stop at the first failure, keeping the rest."""
    return _each(call, element, create_one)


def update(call: Call, element: Element) -> Outcome:
    """``update``: each object element names a record by RECORDNO or id and sets its fields."""
    return _each(call, element, update_one)


def _each(call: Call, element: Element, write: _Write) -> Outcome:
    data = Element("data", listtype="objects", count="0")
    done = 0
    for child in element:
        mark = call.store.savepoint()
        try:
            data.append(write(call, child))
        except FunctionFailed as failed:
            call.store.rollback_to(mark)
            data.set("count", str(done))
            # Records before the failing one stay committed (transaction="false", §9.6).
            raise FunctionFailed(failed.errors, [data], keep=done > 0, writes=done) from None
        call.store.release(mark)
        done += 1
        data.set("count", str(done))
    return Outcome([data], writes=done)


def _definition(child: Element) -> ObjectDef:
    return object_named(child.tag)


def create_one(call: Call, child: Element) -> Element:
    """Create the record an object element describes; return its reference element."""
    definition = _definition(child)
    if definition.name in NOT_GENERIC_CREATE:
        raise fail(GENERIC, f"Generic create is not supported for {definition.name}; "
                            "use its object-specific function")
    container = LINES.get(definition.name)
    lines = child.find(container[0]) if container else None
    if lines is not None:
        child.remove(lines)
    fields = normalise_custom(call, flatten_xml(child))
    _validate(call, definition, fields)
    fields = _numbered(call, definition, fields)
    _refuse_duplicate(call, definition, fields)
    recordno = _insert(call, definition, fields)
    if container and lines is not None:
        _create_lines(call, container, recordno, fields, lines)
    return _reference(definition, call.store.get(definition.name, recordno))


def _validate(call: Call, definition: ObjectDef, fields: dict[str, str]) -> None:
    check_fields(call, definition, fields)
    check_required(definition, fields)
    check_references(call, definition, fields)


def _numbered(call: Call, definition: ObjectDef, fields: dict[str, str]) -> dict[str, str]:
    """Give an auto-numbered object its id when the create leaves it out (document sequencing)."""
    id_field = definition.id_field
    if id_field is None or fields.get(id_field) or definition.name not in AUTONUMBERED:
        return fields
    number = call.store.count(definition.name) + 1
    while call.store.find(definition.name, f"{definition.name[0]}-{number:05d}"):
        number += 1
    return {**fields, id_field: f"{definition.name[0]}-{number:05d}"}


def _refuse_duplicate(call: Call, definition: ObjectDef, fields: dict[str, str]) -> None:
    id_field = definition.id_field
    if id_field is None or not fields.get(id_field):
        return
    if call.store.find(definition.name, fields[id_field]) is not None:
        title, lower = definition.name.title(), definition.name.lower()
        raise FunctionFailed([
            ErrorRecord("BL34000061", f"Another {title} with the given value(s) "
                        f"{fields[id_field]}  already exists",
                        correction="Use a unique value instead."),
            ErrorRecord(GENERIC, f"Could not create {lower} record!"),
            ErrorRecord(GENERIC, f"Could not create {title} record!"),
        ])


def _insert(call: Call, definition: ObjectDef, fields: dict[str, str]) -> int:
    if definition.name in ACTIVE_BY_DEFAULT and not fields.get("STATUS"):
        fields = {**fields, "STATUS": "active"}
    fields = {**fields, **changes.stamps(call, created=True)}
    recordno = call.store.insert(definition.name, fields, entity=call.session.entity)
    call.events.extend(detect(definition.name, None, {**fields, "RECORDNO": str(recordno)}))
    described = fields.get(definition.id_field or "", "")
    changes.audit(call, definition.name, recordno, changes.CREATED, described)
    return recordno


def _create_lines(
    call: Call, container: tuple[str, str, str], header: int, fields: dict[str, str],
    lines: Element,
) -> None:
    _, line_name, key = container
    definition = object_named(line_name)
    for number, line in enumerate(lines.findall(line_name), 1):
        values = normalise_custom(call, flatten_xml(line))
        _validate(call, definition, values)
        values = {"EMPLOYEEID": fields.get("EMPLOYEEID", ""), **values}
        values |= {key: str(header), "LINENO": values.get("LINENO") or str(number)}
        values.setdefault("STATE", fields.get("STATE", ""))
        _insert(call, definition, values)


def _reference(definition: ObjectDef, row: Row | None) -> Element:
    """The RECORDNO and id of a written record, as create and update answer (§9.17)."""
    data = {} if row is None else row.data
    fields = ["RECORDNO"] + ([definition.id_field] if definition.id_field else [])
    return record(definition.name.lower(), data, fields, nested=False)


def update_one(call: Call, child: Element) -> Element:
    """Update the record an object element names; return its reference element."""
    definition = _definition(child)
    fields = normalise_custom(call, flatten_xml(child))
    row = _located(call, definition, fields)
    check_fields(call, definition, fields)
    id_field = definition.id_field or ""
    if fields.get(id_field) and fields[id_field] != row.data.get(id_field):
        _refuse_duplicate(call, definition, fields)
    check_references(call, definition, fields)
    merged = {**row.data, **fields, **changes.stamps(call, created=False)}
    call.store.replace(type(row)(row.object, row.recordno, row.entity, merged))
    call.events.extend(detect(definition.name, row.data, merged))
    changes.audit(call, definition.name, row.recordno, changes.MODIFIED,
                  merged.get(definition.id_field or "", ""))
    return _reference(definition, call.store.get(definition.name, row.recordno))


def _located(call: Call, definition: ObjectDef, fields: dict[str, str]) -> Row:
    key = fields.get("RECORDNO", "")
    row = call.store.get(definition.name, int(key)) if key.isdigit() else None
    if row is None and definition.id_field and fields.get(definition.id_field):
        key = fields[definition.id_field]
        row = call.store.find(definition.name, key)
    if row is None or not call.visible(row):
        lower = definition.name.lower()
        message = f"Cannot find {lower} with key '{key}' to update."
        raise could_not(GENERIC, message, lower, "update")
    return row


def delete(call: Call, element: Element) -> Outcome:
    """``delete``: remove records by RECORDNO; an unknown key fails the function (§6)."""
    definition = object_named(text_of(element, "object"))
    keys = [key.strip() for key in text_of(element, "keys").split(",") if key.strip()]
    for key in keys:
        row = _keyed(call, definition, key)
        if row is None or not call.visible(row):
            lower = definition.name.lower()
            raise fail(GENERIC, f"Cannot find {lower} with key '{key}' to delete.")
        call.store.delete(definition.name, row.recordno)
        changes.audit(call, definition.name, row.recordno, changes.DELETED,
                      row.data.get(definition.id_field or "", ""))
    return Outcome(writes=len(keys))


def _keyed(call: Call, definition: ObjectDef, key: str) -> Row | None:
    if key.isdigit():
        return call.store.get(definition.name, int(key))
    return call.store.find(definition.name, key)
