"""A master-data cache with a time to live: a billing run reads customers, items, terms once.

Missing or stale keys are read together in one bulk ``in (...)`` read, so a run of ten
thousand invoices over two thousand customers costs a handful of API transactions.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from autobill.intacct.responses import Record

DEFAULT_TTL = 15 * 60.0


class BulkReader(Protocol):
    """What the cache needs of a client: a bulk read by field values."""

    async def read_many(  # noqa: PLR0913 - mirrors IntacctClient.read_many
        self,
        *,
        obj: str,
        field: str,
        values: Sequence[str],
        fields: str = "*",
        docparid: str | None = None,
        entity: str | None = None,
    ) -> list[Record]:
        """Read every record whose ``field`` is one of ``values``."""


class MasterDataCache:
    """Caches records by (object, key field, key) for ``ttl`` seconds.

    Args:
        client: reads missing records in bulk.
        ttl: seconds a record stays fresh.
        clock: monotonic seconds (injectable for tests).
    """

    def __init__(
        self,
        client: BulkReader,
        *,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[tuple[str, str, str], tuple[float, Record | None]] = {}

    async def get_many(
        self, *, obj: str, key_field: str, keys: Sequence[str], entity: str | None = None
    ) -> dict[str, Record]:
        """Return the records of ``keys``, reading only the missing or stale ones.

        Args:
            obj: the object, e.g. ``CUSTOMER`` or ``ITEM``.
            key_field: the identifying field, e.g. ``CUSTOMERID``.
            keys: the wanted keys.
            entity: the entity to read in.

        Returns:
            The found records by key; unknown keys are absent (and cached as absent).
        """
        now = self._clock()
        stale = [k for k in dict.fromkeys(keys) if not self._fresh((obj, key_field, k), now)]
        if stale:
            records = await self._client.read_many(
                obj=obj, field=key_field, values=stale, entity=entity
            )
            by_key = {str(r.get(key_field, "")): r for r in records}
            for key in stale:
                self._entries[obj, key_field, key] = (now, by_key.get(key))
        found = {k: self._entries[obj, key_field, k][1] for k in keys}
        return {k: r for k, r in found.items() if r is not None}

    def invalidate(self, obj: str | None = None) -> None:
        """Forget cached records, of one object or all.

        Args:
            obj: the object to forget; None forgets everything.
        """
        self._entries = {k: v for k, v in self._entries.items() if obj is not None and k[0] != obj}

    def _fresh(self, entry: tuple[str, str, str], now: float) -> bool:
        cached = self._entries.get(entry)
        return cached is not None and now - cached[0] < self._ttl
