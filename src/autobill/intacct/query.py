r"""The readByQuery query-string grammar: quoting, ``=``, ``in (...)``, ``AND``.

Intacct requires spaces around operators, compares strings case-sensitively, and wants single
quotes inside strings escaped with a backslash (``'Jane\\'s Deli'``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

IN_LIST_MAX = 1000  # one readByQuery page holds at most 1000 records


def quote(value: str) -> str:
    """Quote a string operand.

    Args:
        value: the raw value.

    Returns:
        The value in single quotes, with backslashes and single quotes escaped.
    """
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def eq(field: str, value: str) -> str:
    """Build ``FIELD = 'value'``.

    Args:
        field: the field name.
        value: the value, quoted and escaped here.

    Returns:
        The condition.
    """
    return f"{field} = {quote(value)}"


def in_list(field: str, values: Iterable[str]) -> str:
    """``FIELD in ('a','b')``.

    Args:
        field: the field name.
        values: the values (at least one).

    Returns:
        The condition.

    Raises:
        ValueError: when there are no values (``in ()`` is not valid).
    """
    quoted = [quote(v) for v in values]
    if not quoted:
        msg = "an in (...) filter needs at least one value"
        raise ValueError(msg)
    return f"{field} in ({','.join(quoted)})"


def and_(*conditions: str) -> str:
    """Join non-empty conditions with `` AND ``."""
    return " AND ".join(c for c in conditions if c)
