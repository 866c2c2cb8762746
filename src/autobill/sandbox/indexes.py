"""Secondary indexes of the store: declared record fields by value, and counts kept as you go.

Writes look records up by a field other than their id (an SODOCUMENT's lines by DOCHDRNO, an
AR invoice's lines by RECORDKEY...) and number documents from how many exist; readByQuery
selects records by a field's values. Scanning and JSON-decoding every record of an object for
that made each write, and each query, cost linear in the object's size. The store keeps, in
the same SQLite transaction as each insert, replace and delete:

- ``record_fields``: one row per (record, indexed field) holding the field's value, for the
  fields declared in ``INDEXED`` (records lacking the field have no row);
- ``tallies``: the number of records of each object (name ``''``) and the number of distinct
  values of the fields in ``DISTINCT``, so counting reads no rows.

Savepoint rollbacks undo them with the records they describe (tallies through ``Counters``).
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from autobill.sandbox.counters import TALLIES

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Mapping

    from autobill.sandbox.counters import Counters

# Record fields looked up by value: by the write paths, and by the readByQuery conditions that
# autobill's billing reader sends (``FIELD = 'v'``, ``FIELD in (...)``). A lookup on another
# field scans. Changing this list needs a new VERSION, so that stored files are re-indexed.
INDEXED: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "SODOCUMENT": ("DOCNO",),
        "SODOCUMENTENTRY": ("DOCHDRNO",),
        "ARINVOICE": ("RECORDID", "PROJECTID"),
        "ARINVOICEITEM": ("RECORDKEY",),
        "REVRECSCHEDULE": ("DOCHDRKEY",),
        "REVRECSCHEDULEENTRY": ("REVRECSCHEDULEKEY",),
        "EXCHANGERATE": ("FROMCURRENCY",),
        "AUDITHISTORY": ("OBJECTKEY",),
        "CUSTOMER": ("CUSTOMERID",),
        "CONTRACT": ("CONTRACTID",),
        "CONTRACTDETAIL": ("CONTRACTID", "PROJECTID"),
        "CONTRACTUSAGE": ("CONTRACTID",),
        "PROJECT": ("PROJECTID", "CONTRACTID"),
        "TASK": ("PROJECTID",),
        "PROJECTRESOURCES": ("PROJECTID",),
        "TIMESHEETENTRY": ("PROJECTID",),
        "EEXPENSESITEM": ("PROJECTID",),
    }
)
# Indexed fields whose distinct values are counted (document numbering).
DISTINCT: Final = frozenset({("SODOCUMENT", "DOCNO")})

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS record_fields (
    object TEXT NOT NULL, recordno INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (object, recordno, name)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS record_fields_value ON record_fields (object, name, value, recordno);
CREATE TABLE IF NOT EXISTS tallies (
    object TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (object, name)) WITHOUT ROWID;
"""
# PRAGMA user_version once the indexes above describe every record (older stores are rebuilt).
# 2: the billing reader's query fields were added to INDEXED.
VERSION: Final = 2
ROWS: Final = ""  # the tally name of an object's record count


def is_indexed(obj: str, field: str) -> bool:
    """Return whether ``field`` of ``obj`` records is indexed by value."""
    return field in INDEXED.get(obj, ())


def is_counted(obj: str, field: str) -> bool:
    """Return whether the distinct values of ``field`` of ``obj`` records are counted."""
    return (obj, field) in DISTINCT


def add(
    db: sqlite3.Connection, counters: Counters, obj: str, recordno: int, data: Mapping[str, str]
) -> None:
    """Index a new record."""
    counters.add((TALLIES, obj, ROWS), 1)
    _add_fields(db, counters, obj, recordno, data)


def remove(db: sqlite3.Connection, counters: Counters, obj: str, recordno: int) -> None:
    """Forget a removed record."""
    counters.add((TALLIES, obj, ROWS), -1)
    _remove_fields(db, counters, obj, recordno)


def change(
    db: sqlite3.Connection, counters: Counters, obj: str, recordno: int, data: Mapping[str, str]
) -> None:
    """Re-index a record whose fields were overwritten (only when an indexed value changed)."""
    names = INDEXED.get(obj)
    if not names:
        return
    stored = dict(
        db.execute(
            "SELECT name, value FROM record_fields WHERE object = ? AND recordno = ?",
            (obj, recordno),
        ).fetchall()
    )
    if stored == {name: data[name] for name in names if name in data}:
        return
    _remove_fields(db, counters, obj, recordno)
    _add_fields(db, counters, obj, recordno, data)


def recordnos(db: sqlite3.Connection, obj: str, field: str, value: str) -> list[int]:
    """Return the RECORDNOs, ascending, of the records whose indexed ``field`` is ``value``."""
    found = db.execute(
        "SELECT recordno FROM record_fields WHERE object = ? AND name = ? AND value = ? "
        "ORDER BY recordno",
        (obj, field, value),
    ).fetchall()
    return [int(recordno) for (recordno,) in found]


def count(counters: Counters, obj: str, name: str = ROWS) -> int:
    """Return an object's record count, or the number of distinct values of a counted field."""
    return counters.get((TALLIES, obj, name))


def rebuild(db: sqlite3.Connection, counters: Counters) -> None:
    """Index every stored record (a store written before the indexes existed)."""
    db.execute("DELETE FROM record_fields")
    db.execute("DELETE FROM tallies")
    counters.reset()
    for obj, recordno, data in db.execute("SELECT object, recordno, data FROM records").fetchall():
        add(db, counters, str(obj), int(recordno), json.loads(str(data)))
    db.execute(f"PRAGMA user_version = {VERSION}")


def _add_fields(
    db: sqlite3.Connection, counters: Counters, obj: str, recordno: int, data: Mapping[str, str]
) -> None:
    for name in INDEXED.get(obj, ()):
        value = data.get(name)
        if value is None:
            continue
        if (obj, name) in DISTINCT and not _has_value(db, obj, name, value):
            counters.add((TALLIES, obj, name), 1)
        db.execute(
            "INSERT INTO record_fields VALUES (?, ?, ?, ?)", (obj, recordno, name, str(value))
        )


def _remove_fields(db: sqlite3.Connection, counters: Counters, obj: str, recordno: int) -> None:
    if obj not in INDEXED:
        return
    removed = db.execute(
        "DELETE FROM record_fields WHERE object = ? AND recordno = ? RETURNING name, value",
        (obj, recordno),
    ).fetchall()
    for name, value in removed:
        if (obj, name) in DISTINCT and not _has_value(db, obj, str(name), str(value)):
            counters.add((TALLIES, obj, str(name)), -1)


def _has_value(db: sqlite3.Connection, obj: str, name: str, value: str) -> bool:
    found = db.execute(
        "SELECT 1 FROM record_fields WHERE object = ? AND name = ? AND value = ? LIMIT 1",
        (obj, name, value),
    ).fetchone()
    return found is not None
