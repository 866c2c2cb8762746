"""The top-level conditions of a query that an index can answer (``exact_conditions``)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from query_strategies import queries, records_of

from autobill.sandbox.query import compile_query, exact_conditions

FIELDS = frozenset({"PROJECTID", "CONTRACTID", "LINENO", "NAME"})


@pytest.mark.parametrize(
    ("_case", "text", "expected"),
    [
        ("equality", "PROJECTID = 'P-3015'", [("PROJECTID", ("P-3015",))]),
        ("in list", "RECORDKEY in ('1','2')", [("RECORDKEY", ("1", "2"))]),
        ("unquoted numbers in a list", "RECORDKEY IN (1, 2)", [("RECORDKEY", ("1", "2"))]),
        ("field name case", "projectId = 'P-1'", [("PROJECTID", ("P-1",))]),
        ("keywords in any case", "a In ('x') anD b = 'y'", [("A", ("x",)), ("B", ("y",))]),
        ("escaped quote", "NAME = 'O\\'Brien'", [("NAME", ("O'Brien",))]),
        ("escaped backslash", "NAME = 'a\\\\b'", [("NAME", ("a\\b",))]),
        ("and with a number", "CONTRACTID = 'C-1' AND LINENO = '1'", [("CONTRACTID", ("C-1",))]),
        ("whole query in parentheses", "((A = 'x') AND (B = 'y'))", [("A", ("x",)), ("B", ("y",))]),
        ("group without or", "A = 'x' AND (B = 'y' AND C != 'z')", [("A", ("x",)), ("B", ("y",))]),
        ("newlines and tabs", "A\n=\t'x'\nAND B = 'y'", [("A", ("x",)), ("B", ("y",))]),
    ],
)
def test_conditions_an_index_can_answer(
    _case: str, text: str, expected: list[tuple[str, tuple[str, ...]]]
) -> None:
    """Equality on text and IN lists that every selected record must satisfy are named."""
    # when / then
    assert exact_conditions(text) == expected


@pytest.mark.parametrize(
    ("_case", "text"),
    [
        ("empty query", ""),
        ("top-level or", "PROJECTID = 'P-1' OR NAME = 'x'"),
        ("or in any case", "PROJECTID = 'P-1' oR NAME = 'x'"),
        ("or inside the wrapping group", "(PROJECTID = 'P-1' OR NAME = 'x')"),
        ("not prefix", "NOT PROJECTID = 'P-1'"),
        ("not around a group", "NOT (PROJECTID = 'P-1' AND NAME = 'x')"),
        ("not in", "PROJECTID NOT IN ('P-1')"),
        ("number compares by value", "LINENO = 1"),
        ("quoted number compares by value", "LINENO = '1'"),
        ("date compares by value", "NAME = '01/02/2026'"),
        ("empty value matches a missing field", "NAME = ''"),
        ("empty value in a list", "NAME in ('a', '')"),
        ("other operators", "NAME != 'a' AND NAME >= 'b' AND NAME LIKE 'c%' AND NAME IS NULL"),
        ("doubled quote is two strings", "NAME = 'O''Brien'"),
        ("doubled quote in a list", "NAME in ('O''Brien')"),
        ("unbalanced parentheses", "(NAME = 'a'"),
        ("unreadable text", "NAME = 'a"),
    ],
)
def test_conditions_an_index_cannot_answer(_case: str, text: str) -> None:
    """Anything not provably a top-level exact condition is left to the scan."""
    # when / then
    assert exact_conditions(text) == []


def test_a_doubled_quote_is_refused_by_the_compiler_too() -> None:
    """``'O''Brien'`` is not the grammar's escape, so the query never reaches a lookup."""
    # when / then
    with pytest.raises(ValueError, match="unexpected"):
        compile_query("NAME = 'O''Brien'", FIELDS)


QUERIES = queries(sorted(FIELDS))
RECORDS = st.lists(records_of(sorted(FIELDS)), max_size=8)


@settings(max_examples=400, deadline=None)
@given(text=QUERIES, records=RECORDS)
@example(text="NAME = '01/02/2026'", records=[{"NAME": "01/02/2026 00:00:00"}])
@example(text="LINENO = '1'", records=[{"LINENO": "01"}])
@example(text="NAME = 'x' OR LINENO = '1' AND PROJECTID = 'P-1'", records=[{"NAME": "x"}])
def test_every_selected_record_satisfies_each_named_condition(
    text: str, records: list[dict[str, str]]
) -> None:
    """A record the compiled query selects has one of the values of every named condition."""
    # given
    predicate = compile_query(text, FIELDS)
    # when
    named = exact_conditions(text)
    # then
    for record in filter(predicate, records):
        for field, values in named:
            assert record.get(field, "") in values, (text, record, field, values)
