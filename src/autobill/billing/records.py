"""Intacct's records, as readByQuery returns them, back into the core's dataset.

The dataset schema (``autobill.dataset.schema``) says how each field is written; a record read
from Intacct carries every value as text (``mm/dd/yyyy`` dates, ``true``/``false``, ``#~#``
separated lists, JSON for lists of mappings), so each known field is turned back into the
value the dataset format expects and checked by the same loader as a dataset file.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Final

from autobill.dataset import parse_dataset
from autobill.dataset.schema import OBJECTS, Field, Kind, Nested

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from pydantic import JsonValue

    from autobill.core.dataset import Dataset

IntacctRecord = dict[str, "JsonValue"]
Records = dict[str, tuple[IntacctRecord, ...]]

FORMAT: Final = "autobill-dataset/1"
COMPANY: Final = "COMPANY"
INVOICE_ITEM: Final = "ARINVOICEITEM"
LIST_SEPARATOR: Final = "#~#"
_COMPANY_FIELDS: Final = {"BASECURR": Field(Kind.TEXT), "COMPANYID": Field(Kind.TEXT)}
_SPECS: Final = {spec.name: spec for spec in OBJECTS}


class UnreadableRecord(ValueError):
    """An Intacct value that the dataset format cannot hold."""


def to_dataset(records: Mapping[str, Sequence[IntacctRecord]]) -> Dataset:
    """Return the core dataset of records read from Intacct, keyed by object name.

    Raises:
        DatasetError: the records break a rule of the dataset format (a dangling reference).
    """
    raw: dict[str, object] = {"format": FORMAT}
    companies = records.get(COMPANY, ())
    raw[COMPANY] = _convert(companies[0], _COMPANY_FIELDS) if companies else None
    items = _items_by_invoice(records.get(INVOICE_ITEM, ()))
    for name, spec in _SPECS.items():
        found = records.get(name, ())
        if name == "ARINVOICE":
            found = [{**r, "ARINVOICEITEMS": items.get(str(r.get("RECORDNO")), [])} for r in found]
        raw[name] = [_convert(record, spec.fields) for record in found]
    return parse_dataset(raw)


def _items_by_invoice(items: Iterable[IntacctRecord]) -> dict[str, list[JsonValue]]:
    """Group ARINVOICEITEM records under their invoice's RECORDNO, in line order."""
    grouped: dict[str, list[JsonValue]] = defaultdict(list)
    for item in sorted(items, key=lambda i: int(str(i.get("LINE_NO") or 0))):
        grouped[str(item.get("RECORDKEY", ""))].append(dict(item))
    return grouped


def _convert(record: Mapping[str, JsonValue], fields: Mapping[str, Field]) -> dict[str, object]:
    """Keep the schema's fields of one record, each as the dataset format writes it."""
    converted: dict[str, object] = {}
    for name, spec in fields.items():
        value = record.get(name)
        if value is None or value in ("", [], {}):
            continue
        converted[name] = _value(name, value, spec)
    return converted


def _value(name: str, value: JsonValue, spec: Field) -> object:  # noqa: PLR0911 - one per kind
    """One field's value as the dataset format writes it."""
    if spec.kind is Kind.MAPPING:
        return _convert(_mapping(name, value), _nested(spec).fields)
    if spec.kind is Kind.RECORDS:
        return [_convert(_mapping(name, v), _nested(spec).fields) for v in _records(name, value)]
    if isinstance(value, dict | list):
        msg = f"{name} holds {value!r}, not a value"
        raise UnreadableRecord(msg)
    text = str(value)
    if spec.kind is Kind.INTEGER:
        return int(text)
    if spec.kind is Kind.BOOLEAN:
        return text.lower() == "true"
    if spec.kind is Kind.DATE:
        return intacct_date(text).isoformat()
    if spec.kind is Kind.TEXTS:
        return text.split(LIST_SEPARATOR)
    return text


def _nested(spec: Field) -> Nested:
    if spec.nested is None:  # pragma: no cover - the schema gives every nested field its fields
        msg = "a nested field without its fields"
        raise UnreadableRecord(msg)
    return spec.nested


def _mapping(name: str, value: JsonValue) -> Mapping[str, JsonValue]:
    if not isinstance(value, dict):
        msg = f"{name} holds {value!r}, not a mapping"
        raise UnreadableRecord(msg)
    return value


def _records(name: str, value: JsonValue) -> list[JsonValue]:
    """A list of mappings: JSON text as Intacct stores it, or records already parsed."""
    parsed = json.loads(value) if isinstance(value, str) else value
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list):
        msg = f"{name} holds {value!r}, not a list of mappings"
        raise UnreadableRecord(msg)
    return parsed


def intacct_date(text: str) -> date:
    """The date of Intacct's ``mm/dd/yyyy`` (or ISO ``yyyy-mm-dd``) text."""
    if len(text) >= 10 and text[2] == "/" and text[5] == "/":  # noqa: PLR2004 - mm/dd/yyyy
        return date(int(text[6:10]), int(text[0:2]), int(text[3:5]))
    return date.fromisoformat(text[:10])
