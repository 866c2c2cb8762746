"""The ``autobill preview`` command: output formats, determinism and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from autobill.cli import app

if TYPE_CHECKING:
    from pathlib import Path

runner = CliRunner()


def _preview(*args: str) -> tuple[int, str, str]:
    # A wide terminal, so Rich does not wrap the descriptions the table test looks for.
    result = runner.invoke(app, ["preview", *args], env={"COLUMNS": "160"})
    return result.exit_code, result.stdout, result.stderr


def test_json_is_the_documented_document(shared_dir: Path) -> None:
    """--format json writes the autobill-preview/1 document for the window asked."""
    # given
    dataset = shared_dir / "spec" / "examples" / "upgrade.yaml"
    # when
    code, out, _ = _preview("--dataset", str(dataset), "--from", "2026-11-16",
                            "--as-of", "2026-11-30", "--format", "json")
    # then
    assert code == 0
    document = json.loads(out)
    assert document["format"] == "autobill-preview/1"
    assert [inv["total"] for inv in document["invoices"]] == ["163.32"]
    assert out.endswith("}\n")


def test_json_is_byte_for_byte_deterministic(shared_dir: Path) -> None:
    """Two runs of the installed command on the same input print the same bytes."""
    # given
    dataset = shared_dir / "spec" / "examples" / "minimal.yaml"
    command = [sys.executable, "-m", "autobill", "preview", "--dataset", str(dataset),
               "--as-of", "2026-12-31", "--format", "json"]
    # when
    runs = [subprocess.run(command, capture_output=True, check=True).stdout for _ in range(2)]
    # then
    assert runs[0] == runs[1]
    assert runs[0].startswith(b'{\n  "format": "autobill-preview/1",\n  "as_of": "2026-12-31"')


def test_table_lists_invoices_revenue_and_exceptions(shared_dir: Path) -> None:
    """The default format prints each invoice, the revenue schedules and the exceptions."""
    # given
    dataset = shared_dir / "spec" / "examples" / "upgrade.yaml"
    # when
    code, out, _ = _preview("--dataset", str(dataset), "--from", "2026-11-16",
                            "--as-of", "2026-11-30")
    # then
    assert code == 0
    assert "2026-11-16  C-100  CN-100  USD  due 2026-12-16" in out
    assert "Basic plan, unused 16 Nov 2026" in out
    assert "163.32" in out
    assert "Revenue schedules (2)" in out
    assert "over_cap" in out


def test_demo_names_the_bundled_demo_company() -> None:
    """--dataset demo previews the bundled demo company."""
    # when
    code, out, _ = _preview("--dataset", "demo", "--from", "2026-12-01", "--as-of", "2026-12-31",
                            "--format", "json")
    # then
    assert code == 0
    assert json.loads(out)["invoices"]


def test_invalid_dataset_exits_2_naming_record_and_field(tmp_path: Path) -> None:
    """A dataset with a float amount exits 2 with a message naming object, record and field."""
    # given
    dataset = tmp_path / "bad.yaml"
    dataset.write_text(
        "format: autobill-dataset/1\nCOMPANY: {BASECURR: USD}\n"
        "ARTERM: [{NAME: Net 30, DUEDAYS: 30}]\n"
        "TAXDETAIL: [{DETAILID: T1, VALUE: 8.25}]\n",
        encoding="utf-8",
    )
    # when
    code, out, err = _preview("--dataset", str(dataset), "--as-of", "2026-12-31")
    # then
    assert code == 2
    assert out == ""
    assert "TAXDETAIL T1: VALUE" in err


@pytest.mark.parametrize(
    ("_case", "args", "message"),
    [
        ("missing file", ["--dataset", "nowhere.yaml", "--as-of", "2026-12-31"], "nowhere.yaml"),
        ("bad date", ["--dataset", "x.yaml", "--as-of", "2026-13-01"], "is not a date"),
        ("from after as-of", ["--from", "2026-12-02", "--as-of", "2026-12-01"], "is after"),
        ("bad format", ["--as-of", "2026-12-01", "--format", "xml"], "xml"),
    ],
)
def test_bad_arguments_exit_2(
    _case: str, args: list[str], message: str, shared_dir: Path
) -> None:
    """Bad arguments exit with status 2 and say what is wrong."""
    # given
    if "--dataset" not in args:
        args = ["--dataset", str(shared_dir / "spec" / "examples" / "minimal.yaml"), *args]
    # when
    code, _, err = _preview(*args)
    # then
    assert code == 2
    assert message in err
