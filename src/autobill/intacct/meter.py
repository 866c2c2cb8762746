"""A client-side meter of Intacct API usage: transactions and round trips.

Intacct bills each written record as one API transaction and each read call (including every
``readMore``) as one; an invoice's lines are free. The meter counts the same way, so the budget
page and the benchmarks can compare spending with the tier's monthly allowance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from autobill.intacct.payloads import Function


# Opening a session reads no company data; the sandbox does not bill it either (unverified).
UNMETERED = frozenset({"getAPISession"})


@dataclass(frozen=True, slots=True)
class Usage:
    """A snapshot of the meter."""

    round_trips: int
    transactions: int
    reads: int
    writes: int
    retries: int


class Meter:
    """Counts round trips (HTTP requests sent) and API transactions (functions, records)."""

    def __init__(self) -> None:
        self._round_trips = 0
        self._reads = 0
        self._writes = 0
        self._retries = 0

    def record_request(self, functions: Sequence[Function]) -> None:
        """Count one round trip carrying ``functions``.

        Args:
            functions: the functions sent; writes count their records, reads once each,
                and getAPISession not at all.
        """
        self._round_trips += 1
        for function in functions:
            if function.name in UNMETERED:
                continue
            if function.records:
                self._writes += function.records
            else:
                self._reads += 1

    def record_call(self, *, reads: int = 0, writes: int = 0) -> None:
        """Count one round trip of another API (REST) with its reads and written records.

        Args:
            reads: read calls made (each one transaction).
            writes: records created, updated or deleted (each one transaction).
        """
        self._round_trips += 1
        self._reads += reads
        self._writes += writes

    def record_retry(self) -> None:
        """Count a retried round trip (also counted by :meth:`record_request`)."""
        self._retries += 1

    def usage(self) -> Usage:
        """Return the counts so far.

        Returns:
            A snapshot; transactions are reads plus written records.
        """
        return Usage(
            round_trips=self._round_trips,
            transactions=self._reads + self._writes,
            reads=self._reads,
            writes=self._writes,
            retries=self._retries,
        )
