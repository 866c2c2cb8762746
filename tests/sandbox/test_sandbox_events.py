"""Outbound events: signed JSON POSTs to a real local receiver, retried with a stable key (§7)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest
from sandbox_helpers import envelope, function, in_process, post

from autobill.sandbox import SandboxConfig

if TYPE_CHECKING:
    from collections.abc import Iterator

    from autobill.sandbox import Store

SECRET = "test-secret"  # noqa: S105 - a test webhook secret


class Receiver:
    """A local HTTP server that records deliveries and fails the first ``failures`` of them."""

    def __init__(self, failures: int = 0, status: int = 503) -> None:
        self.deliveries: list[tuple[dict[str, str], bytes, float]] = []
        self.failures, self.status = failures, status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.deliveries.append((dict(self.headers), body, time.monotonic()))
                failing = len(receiver.deliveries) <= receiver.failures
                self.send_response(receiver.status if failing else 200)
                self.end_headers()

            def log_message(self, *_: Any) -> None:  # noqa: ANN401 - quiet test server
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    def wait_for(self, count: int, seconds: float = 3.0) -> None:
        """Wait until ``count`` deliveries arrived (or time runs out)."""
        deadline = time.monotonic() + seconds
        while len(self.deliveries) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    def close(self) -> None:
        """Stop the server."""
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict[str, Any]]:
        """Return the delivered JSON bodies."""
        return [json.loads(body) for _, body, _ in self.deliveries]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """Return a receiver that accepts every delivery."""
    running = Receiver()
    yield running
    running.close()


def config_for(receiver: Receiver) -> SandboxConfig:
    """Return a sandbox configuration posting events to the receiver, retrying in milliseconds."""
    return SandboxConfig(webhooks=(receiver.url,), webhook_secret=SECRET,
                         webhook_retry_seconds=(0.01, 0.03, 0.09))


def send(store: Store, config: SandboxConfig, body: str, *, transaction: bool = False) -> None:
    """Run functions against an in-process sandbox."""
    with in_process(config, store) as client:
        post(client, envelope(body, transaction=transaction))


COMPLETE = function("<update><TASK><TASKID>T-TRAIN</TASKID><TASKSTATUS>Completed</TASKSTATUS>"
                    "</TASK></update>")


def test_task_completion_is_posted_signed(store: Store, receiver: Receiver) -> None:
    """Completing a task posts task.completed, signed over timestamp and body."""
    # when
    send(store, config_for(receiver), COMPLETE)
    receiver.wait_for(1)
    # then
    headers, body, _ = receiver.deliveries[0]
    expected = hmac.new(SECRET.encode(), headers["X-Sandbox-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-Sandbox-Signature"] == f"sha256={expected}"
    event = json.loads(body)
    assert (event["type"], event["object"], event["record"]["TASKID"]) == (
        "task.completed", "TASK", "T-TRAIN")
    assert headers["Idempotency-Key"] == event["id"]


@pytest.mark.parametrize(("_case", "body", "kinds"), [
    ("usage added", ("<create><CONTRACTUSAGE><CONTRACTID>CN-1</CONTRACTID><LINENO>2</LINENO>"
     "<USAGEDATE>02/03/2026</USAGEDATE><QUANTITY>10</QUANTITY></CONTRACTUSAGE></create>"),
     ["usage.added"]),
    ("contract line added", ("<create><CONTRACTDETAIL><CONTRACTID>CN-1</CONTRACTID>"
     "<BILLINGMETHOD>Fixed price</BILLINGMETHOD><ITEMID>POS</ITEMID></CONTRACTDETAIL></create>"),
     ["contractline.added"]),
    ("timesheet approved", ("<create><TIMESHEET><EMPLOYEEID>E-1</EMPLOYEEID><BEGINDATE>"
     "02/02/2026</BEGINDATE><STATE>Approved</STATE><TIMESHEETENTRIES><TIMESHEETENTRY>"
     "<ENTRYDATE>02/02/2026</ENTRYDATE><QTY>2</QTY><PROJECTID>P-1</PROJECTID></TIMESHEETENTRY>"
     "</TIMESHEETENTRIES></TIMESHEET></create>"), ["timesheet.approved", "timesheet.approved"]),
])
def test_chosen_changes_raise_events(
    store: Store, receiver: Receiver, _case: str, body: str, kinds: list[str]
) -> None:
    """Usage, contract lines and approved timesheets each raise their event."""
    # when
    send(store, config_for(receiver), function(body))
    receiver.wait_for(len(kinds))
    time.sleep(0.05)
    # then
    assert sorted(e["type"] for e in receiver.events()) == sorted(kinds)


def test_contract_line_ended(store: Store, receiver: Receiver) -> None:
    """Closing a contract line raises contractline.changed and contractline.ended."""
    # when
    send(store, config_for(receiver), function(
        "<update><CONTRACTDETAIL><RECORDNO>1</RECORDNO><STATE>Closed</STATE></CONTRACTDETAIL>"
        "</update>"))
    receiver.wait_for(2)
    # then
    assert sorted(e["type"] for e in receiver.events()) == [
        "contractline.changed", "contractline.ended"]


def test_failed_deliveries_are_retried_with_the_same_key(store: Store) -> None:
    """Two 503s then 200: three deliveries, one idempotency key, spaced by the intervals."""
    # given
    receiver = Receiver(failures=2)
    # when
    send(store, config_for(receiver), COMPLETE)
    receiver.wait_for(3)
    receiver.close()
    # then
    keys = {headers["Idempotency-Key"] for headers, _, _ in receiver.deliveries}
    times = [at for _, _, at in receiver.deliveries]
    assert len(receiver.deliveries) == 3
    assert len(keys) == 1
    assert times[1] - times[0] >= 0.01
    assert times[2] - times[1] >= 0.03


def test_delivery_stops_after_four_attempts(store: Store) -> None:
    """A receiver that always fails gets 4 attempts in all, then no more."""
    # given
    receiver = Receiver(failures=99)
    # when
    send(store, config_for(receiver), COMPLETE)
    receiver.wait_for(4)
    time.sleep(0.2)
    receiver.close()
    # then
    assert len(receiver.deliveries) == 4


def test_rolled_back_changes_raise_nothing(store: Store, receiver: Receiver) -> None:
    """A change rolled back with its transaction posts no event."""
    # given
    failing = function("<read><object>NOPE</object><keys>1</keys></read>", "bad")
    # when
    send(store, config_for(receiver), COMPLETE + failing, transaction=True)
    time.sleep(0.1)
    # then
    assert receiver.deliveries == []
