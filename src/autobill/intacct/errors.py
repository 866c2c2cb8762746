"""The Intacct client's exceptions; the tree is documented in the package docstring."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One ``<error>`` of an Intacct ``<errormessage>``; ``errorno`` is not always a code."""

    errorno: str
    description: str = ""
    description2: str = ""
    correction: str = ""

    def text(self) -> str:
        """The error as one line: number, then the non-empty descriptions."""
        parts = (self.description, self.description2, self.correction)
        return " ".join([self.errorno, *(p for p in parts if p)])


class IntacctError(Exception):
    """Root of every error the Intacct client raises."""

    retryable: bool = False


class IntacctTransportError(IntacctError):
    """The request did not produce a usable gateway answer (network, 5xx, non-XML body).

    Args:
        message: what went wrong.
        status: the HTTP status, when a response arrived.
        retryable: False for a 524 (Intacct may still be processing) or a hostile body.
    """

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


class IntacctRateLimited(IntacctError):
    """Intacct refused the request for its rate limit (HTTP 429 or ``GW-0010``).

    Args:
        message: what went wrong.
        retry_after: seconds the gateway asked us to wait, when it said.
    """

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class IntacctAuthError(IntacctError):
    """Sender, login or session credentials were refused.

    Args:
        message: what went wrong.
        errors: the gateway's error records.
    """

    def __init__(self, message: str, *, errors: tuple[ErrorDetail, ...] = ()) -> None:
        super().__init__(message)
        self.errors = errors

    @property
    def session_expired(self) -> bool:
        """Whether the refusal is an invalid or expired session (renewable)."""
        return any("session" in e.text().lower() for e in self.errors)


class IntacctRequestError(IntacctError):
    """Intacct answered and refused the request or one function of it.

    The first error record's fields are exposed directly; ``errors`` holds all of them.

    Args:
        message: what went wrong.
        errors: the gateway's error records (at least one is expected).
        function: the failing function's name, for function-level failures.
        controlid: the failing function's controlid.
        status: ``failure`` or ``aborted`` for function-level failures.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: tuple[ErrorDetail, ...] = (),
        function: str | None = None,
        controlid: str | None = None,
        status: str | None = None,
    ) -> None:
        super().__init__(message)
        self.errors = errors
        self.function = function
        self.controlid = controlid
        self.status = status
        first = errors[0] if errors else ErrorDetail(errorno="")
        self.errno = first.errorno
        self.description = first.description
        self.description2 = first.description2
        self.correction = first.correction


class IntacctReplayedControlId(IntacctRequestError):
    """A write's function controlid was already executed (``uniqueid`` replay protection)."""


def describe(errors: tuple[ErrorDetail, ...]) -> str:
    """Join error records into one message.

    Args:
        errors: the records.

    Returns:
        The records' texts separated by ``; `` (or a placeholder when there are none).
    """
    return "; ".join(e.text() for e in errors) or "no error detail"
