"""Writing stored records as response elements: nested for read/readByQuery, dotted for query."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, SubElement

if TYPE_CHECKING:
    from collections.abc import Sequence

    from autobill.sandbox.objects import ObjectDef


def all_fields(definition: ObjectDef, data: dict[str, str], custom: frozenset[str]) -> list[str]:
    """Return ``*``: every field of the object in order, then custom fields the record holds."""
    extra = [name for name in data if name in custom and name not in definition.field_set]
    return [*definition.fields, *extra]


def record(tag: str, data: dict[str, str], fields: Sequence[str], *, nested: bool) -> Element:
    """Build one record element; fields the record lacks come back empty (§9.14)."""
    node = Element(tag)
    groups: dict[str, Element] = {}
    for name in fields:
        value = data.get(name, "")
        if not nested or "." not in name:
            SubElement(node, name).text = value
            continue
        parent = node
        path = ""
        for part in name.split(".")[:-1]:
            path = f"{path}.{part}" if path else part
            if path not in groups:
                groups[path] = SubElement(parent, part)
            parent = groups[path]
        SubElement(parent, name.rsplit(".", 1)[-1]).text = value
    return node
