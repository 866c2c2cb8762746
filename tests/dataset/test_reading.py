"""Tests of reading dataset files: the strict YAML loader, JSON, and paths relative to the file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from autobill.dataset import DatasetError, Problem, load_dataset

if TYPE_CHECKING:
    from pathlib import Path

HEAD = "format: autobill-dataset/1\nCOMPANY: {BASECURR: USD}\n"


def _load_problems(path: Path, text: str) -> list[tuple[str, str | None, str | None]]:
    """Write ``text`` to ``path``, load it, and return where each problem is."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    return [(p.object, p.record, p.field) for p in caught.value.problems]


def test_merge_keys_override_but_a_written_repeat_is_reported(tmp_path: Path) -> None:
    """A YAML merge key's values may be overridden; a key written twice may not."""
    # given
    text = HEAD + (
        "defaults: &net {NAME: Net 30, DUEDAYS: 30}\n"
        "ARTERM:\n"
        "  - {<<: *net, DUEDAYS: 45}\n"
        "  - {<<: *net, NAME: Net 60, DUEDAYS: 60, DUEDAYS: 61}\n"
    )
    # when
    found = _load_problems(tmp_path / "data.yaml", text)
    # then
    assert found == [(str(tmp_path / "data.yaml"), "line 6", "DUEDAYS")]


def test_merged_records_load(tmp_path: Path) -> None:
    """Records built with anchors and merge keys load with the overriding values."""
    # given
    path = tmp_path / "data.yaml"
    path.write_text(
        HEAD + "d: &net {NAME: Net 30, DUEDAYS: 30}\nARTERM: [{<<: *net, DUEDAYS: 45}]\n",
        encoding="utf-8",
    )
    # when
    data = load_dataset(path)
    # then
    assert [(term.name, term.duedays) for term in data.arterms] == [("Net 30", 45)]


def test_yaml_impossible_date_and_octal_text_are_field_problems(tmp_path: Path) -> None:
    """An unquoted impossible date and an octal-looking id are reported on their fields."""
    # given
    text = HEAD + (
        "EXCHANGERATE:\n"
        "  - {FROMCURRENCY: CAD, TOCURRENCY: USD, RATEDATE: 2026-02-30, RATE: '0.73'}\n"
        "LOCATION:\n"
        "  - {LOCATIONID: 0400, NAME: Odd}\n"
    )
    # when
    found = _load_problems(tmp_path / "data.yaml", text)
    # then
    assert found == [("LOCATION", "#1", "LOCATIONID"), ("EXCHANGERATE", "#1", "RATEDATE")]


def test_recursive_alias_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """A YAML alias that contains itself fails the load with a problem."""
    # given
    text = HEAD + "ARTERM: [{NAME: N, DUEDAYS: 1, X: &loop [*loop]}]\n"
    # when
    found = _load_problems(tmp_path / "data.yaml", text)
    # then
    assert found == [("dataset", None, None)]


def test_json_repeated_key_is_reported(tmp_path: Path) -> None:
    """A key written twice in a JSON object is a problem naming the file and the key."""
    # given
    text = '{"format": "autobill-dataset/1", "COMPANY": {"BASECURR": "USD", "BASECURR": "EUR"}}'
    # when
    found = _load_problems(tmp_path / "data.json", text)
    # then
    assert found == [(str(tmp_path / "data.json"), None, "BASECURR")]


def test_json_is_recognised_without_its_suffix(tmp_path: Path) -> None:
    """A file without a known suffix that starts with ``{`` is read as JSON, floats and all."""
    # given
    path = tmp_path / "dataset"
    path.write_text(
        '{"format": "autobill-dataset/1", "COMPANY": {"BASECURR": "USD"},'
        ' "ARTERM": [{"NAME": "Net 30", "DUEDAYS": 30.0}]}',
        encoding="utf-8",
    )
    # when
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    # then
    assert caught.value.problems == (
        Problem("ARTERM", "Net 30", "DUEDAYS", "30.0 is a float, not an integer"),
    )


def test_document_path_is_resolved_beside_the_dataset(tmp_path: Path) -> None:
    """A DOCUMENT's PATH is taken relative to the dataset file's folder."""
    # given
    path = tmp_path / "data.yaml"
    path.write_text(
        HEAD + "DOCUMENT: [{DOCUMENTID: D-1, TITLE: MSA, PATH: docs/msa.md}]\n", encoding="utf-8"
    )
    # when
    data = load_dataset(path)
    # then
    assert data.documents[0].path == str((tmp_path / "docs" / "msa.md").resolve())
    assert data.documents[0].raw is not None
    assert data.documents[0].raw["PATH"] == "docs/msa.md"
