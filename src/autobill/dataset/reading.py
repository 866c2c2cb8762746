"""Reading a dataset file: YAML with a strict safe loader, or JSON that keeps floats visible."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import yaml

from autobill.dataset._yaml import StrictLoader
from autobill.dataset.problems import DatasetError, Problem
from autobill.dataset.values import JsonFloat

if TYPE_CHECKING:
    from pathlib import Path


def read_yaml(text: str, source: str) -> tuple[object, list[Problem]]:
    """Parse YAML text, returning the data and a problem for each repeated key."""
    loader = StrictLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        record = None if mark is None else f"line {mark.line + 1}"
        message = " ".join(part for part in (error.context, error.problem) if part)
        raise DatasetError(
            [Problem(source, record, None, f"not valid YAML: {message}")], source
        ) from None
    except RecursionError:
        raise DatasetError([Problem(source, None, None, "nested too deeply")], source) from None
    except yaml.YAMLError as error:
        raise DatasetError(
            [Problem(source, None, None, f"not valid YAML: {error}")], source
        ) from None
    finally:
        loader.dispose()
    problems = [
        Problem(source, f"line {line}", str(key), f"repeated key (first on line {first})")
        for line, key, first in loader.repeats
    ]
    return data, problems


def read_json(text: str, source: str) -> tuple[object, list[Problem]]:
    """Parse JSON text, marking floats and returning a problem for each repeated key."""
    repeats: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        mapping = dict(items)
        if len(mapping) < len(items):
            seen: set[str] = set()
            for key, _ in items:
                if key in seen:
                    repeats.append(key)
                seen.add(key)
        return mapping

    try:
        data = json.loads(
            text, parse_float=JsonFloat, parse_constant=JsonFloat, object_pairs_hook=pairs
        )
    except json.JSONDecodeError as error:
        problem = Problem(source, f"line {error.lineno}", None, f"not valid JSON: {error.msg}")
        raise DatasetError([problem], source) from None
    except RecursionError:
        raise DatasetError([Problem(source, None, None, "nested too deeply")], source) from None
    return data, [Problem(source, None, key, "repeated key") for key in repeats]


def read_file(path: Path) -> tuple[object, list[Problem]]:
    """Read a dataset file as YAML or JSON (by suffix, else by its first character)."""
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        reason = error.strerror or str(error)
        problem = Problem(source, None, None, f"cannot read the file: {reason}")
        raise DatasetError([problem], source) from None
    except UnicodeDecodeError as error:
        message = f"not UTF-8 text (byte {error.start})"
        raise DatasetError([Problem(source, None, None, message)], source) from None
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix not in {".yaml", ".yml"} and text.lstrip()[:1] in {"{", "["}):
        return read_json(text, source)
    return read_yaml(text, source)
