"""Checks every write makes, with Intacct's error records (§6, §9.17, §9.20)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from autobill.sandbox.formats import is_date_field, parse_date
from autobill.sandbox.xml.errors import (
    FIELD_ERRNO,
    GENERIC,
    REQUIRED_ERRNO,
    FunctionFailed,
    could_not,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from autobill.sandbox.functions.context import Call
    from autobill.sandbox.objects import ObjectDef

# Fields that name another object's record (a dimension or a master record).
REFERENCES: Final = {
    "CUSTOMERID": "CUSTOMER",
    "PROJECTID": "PROJECT",
    "ITEMID": "ITEM",
    "EMPLOYEEID": "EMPLOYEE",
    "CONTRACTID": "CONTRACT",
    "TASKID": "TASK",
    "LOCATIONID": "LOCATION",
    "DEPARTMENTID": "DEPARTMENT",
    "CLASSID": "CLASS",
}
REFERENCE_ERRNO: Final = GENERIC


def flatten_xml(element: Element, prefix: str = "") -> dict[str, str]:
    """Return an object element's fields, nested elements as dotted names."""
    fields: dict[str, str] = {}
    for child in element:
        name = prefix + child.tag
        if len(child):
            fields.update(flatten_xml(child, f"{name}."))
        else:
            fields[name] = (child.text or "").strip()
    return fields


def normalise_custom(call: Call, fields: dict[str, str]) -> dict[str, str]:
    """Upper-case custom field names, which tenants write in either case (§5 custom fields)."""
    custom = call.config.custom_fields
    return {(k.upper() if k.upper() in custom else k): v for k, v in fields.items()}


def check_fields(call: Call, definition: ObjectDef, fields: dict[str, str]) -> None:
    """Fail on a field the object does not have, or a date not written ``mm/dd/yyyy``."""
    known = call.fields_of(definition)
    for name, value in fields.items():
        if name not in known:
            raise could_not(FIELD_ERRNO, f"Invalid field {name} for object {definition.name}",
                            definition.name.lower())
        if value and is_date_field(name) and parse_date(value) is None:
            raise could_not(FIELD_ERRNO, f"Invalid date {value!r} for {name}: use mm/dd/yyyy",
                            definition.name.lower())


def check_required(definition: ObjectDef, fields: dict[str, str]) -> None:
    """Fail when a required field is absent or empty."""
    for name in definition.required:
        if not fields.get(name):
            raise could_not(REQUIRED_ERRNO, f"Required field {name} is missing",
                            definition.name.lower())


def check_references(call: Call, definition: ObjectDef, fields: dict[str, str]) -> None:
    """Fail when a field names a record that does not exist, or an inactive one."""
    for name, target in REFERENCES.items():
        value = fields.get(name)
        if not value or target == definition.name:
            continue
        found = call.store.find(target, value)
        if found is None:
            raise invalid_reference(target, value, definition.name.lower())
        if found.data.get("STATUS", "active") == "inactive":
            raise could_not(REFERENCE_ERRNO, f"{target.title()} '{value}' is inactive",
                            definition.name.lower())


def invalid_reference(target: str, value: str, creating: str) -> FunctionFailed:
    """Return the failure for an unknown record, in the wording integrators see (§6)."""
    wording = {
        "CUSTOMER": f"Customer '{value}' specified is not valid.",
        "PROJECT": f"Invalid Project '{value}' specified.",
        "ITEM": f"Item ID '{value}' is not valid",
        "LOCATION": f"The location '{value}' is invalid.",
    }
    text = wording.get(target, f"Invalid {target.title()} '{value}' specified.")
    return could_not(REFERENCE_ERRNO, text, creating)
