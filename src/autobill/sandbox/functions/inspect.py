"""Object definitions: ``inspect`` (the recorded fixture's shape) and ``lookup`` (§4.1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from xml.etree.ElementTree import Element

from autobill.sandbox.formats import is_date_field
from autobill.sandbox.functions.context import Outcome, object_named, text_of
from autobill.sandbox.xml.envelope import add

if TYPE_CHECKING:
    from collections.abc import Callable

    from autobill.sandbox.functions.context import Call
    from autobill.sandbox.objects import ObjectDef

READ_ONLY: Final = frozenset({"RECORDNO", "WHENCREATED", "WHENMODIFIED", "CREATEDBY",
                              "MODIFIEDBY", "MEGAENTITYKEY", "MEGAENTITYID", "MEGAENTITYNAME",
                              "RECORD_URL"})
STAMPS: Final = frozenset({"WHENCREATED", "WHENMODIFIED"})


def kind(name: str) -> tuple[str, str]:
    """Return a field's (dataName, externalDataName), guessed from Intacct's naming."""
    if name in STAMPS:
        return "Pt_FieldDateTime", "datetime"
    if is_date_field(name):
        return "Pt_FieldDate", "date"
    if name == "RECORDNO" or name.endswith("KEY"):
        return "Pt_FieldInt", "integer"
    return "Pt_FieldString", "string"


def _type(definition: ObjectDef, **attributes: str) -> tuple[Element, Element]:
    data = Element("data", listtype="All", count="1")
    node = add(data, "Type", Name=definition.name, **attributes)
    return data, node


def inspect(call: Call, element: Element) -> Outcome:
    """``inspect``: the object's field names; ``detail="1"`` adds each field's attributes."""
    definition = object_named(text_of(element, "object") or text_of(element, "name"))
    data, node = _type(definition)
    if element.get("detail") == "1":
        attributes = add(node, "Attributes")
        add(attributes, "SingularName", definition.name.title())
        add(attributes, "PluralName", f"{definition.name.title()}s")
        add(attributes, "Description", "")
    fields = add(node, "Fields")
    for position, name in enumerate(sorted(call.fields_of(definition), key=_order(definition))):
        if element.get("detail") != "1":
            add(fields, "Field", name)
            continue
        field = add(fields, "Field")
        data_name, external = kind(name)
        for tag, value in (
            ("Name", name), ("GroupName", ""), ("dataName", data_name),
            ("externalDataName", external),
            ("isRequired", str(name in definition.required).lower()),
            ("isReadOnly", str(name in READ_ONLY).lower()), ("maxLength", "0"),
            ("DisplayLabel", name.title()), ("Description", ""), ("id", str(position + 1)),
        ):
            add(field, tag, value)
    return Outcome([data], reads=1)


def _order(definition: ObjectDef) -> Callable[[str], tuple[int, str]]:
    positions = {name: index for index, name in enumerate(definition.fields)}
    return lambda name: (positions.get(name, len(positions)), name)


def lookup(call: Call, element: Element) -> Outcome:
    """``lookup``: each field's ID, label, required and read-only flags, type and custom flag."""
    definition = object_named(text_of(element, "object"))
    data, node = _type(definition, DocumentType=text_of(element, "docparid"))
    fields = add(node, "Fields")
    for name in sorted(call.fields_of(definition), key=_order(definition)):
        field = add(fields, "Field")
        for tag, value in (
            ("ID", name), ("LABEL", name.title()), ("DESCRIPTION", ""),
            ("REQUIRED", str(name in definition.required).lower()),
            ("READONLY", str(name in READ_ONLY).lower()), ("DATATYPE", kind(name)[1].upper()),
            ("ISCUSTOM", str(name in call.config.custom_fields).lower()),
        ):
            add(field, tag, value)
    return Outcome([data], reads=1)
