"""The readByQuery grammar (§4.2, §9.12) as a predicate over records."""

from __future__ import annotations

import pytest

from autobill.sandbox.query import QueryInvalid, compile_query

FIELDS = frozenset({"NAME", "RECORDNO", "STATUS", "WHENCREATED", "CITY"})
ROWS = [
    {"RECORDNO": "1", "NAME": "Jane's Deli", "STATUS": "active", "WHENCREATED": "01/15/2026"},
    {"RECORDNO": "2", "NAME": "Acme", "STATUS": "inactive", "WHENCREATED": "12/01/2025"},
    {"RECORDNO": "10", "NAME": "acme west", "STATUS": "active", "WHENCREATED": "",
     "CITY": "Albany"},
]


def matching(text: str) -> list[str]:
    """Return the RECORDNOs the query selects."""
    predicate = compile_query(text, FIELDS)
    return [row["RECORDNO"] for row in ROWS if predicate(row)]


@pytest.mark.parametrize(("_case", "text", "expected"), [
    ("empty query selects all", "", ["1", "2", "10"]),
    ("numbers compare as numbers", "RECORDNO < 3", ["1", "2"]),
    ("dates compare as dates", "WHENCREATED >= '01/01/2026'", ["1"]),
    ("strings are case-sensitive", "NAME = 'acme west'", ["10"]),
    ("escaped quote", "NAME = 'Jane\\'s Deli'", ["1"]),
    ("like with wildcards", "NAME LIKE 'A%'", ["2"]),
    ("not like", "NAME NOT LIKE '%cme%'", ["1"]),
    ("in list", "RECORDNO IN (1, 10)", ["1", "10"]),
    ("not in list", "STATUS NOT IN ('active')", ["2"]),
    ("is null", "CITY IS NULL", ["1", "2"]),
    ("is not null", "CITY IS NOT NULL", ["10"]),
    ("and binds tighter than or", "STATUS = 'inactive' OR STATUS = 'active' AND RECORDNO > 5",
     ["2", "10"]),
    ("parentheses", "(STATUS = 'inactive' OR STATUS = 'active') AND RECORDNO > 5", ["10"]),
    ("not prefix", "NOT STATUS = 'active'", ["2"]),
    ("keywords in any case", "status = 'active' and recordno <> 1", ["10"]),
])
def test_query_selects(_case: str, text: str, expected: list[str]) -> None:
    """Each operator of the grammar selects the records it names."""
    # when / then
    assert matching(text) == expected


@pytest.mark.parametrize(("_case", "text"), [
    ("operator without spaces", "RECORDNO<2"),
    ("operator glued to value", "RECORDNO <2"),
    ("unknown field", "VENDORID = 'x'"),
    ("joined field", "CUSTOMER.NAME = 'x'"),
    ("unquoted string", "NAME = Acme"),
    ("unclosed parenthesis", "(NAME = 'Acme'"),
    ("dangling and", "NAME = 'Acme' AND"),
])
def test_invalid_queries_are_refused(_case: str, text: str) -> None:
    """Queries that break the grammar raise QueryInvalid."""
    # when / then
    with pytest.raises(QueryInvalid):
        compile_query(text, FIELDS)
