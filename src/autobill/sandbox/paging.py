"""readByQuery result sets kept for readMore (§4.2, §9.10), by resultId and by object."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime, timedelta


@dataclass(slots=True)
class Page:
    """A result set: its object, the records still to send, the fields and the page size."""

    result_id: str
    object: str
    recordnos: list[int]
    total: int
    fields: tuple[str, ...] | None
    pagesize: int
    sessionid: str
    expires: datetime


class Pages:
    """The open result sets of one sandbox; they expire after a configurable time."""

    def __init__(self, clock: Callable[[], datetime], ttl: timedelta) -> None:
        self._clock = clock
        self._ttl = ttl
        self._open: dict[str, Page] = {}
        self._last: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def open(
        self, obj: str, recordnos: list[int], fields: tuple[str, ...] | None, pagesize: int,
        sessionid: str,
    ) -> Page:
        """Keep the records left after a first page and return the result set."""
        page = Page(
            secrets.token_hex(16), obj, recordnos, len(recordnos), fields, pagesize, sessionid,
            self._clock() + self._ttl,
        )
        with self._lock:
            now = self._clock()
            self._open = {k: p for k, p in self._open.items() if p.expires > now}
            self._open[page.result_id] = page
            self._last[(sessionid, obj)] = page.result_id
        return page

    def get(self, result_id: str) -> Page | None:
        """Return a live result set, or None for an unknown or expired resultId."""
        with self._lock:
            page = self._open.get(result_id)
            if page is not None and self._clock() >= page.expires:
                del self._open[result_id]
                return None
            return page

    def last_for(self, sessionid: str, obj: str) -> Page | None:
        """Return the session's last open result set on an object (readMore by object)."""
        with self._lock:
            result_id = self._last.get((sessionid, obj), "")
        return self.get(result_id)

    def close(self, result_id: str) -> None:
        """Forget a result set once it has been read to the end."""
        with self._lock:
            self._open.pop(result_id, None)
