"""Hypothesis strategies of readByQuery queries and records, for the indexed-read properties."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import strategies as st

if TYPE_CHECKING:
    from collections.abc import Sequence

# Values that quote, escape, compare by value (numbers, dates) or are empty in tricky ways.
VALUES = (
    *("P-1", "P-2", "p-1", " P-1", "O'Brien", "a\\b", ""),
    *("1", "01", "1.0", "01/02/2026", "01/02/2026 00:00:00"),
)
SHAPES = ("=", "!=", "<", ">=", "in", "NOT IN", "like", "is null")


def quoted(value: str) -> str:
    """Return a string literal as the grammar escapes it (backslash before quote and backslash)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _literal(draw: st.DrawFn) -> str:
    value = draw(st.sampled_from(VALUES))
    unquoted = value in {"1", "1.0"} and draw(st.booleans())
    return value if unquoted else quoted(value)


@st.composite
def conditions(draw: st.DrawFn, fields: Sequence[str]) -> str:
    """Return one condition of the grammar on one of ``fields``, its name in any case."""
    name = draw(st.sampled_from(fields))
    field = draw(st.sampled_from([name, name.lower(), name.capitalize()]))
    shape = draw(st.sampled_from(SHAPES))
    if shape in {"in", "NOT IN"}:
        items = [_literal(draw) for _ in range(draw(st.integers(1, 3)))]
        return f"{field} {shape} ({', '.join(items)})"
    if shape == "like":
        return f"{field} LIKE {quoted(draw(st.sampled_from(['P%', '%1', '_-1'])))}"
    if shape == "is null":
        return f"{field} IS {draw(st.sampled_from(['', 'NOT ']))}NULL"
    return f"{field} {shape} {_literal(draw)}"


@st.composite
def _chains(draw: st.DrawFn, children: st.SearchStrategy[str]) -> str:
    """Join two to four parts with AND or OR in any case, as the grammar reads them."""
    parts = [draw(children) for _ in range(draw(st.integers(2, 4)))]
    joins = [draw(st.sampled_from(["AND", "and", "OR", "or", "And"])) for _ in parts[1:]]
    return parts[0] + "".join(
        f" {join} {part}" for join, part in zip(joins, parts[1:], strict=True)
    )


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        _chains(children),
        children.map(lambda inner: f"NOT {inner}"),
        children.map(lambda inner: f"({inner})"),
    )


def queries(fields: Sequence[str]) -> st.SearchStrategy[str]:
    """Return queries over ``fields``: conjunctions, disjunctions, negations and groups."""
    # Lone conditions often, so that each comparison rule is met early.
    leaf = conditions(fields)
    return st.one_of(leaf, st.recursive(leaf, _combine, max_leaves=6))


def records_of(fields: Sequence[str]) -> st.SearchStrategy[dict[str, str]]:
    """Return records holding some of ``fields`` (a missing field differs from an empty one)."""
    return st.dictionaries(st.sampled_from(fields), st.sampled_from(VALUES), max_size=len(fields))
