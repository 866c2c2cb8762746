"""Our error kinds: one root, a few kinds the web layer maps to HTTP statuses."""

from __future__ import annotations


class AutobillError(Exception):
    """The root of the errors autobill raises on purpose; ``kind`` is a short stable code."""

    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(AutobillError):
    """The caller could not be verified (unsigned, forged, stale or replayed)."""

    kind = "unauthenticated"


class Malformed(AutobillError):
    """The request's body is not what the endpoint reads at all (not JSON, say)."""

    kind = "malformed"


class InvalidInput(AutobillError):
    """The request is well formed but its values are not acceptable."""

    kind = "invalid"


class NotFound(AutobillError):
    """The thing asked for does not exist."""

    kind = "not_found"


class Conflict(AutobillError):
    """The request contradicts what is already stored."""

    kind = "conflict"


class InvalidState(AutobillError):
    """The thing exists but is not in a state that allows the request."""

    kind = "invalid_state"


class TooLarge(AutobillError):
    """The request body is larger than the endpoint accepts."""

    kind = "too_large"
