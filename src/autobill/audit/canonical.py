"""Canonical JSON and hashing of audit entries: the same entry always hashes the same."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

    from autobill.models import AuditEntry

HASHED_FIELDS: Final = (
    "seq",
    "at",
    "actor",
    "action",
    "subject",
    "trace_id",
    "rule_version",
    "prompt_version",
    "inputs_digest",
    "before",
    "after",
    "prev_hash",
)


def _encode(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    msg = f"{type(value).__name__} {value!r} has no canonical JSON form"
    raise TypeError(msg)


def canonical_json(value: object) -> str:
    """Write ``value`` as JSON with sorted keys, no spaces, Decimals as strings, ISO times."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_encode
    )


def plain(value: object) -> Any:  # noqa: ANN401 - JSON data of any shape
    """Return ``value`` as the JSON data it is stored as (Decimals and dates become strings)."""
    return None if value is None else json.loads(canonical_json(value))


def entry_hash(entry: AuditEntry) -> str:
    """Return the SHA-256 of the entry's canonical JSON (every field but its own hash)."""
    return fields_hash({name: getattr(entry, name) for name in HASHED_FIELDS})


def fields_hash(fields: Mapping[str, object]) -> str:
    """Return the SHA-256 of an entry's hashed fields, given by name, as ``entry_hash`` does."""
    hashed = {name: fields[name] for name in HASHED_FIELDS}
    at = hashed["at"]
    if isinstance(at, datetime):
        hashed["at"] = at.isoformat(timespec="microseconds")
    return hashlib.sha256(canonical_json(hashed).encode()).hexdigest()
