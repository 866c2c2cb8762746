"""Seeding the store from a dataset (``dataset.md``): every record or none."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from autobill.sandbox.formats import wire
from autobill.sandbox.objects import lookup

if TYPE_CHECKING:
    from autobill.core.dataset import Dataset
    from autobill.core.records import Location
    from autobill.sandbox.store import Store

# Dataset attribute → Intacct object, in an order where every reference is stored first.
OBJECT_OF: Final = (
    ("locations", "LOCATION"),
    ("departments", "DEPARTMENT"),
    ("classes", "CLASS"),
    ("glaccounts", "GLACCOUNT"),
    ("arterms", "ARTERM"),
    ("taxdetails", "TAXDETAIL"),
    ("taxschedulemaps", "TAXSCHEDULEMAP"),
    ("exchangerates", "EXCHANGERATE"),
    ("customers", "CUSTOMER"),
    ("items", "ITEM"),
    ("employees", "EMPLOYEE"),
    ("contracts", "CONTRACT"),
    ("contractlines", "CONTRACTDETAIL"),
    ("billingtemplates", "CONTRACTBILLINGTEMPLATE"),
    ("contractusage", "CONTRACTUSAGE"),
    ("projects", "PROJECT"),
    ("tasks", "TASK"),
    ("projectresources", "PROJECTRESOURCES"),
    ("timesheetentries", "TIMESHEETENTRY"),
    ("expenseitems", "EEXPENSESITEM"),
    ("documents", "DOCUMENT"),
    ("arinvoices", "ARINVOICE"),
)
_OWNERS: Final = (("CUSTOMERID", "CUSTOMER"), ("PROJECTID", "PROJECT"), ("CONTRACTID", "CONTRACT"))
_ACTIVE: Final = frozenset(
    {"CUSTOMER", "ITEM", "GLACCOUNT", "DEPARTMENT", "LOCATION", "CLASS", "ARTERM", "TAXDETAIL",
     "EMPLOYEE", "PROJECT", "TASK", "CONTACT"}
)


class StoreNotEmpty(Exception):
    """A dataset can only be loaded into an empty store."""


def flatten(raw: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Return a loaded record's fields as Intacct strings, nested mappings as dotted names."""
    flat: dict[str, str] = {}
    for name, value in raw.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{name}."))
        elif isinstance(value, tuple):
            flat[prefix + name] = _list_value(value)
        else:
            flat[prefix + name] = wire(value)
    return flat


def _list_value(values: tuple[Any, ...]) -> str:
    if all(isinstance(v, str) for v in values):
        return "#~#".join(values)  # Intacct's separator for multi-value fields
    return json.dumps([{k: wire(v) for k, v in dict(m).items()} for m in values])


def seed(store: Store, data: Dataset) -> dict[str, int]:
    """Store every record of ``data`` in one transaction and return the counts stored.

    Raises:
        StoreNotEmpty: the store already holds records.
    """
    if not store.is_empty():
        msg = "the sandbox store already holds records; load a dataset into an empty store"
        raise StoreNotEmpty(msg)
    with store.transaction():
        entities = _entities(data)
        store.insert("COMPANY", flatten(data.company.raw or {}))
        for attr, obj in OBJECT_OF:
            for record in getattr(data, attr):
                _store_record(store, obj, dict(record.raw or {}), entities)
    return store.counts()


def _store_record(store: Store, obj: str, raw: dict[str, Any], entities: dict[str, str]) -> None:
    items = raw.pop("ARINVOICEITEMS", ()) if obj == "ARINVOICE" else ()
    fields = flatten(raw)
    entity = _entity_of(store, fields, entities)
    fields.update(_entity_fields(entity))
    definition = lookup(obj)
    if obj in _ACTIVE and definition and not fields.get("STATUS"):
        fields["STATUS"] = "active"
    if items:
        fields.update(_invoice_totals(fields, items))
    recordno = store.insert(obj, fields, entity=entity)
    for line_no, item in enumerate(items, 1):
        line = {"RECORDKEY": str(recordno), "LINE_NO": str(line_no), **flatten(item)}
        line["TRX_AMOUNT"] = line.get("AMOUNT", "")
        store.insert("ARINVOICEITEM", line, entity=entity)


def _invoice_totals(fields: dict[str, str], items: tuple[Any, ...]) -> dict[str, str]:
    total = sum((Decimal(str(item["AMOUNT"])) for item in items), Decimal(0))
    due = Decimal(0) if fields.get("STATE") == "Paid" else total
    return {
        "TOTALENTERED": str(total),
        "TRX_TOTALENTERED": str(total),
        "TOTALDUE": str(due),
        "TRX_TOTALDUE": str(due),
        "TOTALPAID": str(total - due),
    }


def _entities(data: Dataset) -> dict[str, str]:
    """Map every location to its top-level entity ('' when it has none)."""
    parents = {loc.locationid: loc for loc in data.locations}
    result: dict[str, str] = {}
    for loc in data.locations:
        cursor: Location | None = loc
        seen: set[str] = set()
        while cursor is not None and not cursor.entity and cursor.locationid not in seen:
            seen.add(cursor.locationid)
            cursor = parents.get(cursor.parentid or "")
        result[loc.locationid] = cursor.locationid if cursor is not None else ""
    return result


def _entity_of(store: Store, fields: dict[str, str], entities: dict[str, str]) -> str:
    if fields.get("LOCATIONID"):
        return entities.get(fields["LOCATIONID"], "")
    for field, owner in _OWNERS:
        found = store.find(owner, fields[field]) if fields.get(field) else None
        if found is not None:
            return found.entity
    return ""


def _entity_fields(entity: str) -> dict[str, str]:
    return {"MEGAENTITYID": entity, "MEGAENTITYNAME": entity, "MEGAENTITYKEY": ""}
