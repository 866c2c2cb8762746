"""Golden end-to-end billing stories: each folder's dataset, previewed, gives its expected.json.

Every folder under ``tests/scenarios/`` holds one story: ``dataset.yaml`` (its header comment tells
the story and computes each amount by hand), ``args.json`` (``as_of`` and ``from``) and
``expected.json``, the exact ``autobill preview --format json`` document, written by hand from the
specification and not by the engine. ``README.md`` beside this file lists the readings chosen
where the specification is ambiguous.
"""

from __future__ import annotations

import difflib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from autobill.core.billing import preview
from autobill.core.report import preview_json
from autobill.dataset import load_dataset

SCENARIOS = Path(__file__).resolve().parent
STORIES = sorted(p.name for p in SCENARIOS.iterdir() if (p / "dataset.yaml").is_file())

# An exception's message is free text for people (preview.md): the stories compare it masked.
MASK = "<free text>"
# How the stories' expected messages name a task: "task T-B (Data migration) ...".
NAMED_TASK = re.compile(r"task (?P<taskid>\S+) \((?P<name>[^)]+)\)")
JSON_BLOCK = re.compile(r"```json\n(.*?)\n```", re.DOTALL)


def _args(story: str) -> tuple[date, date | None]:
    args = json.loads((SCENARIOS / story / "args.json").read_text(encoding="utf-8"))
    start = args["from"]
    return date.fromisoformat(args["as_of"]), None if start is None else date.fromisoformat(start)


def _render(dataset: Path, as_of: date, start: date | None) -> str:
    data = load_dataset(dataset)
    return preview_json(preview(data, as_of=as_of, start=start))


def _canonical(document: Any) -> str:  # noqa: ANN401 - any parsed JSON value
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _masked(document: dict[str, Any]) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(document))
    for exception in copy.get("exceptions", []):
        if isinstance(exception, dict) and "message" in exception:
            exception["message"] = MASK
    return copy


def _diff(expected: str, actual: str, label: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        actual.splitlines(keepends=True),
        fromfile=f"{label}/expected.json",
        tofile=f"{label} (autobill preview)",
    )
    return "".join(lines)


def _message_problems(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Check what the spec does say about messages: present as text, naming a milestone's task."""
    problems = []
    actual_messages = {
        (e.get("kind"), e.get("source")): e.get("message") for e in actual["exceptions"]
    }
    for exception in expected["exceptions"]:
        key = (exception["kind"], exception["source"])
        message = actual_messages.get(key)
        if not isinstance(message, str) or not message.strip():
            problems.append(f"{key}: message is not a non-empty string: {message!r}")
            continue
        named = NAMED_TASK.search(exception["message"])
        if (
            exception["kind"] == "milestone_without_date"
            and named is not None
            and named["taskid"] not in message
            and named["name"] not in message
        ):
            problems.append(f"{key}: message {message!r} does not name task {named['taskid']}")
    return problems


def _key_orders(value: Any) -> Any:  # noqa: ANN401 - any parsed JSON value
    if isinstance(value, dict):
        return [(key, _key_orders(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_key_orders(item) for item in value]
    return None


@pytest.mark.parametrize("story", STORIES)
def test_scenario_preview_matches_expected_json(story: str) -> None:
    """The preview of each story's dataset is exactly its hand-written expected.json."""
    # given
    as_of, start = _args(story)
    expected_text = (SCENARIOS / story / "expected.json").read_text(encoding="utf-8")
    expected = json.loads(expected_text)

    # when
    text = _render(SCENARIOS / story / "dataset.yaml", as_of, start)

    # then
    actual = json.loads(text)
    assert text == _canonical(actual), "preview_json is not json.dumps(indent=2) + newline"
    expected_masked, actual_masked = _canonical(_masked(expected)), _canonical(_masked(actual))
    if actual_masked != expected_masked:
        pytest.fail(_diff(expected_masked, actual_masked, story), pytrace=False)
    assert _message_problems(expected, actual) == []


def test_spec_example_upgrade_gives_the_json_in_preview_md(shared_dir: Path) -> None:
    """The upgrade example of preview.md, from 2026-11-16 to 2026-11-30, gives exactly its JSON."""
    # given
    blocks = JSON_BLOCK.findall((shared_dir / "spec" / "preview.md").read_text(encoding="utf-8"))
    assert len(blocks) == 1, "preview.md should hold exactly one ```json block"
    expected = json.loads(blocks[0])

    # when
    text = _render(
        shared_dir / "spec" / "examples" / "upgrade.yaml", date(2026, 11, 30), date(2026, 11, 16)
    )

    # then
    actual = json.loads(text)
    if actual != expected:
        pytest.fail(_diff(_canonical(expected), _canonical(actual), "preview.md"), pytrace=False)
    assert _key_orders(actual) == _key_orders(expected)


def _floats(value: Any, path: str) -> list[str]:  # noqa: ANN401 - any parsed YAML value
    if isinstance(value, float):
        return [path]
    if isinstance(value, dict):
        return [hit for key, item in value.items() for hit in _floats(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [hit for i, item in enumerate(value) for hit in _floats(item, f"{path}[{i}]")]
    return []


@pytest.mark.parametrize("story", STORIES)
def test_scenario_files_are_well_formed(story: str) -> None:
    """Each story has its three files, canonical expected JSON and a dataset free of YAML floats."""
    # given
    folder = SCENARIOS / story

    # when
    args = json.loads((folder / "args.json").read_text(encoding="utf-8"))
    expected_text = (folder / "expected.json").read_text(encoding="utf-8")
    dataset = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))

    # then
    assert list(args) == ["as_of", "from"]
    assert expected_text == _canonical(json.loads(expected_text))
    assert json.loads(expected_text)["as_of"] == args["as_of"]
    assert dataset["format"] == "autobill-dataset/1"
    assert _floats(dataset, "dataset") == []


def test_there_is_a_story_for_every_brief() -> None:
    """The eleven stories are all present, and at least three of them use --from."""
    # given
    wanted = {
        "subscription_in_advance_monthly", "subscription_in_arrears_quarterly",
        "cancellation_credit", "milestones", "usage_pricing", "time_and_materials",
        "not_to_exceed", "multi_currency", "tax_and_credit_balance", "project_on_contract",
        "revenue_allocation",
    }  # fmt: skip

    # when
    with_from = [s for s in STORIES if _args(s)[1] is not None]

    # then
    assert wanted <= set(STORIES)
    assert len(with_from) >= 3
