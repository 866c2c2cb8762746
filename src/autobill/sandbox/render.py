"""Writing stored records as response elements: nested for read/readByQuery, dotted for query."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, TypeAlias
from xml.etree.ElementTree import Element, SubElement

from autobill.sandbox.xml.envelope import written

if TYPE_CHECKING:
    from collections.abc import Sequence

    from autobill.sandbox.objects import ObjectDef

# How to lay out a field list, nested: (parent group, tag, field name or None for a group).
_Plan: TypeAlias = tuple[tuple[str, str, str | None], ...]
# A group's children: (tag, field name) for a field, (tag, its children) for a group.
_Children: TypeAlias = "list[tuple[str, str | _Children]]"


def all_fields(definition: ObjectDef, data: dict[str, str], custom: frozenset[str]) -> list[str]:
    """Return ``*``: every field of the object in order, then custom fields the record holds."""
    extra = [name for name in data if name in custom and name not in definition.field_set]
    return [*definition.fields, *extra]


def record(tag: str, data: dict[str, str], fields: Sequence[str], *, nested: bool) -> Element:
    """Build one record element; fields the record lacks come back empty (§9.14)."""
    node = Element(tag)
    if not nested:
        for name in fields:
            SubElement(node, name).text = data.get(name, "")
        return node
    groups = {"": node}
    for parent, part, field in _layout(tuple(fields)):
        child = SubElement(groups[parent], part)
        if field is None:
            groups[f"{parent}.{part}" if parent else part] = child
        else:
            child.text = data.get(field, "")
    return node


def written_record(tag: str, data: dict[str, str], fields: Sequence[str]) -> Element:
    """Write one record, nested, as ``record`` builds it: the element stands for its XML.

    A page of a thousand records has some 200,000 elements: writing the text straight from
    a template of the field list is several times faster than building and writing them.
    """
    literals, names = _template(tag, tuple(fields))
    parts = [literals[0]]
    for name, literal in zip(names, literals[1:], strict=True):
        value = data.get(name) or ""
        if "&" in value or "<" in value or ">" in value:
            value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        parts += (value, literal)
    return written("".join(parts))


@lru_cache(maxsize=256)
def _template(tag: str, fields: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The XML around each field's value, and the fields, of a nested record."""
    root: _Children = []
    groups = {"": root}
    for parent, part, field in _layout(fields):
        if field is None:
            children: _Children = []
            groups[parent].append((part, children))
            groups[f"{parent}.{part}" if parent else part] = children
        else:
            groups[parent].append((part, field))
    literals, names = [f"<{tag}>"], []

    def emit(children: _Children) -> None:
        for part, content in children:
            literals[-1] += f"<{part}>"
            if isinstance(content, str):
                names.append(content)
                literals.append(f"</{part}>")
            else:
                emit(content)
                literals[-1] += f"</{part}>"

    emit(root)
    literals[-1] += f"</{tag}>"
    return tuple(literals), tuple(names)


@lru_cache(maxsize=256)
def _layout(fields: tuple[str, ...]) -> _Plan:
    """Lay out dotted field names as nested groups, each group where its first field is."""
    plan: list[tuple[str, str, str | None]] = []
    seen: set[str] = set()
    for name in fields:
        parts = name.split(".")
        parent = ""
        for part in parts[:-1]:
            path = f"{parent}.{part}" if parent else part
            if path not in seen:
                seen.add(path)
                plan.append((parent, part, None))
            parent = path
        plan.append((parent, parts[-1], name))
    return tuple(plan)
