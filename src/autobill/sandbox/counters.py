"""The store's counters (last RECORDNO per object, tallies), kept in memory, written at commit.

Every insert moves a sequence and a tally. Upserting their rows costs more than the record's own
insert, so a transaction keeps them in memory and writes the changed ones just before it
commits. A savepoint snapshots them and a rollback to it restores the snapshot, so they undo
with the records exactly as the rows would; each transaction reads them afresh, and a
rolled-back one forgets them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    import sqlite3

# (table, object, name): table "sequences" (name '') holds ``last``, "tallies" holds ``n``.
Key: TypeAlias = tuple[str, str, str]
SEQUENCES: Final = "sequences"
TALLIES: Final = "tallies"


class Counters:
    """Integer counters over the ``sequences`` and ``tallies`` tables of one connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._values: dict[Key, int] = {}
        self._dirty: set[Key] = set()
        self._marks: list[tuple[dict[Key, int], set[Key]]] = []

    def get(self, key: Key) -> int:
        """Return a counter's value (0 when it was never set)."""
        if key not in self._values:
            self._values[key] = self._load(key)
        return self._values[key]

    def add(self, key: Key, step: int) -> int:
        """Move a counter by ``step`` and return its new value."""
        return self._set(key, self.get(key) + step)

    def raise_to(self, key: Key, value: int) -> int:
        """Raise a counter to at least ``value`` and return it."""
        return self._set(key, max(self.get(key), value))

    def mark(self) -> None:
        """Snapshot the counters (a savepoint is opened)."""
        self._marks.append((dict(self._values), set(self._dirty)))

    def restore(self) -> None:
        """Go back to the last snapshot (the savepoint is rolled back)."""
        self._values, self._dirty = self._marks.pop()

    def drop(self) -> None:
        """Forget the last snapshot (the savepoint is released)."""
        self._marks.pop()

    def flush(self) -> None:
        """Write the changed counters (the transaction is about to commit)."""
        for key in sorted(self._dirty):
            table, obj, name = key
            if table == SEQUENCES:
                self._db.execute(
                    "INSERT INTO sequences VALUES (?, ?) ON CONFLICT (object) "
                    "DO UPDATE SET last = excluded.last",
                    (obj, self._values[key]),
                )
            else:
                self._db.execute(
                    "INSERT INTO tallies VALUES (?, ?, ?) ON CONFLICT (object, name) "
                    "DO UPDATE SET n = excluded.n",
                    (obj, name, self._values[key]),
                )
        self._dirty.clear()
        self._marks.clear()

    def reset(self) -> None:
        """Forget everything in memory (the transaction was rolled back): read the rows again."""
        self._values.clear()
        self._dirty.clear()
        self._marks.clear()

    def _set(self, key: Key, value: int) -> int:
        self._values[key] = value
        self._dirty.add(key)
        return value

    def _load(self, key: Key) -> int:
        table, obj, name = key
        if table == SEQUENCES:
            found = self._db.execute(
                "SELECT last FROM sequences WHERE object = ?", (obj,)
            ).fetchone()
        else:
            found = self._db.execute(
                "SELECT n FROM tallies WHERE object = ? AND name = ?", (obj, name)
            ).fetchone()
        return 0 if found is None else int(found[0])
