"""Our error kinds as HTTP answers: one JSON shape, ``{"error": kind, "detail": message}``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from fastapi.responses import JSONResponse

from autobill.errors import (
    AutobillError,
    Conflict,
    InvalidInput,
    InvalidState,
    Malformed,
    NotFound,
    TooLarge,
    Unauthenticated,
)

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

STATUS: Final[dict[type[AutobillError], int]] = {
    Unauthenticated: 401,
    Malformed: 400,
    NotFound: 404,
    Conflict: 409,
    InvalidState: 409,
    TooLarge: 413,
    InvalidInput: 422,
}


def status_of(error: AutobillError) -> int:
    """Return the HTTP status of an error kind (500 for a kind without one)."""
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 500


async def handle_autobill_error(request: Request, error: Exception) -> JSONResponse:
    """Answer one of our errors with its status and kind."""
    del request
    if not isinstance(error, AutobillError):  # pragma: no cover - registered for AutobillError
        raise error
    headers = {"WWW-Authenticate": "HMAC-SHA256"} if isinstance(error, Unauthenticated) else None
    body = {"error": error.kind, "detail": error.message}
    return JSONResponse(body, status_code=status_of(error), headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""
    app.add_exception_handler(AutobillError, handle_autobill_error)
