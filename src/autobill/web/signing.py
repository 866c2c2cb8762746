"""Webhook signatures: HMAC-SHA256 over ``<timestamp>.<body>``, a time window, replay refusal."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Protocol

from autobill.errors import Unauthenticated

if TYPE_CHECKING:
    from collections.abc import Callable

PREFIX: Final = "sha256="
DEFAULT_WINDOW_SECONDS: Final = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the signature header value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return PREFIX + digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Verified:
    """A request whose signature checked out: its timestamp and signature."""

    timestamp: int
    signature: str


def verify(  # noqa: PLR0913 - the request's parts, the secret and the window
    secret: str,
    *,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float,
    window_seconds: int = DEFAULT_WINDOW_SECONDS,
) -> Verified:
    """Check a signature in constant time and the timestamp against the window; raise if not.

    Raises:
        Unauthenticated: when a header is missing, the signature is wrong or the time stale.
    """
    if not secret:
        msg = "no webhook secret is configured"
        raise Unauthenticated(msg)
    if not timestamp or not signature:
        msg = "missing signature headers"
        raise Unauthenticated(msg)
    if not (timestamp.isascii() and timestamp.isdigit()):
        msg = "the timestamp is not Unix seconds"
        raise Unauthenticated(msg)
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        msg = "the signature does not match"
        raise Unauthenticated(msg)
    sent = int(timestamp)
    if abs(now - sent) > window_seconds:
        msg = "the timestamp is outside the accepted window"
        raise Unauthenticated(msg)
    return Verified(sent, signature.strip())


class ReplayGuard(Protocol):
    """Remembers the signatures of accepted requests for as long as their timestamp is valid."""

    def claim(self, verified: Verified) -> bool:
        """Reserve the signature; False if it was already used."""
        ...

    def release(self, verified: Verified) -> None:
        """Forget a reservation whose request was not accepted after all."""
        ...


@dataclass
class MemoryReplayGuard:
    """An in-process replay guard; entries expire with the time window."""

    window_seconds: int = DEFAULT_WINDOW_SECONDS
    clock: Callable[[], float] = time.time
    _seen: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self, verified: Verified) -> bool:
        """Reserve the signature; False if it was already used."""
        with self._lock:
            self._expire()
            if verified.signature in self._seen:
                return False
            self._seen[verified.signature] = verified.timestamp
            return True

    def release(self, verified: Verified) -> None:
        """Forget a reservation whose request was not accepted after all."""
        with self._lock:
            self._seen.pop(verified.signature, None)

    def _expire(self) -> None:
        oldest = self.clock() - self.window_seconds
        for signature in [s for s, at in self._seen.items() if at < oldest]:
            del self._seen[signature]
