r"""The readByQuery query language (§4.2): SQL-like conditions, operators spaced, no joins.

``compile_query(text, fields)`` parses a query into a predicate over a record's fields, or raises
``QueryInvalid``. Operators need spaces around them; strings are single-quoted, case-sensitive,
with ``\\'`` for a quote; ``AND``/``OR``/``NOT``/``IN``/``LIKE``/``IS NULL`` are case-insensitive.
``exact_conditions(text)`` names the top-level conditions that select a field by exact text, so
that a read can fetch its candidates through an index before applying the predicate.
"""

from __future__ import annotations

import operator as op
import re
from collections.abc import Callable
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from autobill.sandbox.formats import parse_moment, parse_number

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

Predicate: TypeAlias = Callable[[dict[str, str]], bool]
_TOKEN: Final = re.compile(r"\s*(?:('(?:[^'\\]|\\.)*')|([(),])|([^\s(),']+))")
# Both sides are of one type (moments, decimals or text), which these operators order.
_COMPARE: Final[Mapping[str, Callable[[Any, Any], bool]]] = MappingProxyType(
    {"=": op.eq, "!=": op.ne, "<>": op.ne, "<": op.lt, ">": op.gt, "<=": op.le, ">=": op.ge}
)
_DEPTH: Final = {"(": 1, ")": -1}
_EQUALS: Final = 3  # tokens of FIELD = value


class QueryInvalid(ValueError):
    """The query text does not follow the grammar, or names a field the object lacks."""


def compile_query(text: str, fields: Collection[str]) -> Predicate:
    """Return the predicate of a readByQuery query; an empty query matches every record."""
    tokens = _tokens(text)
    if not tokens:
        return lambda _: True
    parser = _Parser(tokens, fields)
    predicate = parser.expression()
    if parser.position != len(tokens):
        msg = f"unexpected {tokens[parser.position]!r}"
        raise QueryInvalid(msg)
    return predicate


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            msg = f"cannot read the query at {text[position:]!r}"
            raise QueryInvalid(msg)
        tokens.append(match.group(1) or match.group(2) or match.group(3))
        position = match.end()
    return tokens


def exact_conditions(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Return the top-level conjuncts of a query that select a field by exact text.

    Each is ``(FIELD, values)``: a record the query selects has one of the values, so looking
    them up narrows the records to test. ``FIELD IN (...)`` compares text; ``FIELD = 'v'`` only
    when ``v`` is neither a number nor a date (those compare by value). An empty value (which a
    record lacking the field matches) and anything under OR or NOT are left out.
    """
    try:
        tokens = _tokens(text)
    except QueryInvalid:
        return []
    found = (_exact(part) for part in _conjuncts(tokens))
    return [condition for condition in found if condition is not None]


def _conjuncts(tokens: list[str]) -> list[list[str]]:
    """Split tokens at the AND outside parentheses, opening groups; none at an OR outside."""
    parts: list[list[str]] = [[]]
    depth = 0
    for token in tokens:
        depth += _DEPTH.get(token, 0)
        keyword = token.upper() if depth == 0 else ""
        if depth < 0 or keyword == "OR":
            return []
        if keyword == "AND":
            parts.append([])
        else:
            parts[-1].append(token)
    if depth != 0:
        return []
    return [inner for part in parts for inner in _ungrouped(part)]


def _ungrouped(part: list[str]) -> list[list[str]]:
    """Return the conjuncts of ``( ... )`` wrapping a whole part, else the part itself."""
    depth = 0
    for position, token in enumerate(part):
        depth += _DEPTH.get(token, 0)
        if depth == 0:
            return _conjuncts(part[1:-1]) if position == len(part) - 1 > 0 else [part]
    return [part]


def _exact(part: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """Return ``(FIELD, values)`` of ``FIELD = 'text'`` or ``FIELD IN (...)``, else None."""
    field = part[0].upper() if part else ""
    values: tuple[str, ...] = ()
    if len(part) == _EQUALS and part[1] == "=" and _is_literal(part[2]):
        value = _literal(part[2])
        if parse_moment(value) is None and parse_number(value) is None:
            values = (value,)
    elif len(part) > _EQUALS and part[1].upper() == "IN" and part[2] == "(" and part[-1] == ")":
        items = part[3:-1]
        if all(c == "," for c in items[1::2]) and all(_is_literal(v) for v in items[::2]):
            values = tuple(_literal(v) for v in items[::2]) if len(items) % 2 else ()
    return (field, values) if values and "" not in values else None


def _is_literal(token: str) -> bool:
    return token.startswith("'") or parse_number(token) is not None


def _literal(token: str) -> str:
    """Return the value a literal token stands for: a quoted string unescaped, or a number."""
    return re.sub(r"\\(.)", r"\1", token[1:-1]) if token.startswith("'") else token


def compare(left: str, operator: str, right: str) -> bool:
    """Compare two field values as dates, numbers or (case-sensitive) text, in that order."""
    pair: tuple[object, object] = (left, right)
    # Intacct dates and timestamps carry no time zone (§5), so naive moments compare correctly.
    dates = (parse_moment(left), parse_moment(right))
    numbers = (parse_number(left), parse_number(right))
    if None not in dates:
        pair = dates
    elif None not in numbers:
        pair = numbers
    a, b = pair
    return _COMPARE[operator](a, b)


def like(value: str, pattern: str) -> bool:
    """Return whether ``value`` matches a SQL LIKE pattern (``%`` and ``_``), case-sensitively."""
    parts = (".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch("".join(parts), value, re.DOTALL) is not None


class _Parser:
    """A recursive-descent parser over the query's tokens."""

    def __init__(self, tokens: list[str], fields: Collection[str]) -> None:
        self.tokens = tokens
        self.position = 0
        self.fields = fields

    def peek(self) -> str:
        return self.tokens[self.position] if self.position < len(self.tokens) else ""

    def take(self) -> str:
        token = self.peek()
        if not token:
            msg = "the query ends too early"
            raise QueryInvalid(msg)
        self.position += 1
        return token

    def keyword(self, word: str) -> bool:
        if self.peek().upper() == word:
            self.position += 1
            return True
        return False

    def expression(self) -> Predicate:
        parts = [self.term()]
        while self.keyword("OR"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else (lambda r: any(p(r) for p in parts))

    def term(self) -> Predicate:
        parts = [self.factor()]
        while self.keyword("AND"):
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def factor(self) -> Predicate:
        if self.keyword("NOT"):
            inner = self.factor()
            return lambda r: not inner(r)
        if self.peek() == "(":
            self.take()
            inner = self.expression()
            if self.take() != ")":
                msg = "a parenthesis is not closed"
                raise QueryInvalid(msg)
            return inner
        return self.condition()

    def condition(self) -> Predicate:
        name = self.field()
        if self.keyword("IS"):
            negate = self.keyword("NOT")
            if not self.keyword("NULL"):
                msg = "IS must be followed by NULL or NOT NULL"
                raise QueryInvalid(msg)
            return lambda r: (r.get(name, "") == "") != negate
        negate = self.keyword("NOT")
        if self.keyword("IN"):
            values = self.values()
            return lambda r: (r.get(name, "") in values) != negate
        if self.keyword("LIKE"):
            pattern = self.value()
            return lambda r: like(r.get(name, ""), pattern) != negate
        operator = self.take()
        if negate or operator not in _COMPARE:
            msg = f"{operator!r} is not an operator (operators need spaces around them)"
            raise QueryInvalid(msg)
        right = self.value()
        return lambda r: compare(r.get(name, ""), operator, right)

    def field(self) -> str:
        name = self.take()
        if name.upper() not in self.fields:
            msg = f"unknown field {name!r}"
            raise QueryInvalid(msg)
        return name.upper()

    def value(self) -> str:
        token = self.take()
        if not _is_literal(token):
            msg = f"{token!r} is not a value (quote strings)"
            raise QueryInvalid(msg)
        return _literal(token)

    def values(self) -> tuple[str, ...]:
        if self.take() != "(":
            msg = "IN needs a parenthesised list"
            raise QueryInvalid(msg)
        found = [self.value()]
        while self.peek() == ",":
            self.take()
            found.append(self.value())
        if self.take() != ")":
            msg = "the IN list is not closed"
            raise QueryInvalid(msg)
        return tuple(found)
