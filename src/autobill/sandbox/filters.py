"""The ``query`` function's XML filters (§4.1): comparisons nested in ``and``/``or``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from autobill.sandbox.query import QueryInvalid, compare, like

if TYPE_CHECKING:
    from collections.abc import Collection
    from xml.etree.ElementTree import Element

    from autobill.sandbox.query import Predicate

_COMPARISONS: Final = {
    "equalto": "=",
    "notequalto": "!=",
    "lessthan": "<",
    "lessthanorequalto": "<=",
    "greaterthan": ">",
    "greaterthanorequalto": ">=",
}


def compile_filter(element: Element, fields: Collection[str], *, fold: bool) -> Predicate:
    """Return the predicate of one filter element; ``fold`` compares text case-insensitively."""
    tag = element.tag
    if tag in {"and", "or"}:
        parts = [compile_filter(child, fields, fold=fold) for child in element]
        if not parts:
            msg = f"<{tag}> needs conditions"
            raise QueryInvalid(msg)
        combine = all if tag == "and" else any
        return lambda r: combine(p(r) for p in parts)
    name = (element.findtext("field") or "").strip().upper()
    if name not in fields:
        msg = f"unknown field {name!r}"
        raise QueryInvalid(msg)
    values = [_folded(v.text or "", fold=fold) for v in element.findall("value")]
    return _leaf(tag, name, values, fold=fold)


def _folded(text: str, *, fold: bool) -> str:
    return text.strip().lower() if fold else text.strip()


def _leaf(tag: str, name: str, values: list[str], *, fold: bool) -> Predicate:
    def get(row: dict[str, str]) -> str:
        return _folded(row.get(name, ""), fold=fold)

    if tag in {"isnull", "isnotnull"}:
        return lambda r: (get(r) == "") == (tag == "isnull")
    if not values:
        msg = f"<{tag}> needs a value"
        raise QueryInvalid(msg)
    if tag in _COMPARISONS:
        operator, value = _COMPARISONS[tag], values[0]
        return lambda r: compare(get(r), operator, value)
    if tag in {"like", "notlike"}:
        return lambda r: like(get(r), values[0]) == (tag == "like")
    if tag in {"in", "notin"}:
        return lambda r: (get(r) in values) == (tag == "in")
    if tag == "between" and len(values) == 2:  # noqa: PLR2004 - between has two bounds
        low, high = values
        return lambda r: compare(get(r), ">=", low) and compare(get(r), "<=", high)
    msg = f"<{tag}> is not a filter"
    raise QueryInvalid(msg)
