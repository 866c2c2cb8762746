"""What the operator commands share: settings-derived values, Temporal, and clean failures."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final, NoReturn

import typer
from rich.console import Console
from temporalio.service import RPCError

from autobill.workflows.inputs import ReviewPolicy
from autobill.workflows.wiring import SANDBOX_LOGIN, connect

if TYPE_CHECKING:
    from temporalio.client import Client

    from autobill.config import Settings

USAGE_ERROR: Final = 2
FAILURE: Final = 1


def fail(command: str, message: str, code: int = USAGE_ERROR) -> NoReturn:
    """Print ``autobill <command>: <message>`` on stderr and exit with ``code``."""
    Console(stderr=True).print(f"autobill {command}: {message}", markup=False, highlight=False)
    raise typer.Exit(code)


def parse_day(value: str) -> date:
    """Read a ``YYYY-MM-DD`` option, or report it as a bad parameter."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        msg = f"{value!r} is not a date (YYYY-MM-DD)"
        raise typer.BadParameter(msg) from None


def company_of(settings: Settings) -> str:
    """The Intacct company autobill bills: the configured one, else the sandbox's."""
    return settings.intacct.company_id or SANDBOX_LOGIN.companyid


def review_policy(settings: Settings) -> ReviewPolicy:
    """The review policy of the settings."""
    review = settings.review
    return ReviewPolicy(
        auto_approve_below=review.auto_approve_below, escalate_after=review.escalate_after
    )


async def temporal(settings: Settings, command: str) -> Client:
    """Connect to the settings' Temporal, or exit saying it is unreachable."""
    try:
        return await connect(settings)
    except (RPCError, RuntimeError) as error:
        fail(command, f"cannot reach Temporal at {settings.temporal.address}: {error}", FAILURE)
