"""Plays the demo's scripted month through the real paths, as people and tools would.

Each step's Intacct writes go in one request (``transaction="true"``), made by the demo's own
Intacct user, so the sandbox raises its events once everything of the step is committed and
delivers them to autobill's ``/webhooks/intacct``. The step's webhooks from other tools (the
project tool's milestones, the timesheet tool's approvals) are signed and posted to
``/webhooks/events``. autobill is never told anything any other way.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from autobill.intacct import payloads
from autobill.intacct.query import and_, eq
from autobill.web.signing import sign

if TYPE_CHECKING:
    import httpx

    from autobill.demo.month import RecordWrite, Step
    from autobill.intacct import IntacctClient
    from autobill.intacct.payloads import Function

EVENTS_PATH: Final = "/webhooks/events"
ACCEPTED: Final = 202


class StepFailed(RuntimeError):
    """A step of the scripted month was refused by Intacct or by autobill's webhook."""


class MonthPlayer:
    """Carries out the steps of the month against the sandbox and the web app.

    Args:
        intacct: the demo user's Intacct client (not autobill's: its usage is not autobill's).
        http: an HTTP client for the webhooks.
        web_url: the web app's base URL.
        secret: the generic webhooks' signing secret.
        company_id: the Intacct company the events are about.
    """

    def __init__(
        self,
        *,
        intacct: IntacctClient,
        http: httpx.AsyncClient,
        web_url: str,
        secret: str,
        company_id: str,
    ) -> None:
        self._intacct = intacct
        self._http = http
        self._web_url = web_url
        self._secret = secret
        self._company_id = company_id

    async def play(self, step: Step) -> None:
        """Make the step's Intacct writes in one request, then send its webhooks."""
        if step.writes:
            functions = [await self._function(step, n, w) for n, w in enumerate(step.writes)]
            for result in await self._intacct.execute(functions, transaction=True):
                if not result.ok:
                    msg = f"{step.title}: Intacct refused {result.function}: {result.error()}"
                    raise StepFailed(msg)
        for hook in step.webhooks:
            await self._send(step, hook)

    async def _function(self, step: Step, number: int, write: RecordWrite) -> Function:
        """The write as a function whose controlid names the step, so a replay is harmless."""
        named = hashlib.sha256(step.title.encode()).hexdigest()[:12]
        controlid = f"demo:{step.day.isoformat()}:{named}:{number}"
        records = [await self._located(write.obj, r) for r in write.records]
        if write.operation == "create":
            return payloads.create(controlid=controlid, obj=write.obj, records=records)
        return payloads.update(controlid=controlid, obj=write.obj, records=records)

    async def _located(self, obj: str, fields: dict[str, str]) -> dict[str, str]:
        """A contract line named by contract and line number gets its RECORDNO for an update."""
        if obj != "CONTRACTDETAIL" or "RECORDNO" in fields or "ENDDATE" not in fields:
            return fields
        where = and_(eq("CONTRACTID", fields["CONTRACTID"]), eq("LINENO", fields["LINENO"]))
        read = payloads.read_by_query(controlid="demo:line", obj=obj, query=where)
        (result,) = await self._intacct.execute([read])
        found = result.raise_for_status().records()
        if len(found) != 1:
            msg = f"contract line {fields['CONTRACTID']}/{fields['LINENO']} was not found"
            raise StepFailed(msg)
        rest = {k: v for k, v in fields.items() if k not in {"CONTRACTID", "LINENO"}}
        return {"RECORDNO": str(found[0]["RECORDNO"]), **rest}

    async def _send(self, step: Step, hook: dict[str, Any]) -> None:
        """Sign and post one generic event, dated on the step's day."""
        stamped = datetime.combine(step.day, datetime.min.time(), tzinfo=UTC)
        event = {"company": self._company_id, "occurred_at": stamped.isoformat(), **hook}
        body = json.dumps(event).encode()
        now = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Autobill-Timestamp": now,
            "X-Autobill-Signature": sign(self._secret, now, body),
        }
        answer = await self._http.post(self._web_url + EVENTS_PATH, content=body, headers=headers)
        if answer.status_code != ACCEPTED:
            msg = f"{step.title}: the webhook answered {answer.status_code}: {answer.text}"
            raise StepFailed(msg)
