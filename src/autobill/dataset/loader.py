"""Loading a dataset: file → raw data → rows → keys, references and checks → :class:`Dataset`.

Loading is all-or-nothing: every problem is collected, and if there is any the load raises one
:class:`DatasetError` listing them all; no partial dataset is ever returned.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

from autobill.core.dataset import FORMAT, Dataset
from autobill.core.records import Company
from autobill.dataset.build import Row, compile_table, convert_mapping, convert_object
from autobill.dataset.checks import Context, run_checks
from autobill.dataset.problems import DatasetError, Problem
from autobill.dataset.reading import read_file
from autobill.dataset.references import check_references, index_keys
from autobill.dataset.schema import COMPANY, OBJECTS
from autobill.dataset.values import show, wrong

_COMPANY_TABLE = compile_table(COMPANY.fields)
_ORDER = {
    name: rank for rank, name in enumerate(["dataset", "COMPANY", *(s.name for s in OBJECTS)])
}


def load_dataset(path: Path | str) -> Dataset:
    """Read a dataset file (YAML or JSON) and return it as a :class:`Dataset`.

    Raises:
        DatasetError: the file cannot be read or parsed, or the dataset breaks a rule of the format.
    """
    path = Path(path)
    raw, problems = read_file(path)
    return _parse(raw, path.parent, problems, str(path))


def parse_dataset(raw: object, *, base_dir: Path | None = None) -> Dataset:
    """Convert loaded YAML/JSON data into a :class:`Dataset`, checking every rule of the format.

    Raises:
        DatasetError: listing every problem found.
    """
    return _parse(raw, base_dir, [], None)


def _parse(
    raw: object, base_dir: Path | None, problems: list[Problem], source: str | None
) -> Dataset:
    try:
        dataset = _build(raw, base_dir, problems)
    except RecursionError:
        problems.append(
            Problem("dataset", None, None, "nested too deeply (a recursive YAML alias?)")
        )
        dataset = None
    if dataset is None or problems:
        problems.sort(key=lambda problem: _ORDER.get(problem.object, -1))
        raise DatasetError(problems, source)
    return dataset


def _build(raw: object, base_dir: Path | None, problems: list[Problem]) -> Dataset | None:
    if raw is None:
        problems.append(Problem("dataset", None, None, f"empty; write format: {FORMAT} first"))
        return None
    if type(raw) is not dict:
        problems.append(Problem("dataset", None, None, wrong(raw, "a mapping of objects")))
        return None
    _check_format(raw.get("format"), problems)
    company = _company(raw.get("COMPANY"), problems)
    rows: dict[str, list[Row]] = {}
    for spec in OBJECTS:
        converted, found = convert_object(spec, raw.get(spec.name))
        problems.extend(found)
        if converted is not None:
            rows[spec.name] = converted
    keys, found = index_keys(rows)
    problems.extend(found)
    problems.extend(check_references(rows, keys))
    basecurr = company.basecurr if company is not None else None
    problems.extend(run_checks(rows, Context(basecurr, keys, base_dir)))
    if problems or company is None:
        return None
    tables: dict[str, tuple[Any, ...]] = {
        spec.attr: tuple(_record(spec.build, row) for row in rows[spec.name]) for spec in OBJECTS
    }
    return Dataset(company=company, **tables)


def _check_format(value: object, problems: list[Problem]) -> None:
    if value is None:
        problems.append(Problem("dataset", None, "format", f"required: write format: {FORMAT}"))
    elif value != FORMAT:
        message = f"{show(value)} is not a known format; this loader reads {FORMAT}"
        problems.append(Problem("dataset", None, "format", message))


def _company(value: object, problems: list[Problem]) -> Company | None:
    if value is None:
        problems.append(Problem("COMPANY", None, None, "required: a mapping with BASECURR"))
        return None
    if type(value) is not dict:
        problems.append(Problem("COMPANY", None, None, wrong(value, "a mapping")))
        return None
    values, raw, errors = convert_mapping(_COMPANY_TABLE, value)
    problems.extend(Problem("COMPANY", None, path, message) for path, message in errors)
    if errors:
        return None
    return Company(**values, raw=MappingProxyType(raw))  # type: ignore[arg-type]


def _record(build: Any, row: Row) -> Any:  # noqa: ANN401 - a record class from the schema
    return build(**row.values, raw=MappingProxyType(row.raw))
