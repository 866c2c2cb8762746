"""Outbound events, as Intacct platform triggers with webhook delivery send them (§7).

Chosen record changes (a task completed, a timesheet approved, a contract line added, changed
or ended, usage added) are POSTed as JSON to every configured URL once the request commits.
Each delivery is signed with HMAC-SHA256 over ``<timestamp>.<body>`` and carries an
``Idempotency-Key`` that stays the same across retries; failed deliveries are retried after
each interval of ``webhook_retry_seconds`` (10, 30, 90 s: up to 4 attempts).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from autobill.sandbox.config import SandboxConfig

# Statuses Intacct retries a webhook on (§7); any other failure status is final.
RETRIED: Final = frozenset({408, 429, 500, 502, 503, 504})
LINE_ENDED: Final = frozenset({"Closed", "Canceled", "Cancelled", "Not renewed"})


@dataclass(frozen=True, slots=True)
class Event:
    """One record change worth telling subscribers about."""

    type: str
    object: str
    key: str
    record: dict[str, str]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


def detect(obj: str, before: dict[str, str] | None, after: dict[str, str]) -> list[Event]:
    """Return the events a write from ``before`` (None: a create) to ``after`` raises."""
    old = before or {}
    key = after.get("RECORDNO", "")

    def became(name: str, values: frozenset[str]) -> bool:
        return after.get(name) in values and old.get(name) not in values

    kinds = []
    if obj == "TASK" and became("TASKSTATUS", frozenset({"Completed"})):
        kinds.append("task.completed")
    if obj in {"TIMESHEET", "TIMESHEETENTRY"} and became("STATE", frozenset({"Approved"})):
        kinds.append("timesheet.approved")
    if obj == "CONTRACTDETAIL":
        kinds.append("contractline.added" if before is None else "contractline.changed")
        if became("STATE", LINE_ENDED):
            kinds.append("contractline.ended")
    if obj == "CONTRACTUSAGE" and before is None:
        kinds.append("usage.added")
    return [Event(kind, obj, key, dict(after)) for kind in kinds]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the signature header value: ``sha256=`` and the HMAC of ``timestamp.body``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class Dispatcher:
    """Delivers committed events to the configured URLs from background threads."""

    def __init__(self, config: SandboxConfig) -> None:
        self._config = config
        self.attempts: list[tuple[str, str, int]] = []  # (url, event id, HTTP status or 0)
        self._lock = threading.Lock()

    def publish(self, events: list[Event]) -> None:
        """Start delivering each event to each URL."""
        for url in self._config.webhooks:
            for event in events:
                threading.Thread(target=self._deliver, args=(url, event), daemon=True).start()

    def _deliver(self, url: str, event: Event) -> None:
        body = self._body(event)
        waits = [*self._config.webhook_retry_seconds, None]
        for wait in waits:
            status = self._post(url, event, body)
            with self._lock:
                self.attempts.append((url, event.id, status))
            if 200 <= status < 300 or (status and status not in RETRIED) or wait is None:  # noqa: PLR2004
                return
            time.sleep(wait)

    def _body(self, event: Event) -> bytes:
        payload: dict[str, Any] = {
            "id": event.id, "type": event.type, "company": self._config.company_id,
            "object": event.object, "key": event.key,
            "occurredAt": self._config.clock().isoformat(), "record": event.record,
        }
        return json.dumps(payload, sort_keys=True).encode()

    def _post(self, url: str, event: Event, body: bytes) -> int:
        timestamp = str(int(self._config.clock().timestamp()))
        headers = {
            "Content-Type": "application/json", "Idempotency-Key": event.id,
            "X-Sandbox-Timestamp": timestamp,
            "X-Sandbox-Signature": sign(self._config.webhook_secret, timestamp, body),
        }
        if not url.startswith(("http://", "https://")):
            return 0
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http(s) only
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except (urllib.error.URLError, OSError):
            return 0
