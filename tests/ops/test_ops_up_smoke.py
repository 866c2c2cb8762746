"""``autobill up`` as a person runs it: a subprocess that prints its URLs and stops on Ctrl-C."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from queue import Empty, Queue

import httpx
import pytest
from defusedxml.ElementTree import fromstring

from autobill.workflows.devserver import free_port

READY = "Ctrl-C stops everything."
START_TIMEOUT_S = 60.0
GET_SESSION = (
    "<request><control><senderid>autobill</senderid><password>sandbox</password>"
    "<controlid>smoke</controlid><uniqueid>false</uniqueid><dtdversion>3.0</dtdversion>"
    "</control><operation><authentication><login><userid>admin</userid>"
    "<companyid>DEMO</companyid><password>admin</password></login></authentication>"
    '<content><function controlid="f1"><getAPISession/></function></content></operation>'
    "</request>"
)


def children_of(pid: int) -> list[int]:
    """The ids of the direct child processes of ``pid`` (Linux)."""
    tasks = Path(f"/proc/{pid}/task")
    found: list[int] = []
    for task in tasks.iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Whether a process with this id still exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def lines_of(process: subprocess.Popen[str]) -> tuple["Queue[str]", threading.Thread]:
    """A queue of the process's stdout lines, and the thread that reads them."""
    queue: Queue[str] = Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            queue.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return queue, reader


def wait_ready(queue: "Queue[str]") -> str:
    """Everything printed until the ready line (fail after the timeout)."""
    printed = ""
    deadline = time.monotonic() + START_TIMEOUT_S
    while READY not in printed:
        try:
            printed += queue.get(timeout=max(0.1, deadline - time.monotonic()))
        except Empty:
            pytest.fail(f"autobill up printed no URLs in {START_TIMEOUT_S} s: {printed}")
    return printed


@pytest.fixture
def autobill_up(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, int, int]]:
    """``autobill up`` on free ports with a temporary data directory; killed if left running."""
    web_port, sandbox_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOBILL_")}
    env |= {"COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
    args = [sys.executable, "-m", "autobill", "up", "--data-dir", str(tmp_path / "data")]
    args += ["--web-port", str(web_port), "--sandbox-port", str(sandbox_port)]
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path
    )
    queue, reader = lines_of(process)
    try:
        yield process, wait_ready(queue), web_port, sandbox_port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=5)
        if process.stdout is not None:
            process.stdout.close()


def test_up_serves_everything_and_ctrl_c_stops_it_all(
    autobill_up: tuple[subprocess.Popen[str], str, int, int],
) -> None:
    """The web app, the sandbox and Temporal answer; SIGINT ends every child, exit code 0."""
    # given
    process, printed, web_port, sandbox_port = autobill_up
    web = f"http://127.0.0.1:{web_port}"
    gateway = f"http://127.0.0.1:{sandbox_port}/ia/xml/xmlgw.phtml"
    frontend = re.search(r"Temporal frontend\W+127\.0\.0\.1:(\d+)", printed)
    assert frontend is not None, printed
    children = children_of(process.pid)
    # when
    health = httpx.get(f"{web}/api/health", timeout=5)
    session = httpx.post(gateway, content=GET_SESSION.encode(), timeout=5)
    with socket.create_connection(("127.0.0.1", int(frontend[1])), timeout=5):
        pass
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=60)
    # then
    assert web in printed
    assert gateway in printed
    assert "Temporal UI" in printed
    assert health.json() == {"status": "ok"}
    assert fromstring(session.content).findtext("operation/result/data/api/sessionid")
    assert children
    assert [pid for pid in children if alive(pid)] == []
    assert code == 0


def test_up_on_a_port_in_use_fails_cleanly(tmp_path: Path) -> None:
    """A web port already taken ends ``autobill up`` with exit status 1 and says which port."""
    # given
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = [sys.executable, "-m", "autobill", "up", "--data-dir", str(tmp_path)]
        args += ["--web-port", str(port), "--sandbox-port", "0"]
        # when
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path
        )
    # then
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
