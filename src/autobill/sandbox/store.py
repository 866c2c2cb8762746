"""The sandbox's state in SQLite: records per Intacct object keyed by RECORDNO, plus bookkeeping.

Record fields are kept as Intacct renders them (§9.14 formats, nested fields as dotted names),
one JSON document per record. A request is one SQLite transaction; functions nest savepoints.
Declared fields are indexed by value and record counts are kept as records are written
(``indexes.py``), so the write paths and readByQuery look records up without scanning an object
(``where_in``); reads by key go through the id and RECORDNO columns. Lookups by id
(``find``, ``first``) are remembered, decoded, within a transaction until the object is written.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeAlias

from autobill.sandbox import indexes
from autobill.sandbox.counters import SEQUENCES, Counters
from autobill.sandbox.objects import lookup

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS records (
    object TEXT NOT NULL, recordno INTEGER NOT NULL, rid TEXT, entity TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL, PRIMARY KEY (object, recordno));
CREATE INDEX IF NOT EXISTS records_rid ON records (object, rid);
CREATE TABLE IF NOT EXISTS sequences (object TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS controlids (controlid TEXT PRIMARY KEY, function TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meter (
    company TEXT NOT NULL, day TEXT NOT NULL, transactions INTEGER NOT NULL,
    PRIMARY KEY (company, day));
"""


@dataclass(frozen=True, slots=True)
class Row:
    """One stored record: its object, RECORDNO, owning entity ('' = top level) and fields."""

    object: str
    recordno: int
    entity: str
    data: dict[str, str]


_Memo: TypeAlias = "dict[str, dict[tuple[str, str], Row | None]]"


class Store:
    """SQLite-backed records of one sandbox company; safe to share between threads."""

    def __init__(self, path: str = ":memory:") -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.executescript(_SCHEMA + indexes.SCHEMA)
        self._lock = threading.RLock()
        self._depth = 0  # open savepoints
        self._in_transaction = False
        self._counters = Counters(self._db)
        # Lookups by id during a transaction, per object: dropped when the object is written.
        self._memo: _Memo = {}
        with self.transaction():
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
            if int(version) < indexes.VERSION:
                indexes.rebuild(self._db, self._counters)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one transaction: committed if it returns, rolled back if it raises."""
        with self._lock:
            self._db.execute("BEGIN")
            self._in_transaction, self._depth = True, 0
            # Read afresh in each transaction: another connection may have written the file.
            self._memo.clear()
            self._counters.reset()
            try:
                yield
                self._counters.flush()
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                self._memo.clear()
                self._counters.reset()
                raise
            finally:
                self._in_transaction = False

    def savepoint(self) -> str:
        """Open a savepoint inside the current transaction and return its name."""
        # Named by depth (savepoints nest): the same few statements, prepared once.
        self._depth += 1
        name = f"sp{self._depth}"
        self._db.execute(f"SAVEPOINT {name}")
        self._counters.mark()
        return name

    def release(self, name: str) -> None:
        """Keep what was done since the savepoint."""
        self._db.execute(f"RELEASE {name}")
        self._counters.drop()
        self._depth -= 1

    def rollback_to(self, name: str) -> None:
        """Undo everything since the savepoint, and close it."""
        self._db.execute(f"ROLLBACK TO {name}")
        self._db.execute(f"RELEASE {name}")
        self._memo.clear()
        self._counters.restore()
        self._depth -= 1

    def insert(self, obj: str, data: dict[str, str], *, entity: str = "") -> int:
        """Store a new record, numbering it unless ``data`` carries a RECORDNO; return it."""
        # RECORDNOs are never reused, even after a delete (§9.16: a recreated record is new).
        if data.get("RECORDNO"):
            recordno = int(data["RECORDNO"])
            self._counters.raise_to((SEQUENCES, obj, ""), recordno)
        else:
            recordno = self._counters.add((SEQUENCES, obj, ""), 1)
        data = {**data, "RECORDNO": str(recordno)}
        self._memo.pop(obj, None)
        self._db.execute(
            "INSERT INTO records (object, recordno, rid, entity, data) VALUES (?, ?, ?, ?, ?)",
            (obj, recordno, _rid(obj, data), entity, json.dumps(data)),
        )
        indexes.add(self._db, self._counters, obj, recordno, data)
        self._autocommitted()
        return recordno

    def replace(self, row: Row) -> None:
        """Overwrite a stored record's fields."""
        self._memo.pop(row.object, None)
        self._db.execute(
            "UPDATE records SET data = ?, rid = ? WHERE object = ? AND recordno = ?",
            (json.dumps(row.data), _rid(row.object, row.data), row.object, row.recordno),
        )
        indexes.change(self._db, self._counters, row.object, row.recordno, row.data)
        self._autocommitted()

    def delete(self, obj: str, recordno: int) -> None:
        """Remove a record."""
        self._memo.pop(obj, None)
        gone = self._db.execute(
            "DELETE FROM records WHERE object = ? AND recordno = ? RETURNING recordno",
            (obj, recordno),
        ).fetchall()
        if gone:
            indexes.remove(self._db, self._counters, obj, recordno)
        self._autocommitted()

    def get(self, obj: str, recordno: int) -> Row | None:
        """Return the record with this RECORDNO, or None."""
        with self._lock:
            found = self._db.execute(
                "SELECT object, recordno, entity, data FROM records "
                "WHERE object = ? AND recordno = ?",
                (obj, recordno),
            ).fetchone()
        return None if found is None else _row(found)

    def find(self, obj: str, rid: str) -> Row | None:
        """Return the record whose id field is ``rid``, or None."""
        return self._remembered(
            obj,
            ("rid", rid),
            lambda: self._db.execute(
                "SELECT object, recordno, entity, data FROM records WHERE object = ? AND rid = ?",
                (obj, rid),
            ).fetchone(),
        )

    def first(self, obj: str) -> Row | None:
        """Return the record of an object with the lowest RECORDNO (e.g. the COMPANY), or None."""
        return self._remembered(
            obj,
            ("first", ""),
            lambda: self._db.execute(
                "SELECT object, recordno, entity, data FROM records WHERE object = ? "
                "ORDER BY recordno LIMIT 1",
                (obj,),
            ).fetchone(),
        )

    def _remembered(
        self, obj: str, key: tuple[str, str], load: Callable[[], tuple[object, ...] | None]
    ) -> Row | None:
        with self._lock:
            if not self._in_transaction:
                found = load()
                return None if found is None else _row(found)
            memo = self._memo.setdefault(obj, {})
            if key in memo:
                row = memo[key]
            else:
                found = load()
                row = memo[key] = None if found is None else _row(found)
        # A copy: callers may change what they were given.
        return None if row is None else Row(row.object, row.recordno, row.entity, dict(row.data))

    def scan(self, obj: str) -> list[Row]:
        """Return every record of an object in RECORDNO order."""
        with self._lock:
            found = self._db.execute(
                "SELECT object, recordno, entity, data FROM records WHERE object = ? "
                "ORDER BY recordno",
                (obj,),
            ).fetchall()
        return [_row(item) for item in found]

    def where(self, obj: str, field: str, value: str) -> list[Row]:
        """Return the records of an object whose ``field`` is ``value``, in RECORDNO order."""
        return self.where_in(obj, field, (value,))

    def where_in(self, obj: str, field: str, values: Collection[str]) -> list[Row]:
        """Return the records of an object whose ``field`` is one of ``values``, in RECORDNO order.

        An indexed field (``indexes.INDEXED``) is looked up, decoding only the records found; any
        other is found by a scan.
        """
        wanted = set(values)
        if not indexes.is_indexed(obj, field):
            return [row for row in self.scan(obj) if row.data.get(field) in wanted]
        # One JSON parameter, however many values: an IN list of 1000 stays one statement. The
        # unary + keeps SQLite from walking every row of the object in RECORDNO order to spare
        # a sort, rather than seeking each value in the value index.
        return self._rows(
            "SELECT r.object, r.recordno, r.entity, r.data FROM record_fields AS f "
            "JOIN records AS r ON r.object = f.object AND r.recordno = f.recordno "
            "WHERE f.object = ? AND f.name = ? AND f.value IN (SELECT value FROM json_each(?)) "
            "ORDER BY +f.recordno",
            (obj, field, json.dumps(sorted(wanted))),
        )

    def with_ids(self, obj: str, rids: Collection[str]) -> list[Row]:
        """Return the records of an object whose id field is one of ``rids``, in RECORDNO order."""
        # The + seeks the id index rather than walking the object in order (see ``where_in``).
        return self._rows(
            "SELECT object, recordno, entity, data FROM records "
            "WHERE object = ? AND rid IN (SELECT value FROM json_each(?)) ORDER BY +recordno",
            (obj, json.dumps(sorted(set(rids)))),
        )

    def with_recordnos(self, obj: str, recordnos: Collection[int]) -> list[Row]:
        """Return the records of an object with these RECORDNOs, in RECORDNO order."""
        return self._rows(
            "SELECT object, recordno, entity, data FROM records "
            "WHERE object = ? AND recordno IN (SELECT value FROM json_each(?)) ORDER BY recordno",
            (obj, json.dumps(sorted(set(recordnos)))),
        )

    def _rows(self, sql: str, parameters: tuple[object, ...]) -> list[Row]:
        with self._lock:
            found = self._db.execute(sql, parameters).fetchall()
        return [_row(item) for item in found]

    def exists(self, obj: str, field: str, value: str) -> bool:
        """Return whether some record of an object has ``field`` equal to ``value``."""
        if not indexes.is_indexed(obj, field):
            return any(row.data.get(field) == value for row in self.scan(obj))
        with self._lock:
            return bool(indexes.recordnos(self._db, obj, field, value))

    def next_recordno(self, obj: str) -> int:
        """Return the RECORDNO the next record of an object will get (inside a transaction)."""
        with self._lock:
            self._fresh_counters()
            return self._counters.get((SEQUENCES, obj, "")) + 1

    def count(self, obj: str) -> int:
        """Return how many records of an object are stored, without reading them."""
        with self._lock:
            self._fresh_counters()
            return indexes.count(self._counters, obj)

    def distinct(self, obj: str, field: str) -> int:
        """Return how many distinct values a field has among the records that have it.

        The fields in ``indexes.DISTINCT`` are counted as they are written; any other is scanned.
        """
        if not indexes.is_counted(obj, field):
            return len({row.data[field] for row in self.scan(obj) if field in row.data})
        with self._lock:
            self._fresh_counters()
            return indexes.count(self._counters, obj, field)

    def counts(self) -> dict[str, int]:
        """Return the number of records of each object that has any."""
        with self._lock:
            found = self._db.execute(
                "SELECT object, COUNT(*) FROM records GROUP BY object ORDER BY object"
            ).fetchall()
        return {name: int(count) for name, count in found}

    def is_empty(self) -> bool:
        """Return whether the store holds no records."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None

    def controlid_used(self, controlid: str) -> bool:
        """Return whether a function with this controlid has already been executed."""
        found = self._db.execute(
            "SELECT 1 FROM controlids WHERE controlid = ?", (controlid,)
        ).fetchone()
        return found is not None

    def remember_controlid(self, controlid: str, function: str) -> None:
        """Record that a function with this controlid was executed and completed."""
        self._db.execute("INSERT INTO controlids VALUES (?, ?)", (controlid, function))

    def meter_add(self, company: str, day: str, transactions: int) -> None:
        """Add API transactions to a company's count for a day."""
        with self._lock:
            self._db.execute(
                "INSERT INTO meter VALUES (?, ?, ?) ON CONFLICT (company, day) "
                "DO UPDATE SET transactions = transactions + excluded.transactions",
                (company, day, transactions),
            )

    def _fresh_counters(self) -> None:
        # Outside a transaction nothing is pending: read the committed rows.
        if not self._in_transaction:
            self._counters.reset()

    def _autocommitted(self) -> None:
        # A write outside transaction() is committed at once: so are the counters it moved.
        if not self._in_transaction:
            self._counters.flush()

    def meter(self) -> list[tuple[str, str, int]]:
        """Return (company, day, transactions) for every metered day."""
        with self._lock:
            found = self._db.execute("SELECT * FROM meter ORDER BY company, day").fetchall()
        return [(str(c), str(d), int(n)) for c, d, n in found]


def _rid(obj: str, data: dict[str, str]) -> str | None:
    definition = lookup(obj)
    if definition is None or definition.id_field is None:
        return None
    return data.get(definition.id_field) or None


def _row(found: tuple[object, ...]) -> Row:
    obj, recordno, entity, data = found
    return Row(str(obj), int(str(recordno)), str(entity), json.loads(str(data)))
