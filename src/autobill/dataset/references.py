"""Unique keys and references between records: every key once, every reference resolving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, cast

from autobill.dataset.problems import Problem
from autobill.dataset.schema import OBJECTS, Kind

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterator, Mapping

    from autobill.dataset.build import Row
    from autobill.dataset.schema import ObjectSpec

Keys = dict[str, dict[object, "Row"]]
"""For each object, its rows by key (the first holding each key); unreadable objects are absent."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A field that names another object's record: directly, in a list, or in nested mappings."""

    field: str
    attr: str
    target: str
    sub: str | None = None  # the attribute of each nested record, for a list of mappings
    many: bool = False  # a list of keys (TAXDETAILS)


def _references(spec: ObjectSpec) -> tuple[Reference, ...]:
    found: list[Reference] = []
    for name, field in spec.fields.items():
        if field.ref is not None:
            found.append(Reference(name, name.lower(), field.ref, many=field.kind is Kind.TEXTS))
        if field.kind is Kind.RECORDS and field.nested is not None:
            found.extend(
                Reference(f"{name}#{{}}.{sub}", name.lower(), sub_field.ref, sub=sub.lower())
                for sub, sub_field in field.nested.fields.items()
                if sub_field.ref is not None
            )
    return tuple(found)


REFERENCES: Final = {spec.name: _references(spec) for spec in OBJECTS}
SPECS: Final = {spec.name: spec for spec in OBJECTS}


def index_keys(rows: Mapping[str, list[Row]]) -> tuple[Keys, list[Problem]]:
    """Index every object's rows by key, reporting each record that repeats an earlier key."""
    keys: Keys = {}
    problems: list[Problem] = []
    for spec in OBJECTS:
        if spec.name not in rows:
            continue
        index: dict[object, Row] = {}
        keys[spec.name] = index
        if not spec.key:
            continue
        field = spec.key[0] if len(spec.key) == 1 else f"({', '.join(spec.key)})"
        for row in rows.get(spec.name, ()):
            key = row.key
            if key is None:
                continue
            first = index.setdefault(key, row)
            if first is not row:
                message = f"duplicate key: record #{row.position} repeats record #{first.position}"
                problems.append(Problem(spec.name, row.id, field, message))
    return keys, problems


def check_references(rows: Mapping[str, list[Row]], keys: Keys) -> list[Problem]:
    """Report every reference that names no record of its target (if the target could be read)."""
    problems: list[Problem] = []
    for spec in OBJECTS:
        references = REFERENCES[spec.name]
        # The common case, a field naming one key, is checked inline: it runs for every record.
        direct = [
            (ref.field, ref.attr, ref.target, keys[ref.target])
            for ref in references
            if ref.sub is None and not ref.many and ref.target in keys
        ]
        other = tuple(ref for ref in references if ref.sub is not None or ref.many)
        composite = [
            (tuple(name.lower() for name in fields), keys[target])
            for fields, target in spec.refs
            if target in keys
        ]
        for row in rows.get(spec.name, ()):
            values = row.values
            for field, attr, target, index in direct:
                value = values.get(attr)
                if value is not None and value not in index:
                    message = f"no {target} {show_key(SPECS[target], value)}"
                    problems.append(Problem(spec.name, row.id, field, message))
            if other:
                problems.extend(_nested(spec.name, row, other, keys))
            for attrs, index in composite:
                if tuple([values.get(attr) for attr in attrs]) not in index:
                    problems.extend(_composite(spec, row, keys))
    return problems


def _nested(
    name: str, row: Row, references: tuple[Reference, ...], keys: Keys
) -> Iterator[Problem]:
    for field, value, target in _named(row.values, references):
        if _dangles(keys, target, value):
            message = f"no {target} {show_key(SPECS[target], value)}"
            yield Problem(name, row.id, field, message)


def _named(
    values: Mapping[str, object], references: tuple[Reference, ...]
) -> Iterator[tuple[str, object, str]]:
    for ref in references:
        value = values.get(ref.attr)
        if value is None:
            continue
        items = cast("tuple[object, ...]", value)
        if ref.sub is not None:
            for position, item in enumerate(items, 1):
                named = getattr(item, ref.sub)
                if named is not None:
                    yield ref.field.format(position), named, ref.target
        elif ref.many:
            for position, named in enumerate(items, 1):
                yield f"{ref.field}#{position}", named, ref.target
        else:
            yield ref.field, value, ref.target


def _composite(spec: ObjectSpec, row: Row, keys: Keys) -> Iterator[Problem]:
    for fields, target in spec.refs:
        parts = tuple([row.values.get(name.lower()) for name in fields])
        if None in parts or not _dangles(keys, target, parts):
            continue
        # A part that names nothing on its own has been reported already.
        own = (spec.fields[name].ref for name in fields)
        if any(_dangles(keys, ref, part) for ref, part in zip(own, parts, strict=True) if ref):
            continue
        message = f"no {target} {show_key(SPECS[target], parts)}"
        yield Problem(spec.name, row.id, fields[-1], message)


def _dangles(keys: Keys, target: str, value: object) -> bool:
    index = keys.get(target)
    return index is not None and value not in index


def show_key(spec: ObjectSpec, key: Hashable) -> str:
    """Return a key as problems show it: ``"C-1"``, or ``CN-1:3`` for a composite key."""
    if isinstance(key, tuple):
        return spec.separator.join(str(part) for part in key)
    return f'"{key}"'
