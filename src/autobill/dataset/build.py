"""Conversion of loaded records into field values, driven by the schema table.

The schema is compiled once into :class:`Table` values (field name → attribute and converter) so
converting a record is one dictionary lookup and one call per field.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, NamedTuple

from autobill.dataset.problems import Invalid, Problem
from autobill.dataset.schema import OBJECTS, Kind
from autobill.dataset.values import (
    choice,
    freeze,
    positive,
    show,
    to_boolean,
    to_date,
    to_decimal,
    to_hundredths,
    to_integer,
    to_text,
    wrong,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Mapping

    from autobill.dataset.schema import Field, Nested, ObjectSpec
    from autobill.dataset.values import Convert

_HOLLOW: Final = frozenset({str, list, dict})
_SCALARS: Final[dict[Kind, Convert]] = {
    Kind.TEXT: to_text,
    Kind.DECIMAL: to_decimal,
    Kind.INTEGER: to_integer,
    Kind.BOOLEAN: to_boolean,
    Kind.DATE: to_date,
}


class Column(NamedTuple):
    """A compiled field: the record attribute it fills and how its value is converted."""

    attr: str
    convert: Callable[[object], object]
    pair: bool  # convert returns (typed value, raw value) rather than one value for both


@dataclass(frozen=True, slots=True)
class Table:
    """The compiled fields of an object or a nested mapping."""

    columns: dict[str, Column]
    required: tuple[str, ...]


@dataclass(slots=True)
class Row:
    """One converted record: position, key, values by attribute, raw fields, and if it failed."""

    position: int
    key: Hashable | None
    separator: str
    values: dict[str, object]
    raw: dict[str, object]
    failed: bool

    @property
    def id(self) -> str:
        """Return how problems name the record: its key, or ``#position`` without one."""
        key = self.key
        if key is None:
            return f"#{self.position}"
        if isinstance(key, tuple):
            return self.separator.join(str(part) for part in key)
        return str(key)


def compile_table(fields: Mapping[str, Field]) -> Table:
    """Return the compiled form of a field table."""
    columns = {name: _column(name, spec) for name, spec in fields.items()}
    required = tuple(name for name, spec in fields.items() if spec.required)
    return Table(columns, required)


def _column(name: str, spec: Field) -> Column:
    attr = name.lower()
    if spec.kind is Kind.RECORDS and spec.nested is not None:
        return Column(attr, _records(spec.nested), pair=True)
    if spec.kind is Kind.MAPPING and spec.nested is not None:
        return Column(attr, _mapping(compile_table(spec.nested.fields)), pair=False)
    if spec.kind is Kind.TEXTS:
        return Column(attr, _texts, pair=False)
    if spec.kind is Kind.CHOICE:
        convert = choice(spec.choices)
    elif spec.hundredths:
        convert = to_hundredths
    else:
        convert = _SCALARS[spec.kind]
    if spec.positive:
        convert = positive(convert)
    return Column(attr, convert, pair=False)


def convert_mapping(
    table: Table, data: dict[object, object]
) -> tuple[dict[str, object], dict[str, object], list[tuple[str, str]]]:
    """Convert one mapping: values by attribute, raw values by name, (path, message) errors."""
    values: dict[str, object] = {}
    raw: dict[str, object] = {}
    errors: list[tuple[str, str]] = []
    columns = table.columns
    # The hot loop of loading: one lookup and one call per field; null and empty mean absent.
    for key, value in data.items():
        column = columns.get(key)  # type: ignore[call-overload]
        try:
            if column is None or value is None or (not value and type(value) in _HOLLOW):
                raw[_name(key)] = freeze(value)
                continue
            attr, convert, pair = column
            if pair:
                values[attr], raw[key] = convert(value)  # type: ignore[index]
            else:
                raw[key] = values[attr] = convert(value)  # type: ignore[index]
        except Invalid as error:
            errors.extend((str(key) + path, message) for path, message in error.pairs)
    for key in table.required:
        value = data.get(key)
        if value is None or (not value and type(value) in _HOLLOW):
            errors.append((key, _missing(value, key in data)))
    return values, raw, errors


def _name(key: object) -> str:
    if type(key) is str:
        return key
    message = f"{show(key)} is not a field name (field names are text)"
    raise Invalid(message)


def _missing(value: object, present: bool) -> str:  # noqa: FBT001 - a private helper
    if not present:
        return "required, and missing"
    if value is None:
        return "required, and null"
    return "required, and empty"


def _texts(value: object) -> tuple[str, ...]:
    if type(value) is not list:
        raise Invalid(wrong(value, "a list of text"))
    texts: list[str] = []
    errors: list[tuple[str, str]] = []
    for position, item in enumerate(value, 1):
        try:
            text = to_text(item)
        except Invalid as error:
            errors.append((f"#{position}", error.pairs[0][1]))
            continue
        if not text:
            errors.append((f"#{position}", "empty"))
        texts.append(text)
    if errors:
        raise Invalid.many(errors)
    return tuple(texts)


def _mapping(table: Table) -> Callable[[object], object]:
    def convert(value: object) -> MappingProxyType[str, object]:
        if type(value) is not dict:
            raise Invalid(wrong(value, "a mapping"))
        _, raw, errors = convert_mapping(table, value)
        if errors:
            raise Invalid.many([(f".{path}", message) for path, message in errors])
        return MappingProxyType(raw)

    return convert


def _records(nested: Nested) -> Callable[[object], object]:
    table = compile_table(nested.fields)
    build = nested.build

    def convert(value: object) -> tuple[tuple[object, ...], tuple[object, ...]]:
        if type(value) is not list:
            raise Invalid(wrong(value, "a list of mappings"))
        typed: list[object] = []
        raws: list[object] = []
        errors: list[tuple[str, str]] = []
        for position, item in enumerate(value, 1):
            if type(item) is not dict:
                errors.append((f"#{position}", wrong(item, "a mapping")))
                continue
            values, raw, item_errors = convert_mapping(table, item)
            errors.extend((f"#{position}.{path}", message) for path, message in item_errors)
            if not item_errors and build is not None:
                typed.append(build(**values))
                raws.append(MappingProxyType(raw))
        if errors:
            raise Invalid.many(errors)
        return tuple(typed), tuple(raws)

    return convert


TABLES: Final[dict[str, Table]] = {spec.name: compile_table(spec.fields) for spec in OBJECTS}


def _key_of(attrs: tuple[str, ...], values: Mapping[str, object]) -> Hashable | None:
    if not attrs:
        return None
    if len(attrs) == 1:
        return values.get(attrs[0])
    parts = tuple(values.get(attr) for attr in attrs)
    return None if None in parts else parts


def convert_object(spec: ObjectSpec, records: object) -> tuple[list[Row] | None, list[Problem]]:
    """Convert every record of one object: the rows (None if not a list) and the problems found."""
    if records is None or records == []:
        return [], []
    if type(records) is not list:
        return None, [Problem(spec.name, None, None, wrong(records, "a list of records"))]
    table = TABLES[spec.name]
    attrs = tuple(name.lower() for name in spec.key)
    separator = spec.separator
    rows: list[Row] = []
    problems: list[Problem] = []
    for position, data in enumerate(records, 1):
        if type(data) is not dict:
            problems.append(Problem(spec.name, f"#{position}", None, wrong(data, "a mapping")))
            continue
        values, raw, errors = convert_mapping(table, data)
        row = Row(position, _key_of(attrs, values), separator, values, raw, bool(errors))
        rows.append(row)
        if errors:
            problems.extend(Problem(spec.name, row.id, path, message) for path, message in errors)
    return rows, problems
