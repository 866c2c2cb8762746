"""Seeded, deterministic transport faults (§9.19): the same seed gives the same faults in order."""

from __future__ import annotations

import random
import threading
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from autobill.sandbox.config import FaultRates

KINDS: Final = ("502", "503", "524", "timeout", "lost")

# A Cloudflare-style HTML page, which real clients meet instead of XML on edge failures (§1.1).
_PAGE: Final = (
    "<!DOCTYPE html><html><head><title>{code} | api.intacct.com</title></head><body>"
    '<div id="cf-error-details"><h1>Error {code}</h1><p>{text}</p></div></body></html>'
)
_TEXT: Final = {
    502: "Bad gateway",
    503: "Service temporarily unavailable",
    504: "Gateway time-out",
    524: "A timeout occurred",
}


class FaultPlan:
    """Draws, request by request, which fault (if any) to inject."""

    def __init__(self, rates: FaultRates) -> None:
        self._rates = (rates.http_502, rates.http_503, rates.http_524, rates.timeout, rates.lost)
        self._random = random.Random(rates.seed)  # noqa: S311 - reproducible tests, not security
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        """Return the next request's fault kind, or None for a normal answer."""
        if not any(self._rates):
            return None
        with self._lock:
            roll = self._random.random()
        for kind, rate in zip(KINDS, self._rates, strict=True):
            if roll < rate:
                return kind
            roll -= rate
        return None


def error_page(code: int) -> str:
    """Return the HTML body of an injected HTTP error."""
    return _PAGE.format(code=code, text=_TEXT.get(code, "Error"))
