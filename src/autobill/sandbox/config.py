"""The sandbox's settings: the demo tenant's credentials and the Intacct constraints it emulates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


def utc_now() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class FaultRates:
    """Per-request probabilities of each injected transport fault (§9.19); all zero by default.

    ``lost`` is "committed but the response was lost": the request runs and commits, then the
    connection is dropped before the body is complete.
    """

    http_502: float = 0.0
    http_503: float = 0.0
    http_524: float = 0.0
    timeout: float = 0.0
    lost: float = 0.0
    seed: int = 0
    timeout_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """Everything that can be configured about one sandbox tenant.

    ``latency_seconds`` is the floor of every request's service time, as real Intacct's latency
    is its whole service time: a request answers no sooner than that after it arrived, and the
    sandbox's own processing counts towards it (the sandbox sleeps what is left) instead of
    adding to it. A request that takes longer to process answers when it is done.
    """

    sender_id: str = "autobill"
    sender_password: str = field(default="sandbox", repr=False)
    user_id: str = "admin"
    user_password: str = field(default="admin", repr=False)
    company_id: str = "DEMO"
    session_timeout: timedelta = timedelta(hours=6)
    max_concurrent: int = 2
    latency_seconds: float = 0.0
    faults: FaultRates = FaultRates()
    # The real errno for a replayed function controlid is unknown (intacct-api.md §2.1).
    replay_errno: str = "XL03000013"
    close_date: date | None = None
    custom_fields: frozenset[str] = frozenset({"CUSTOMFIELD1"})
    result_page_ttl: timedelta = timedelta(minutes=30)
    client_id: str = "autobill"
    client_secret: str = field(default="sandbox", repr=False)
    webhooks: tuple[str, ...] = ()
    webhook_secret: str = field(default="sandbox-webhook", repr=False)
    # Intacct retries webhook delivery at 10, 30 and 90 s, up to 4 attempts (§7).
    webhook_retry_seconds: tuple[float, ...] = (10.0, 30.0, 90.0)
    clock: Callable[[], datetime] = field(default=utc_now, repr=False, compare=False)
