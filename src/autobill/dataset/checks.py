"""The rules of ``dataset.md`` that span fields or records: dates, prices, tiers, currencies, paths.

Each check takes one converted record (only records whose fields all converted) and yields
(field, message) pairs. A check that depends on another record says nothing when that record is
missing or itself failed: its own problem is reported already, and a second one would mislead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Final

from autobill.dataset.problems import Problem

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from autobill.core.records import TemplateEntry, Tier
    from autobill.dataset.build import Row
    from autobill.dataset.references import Keys

    Check = Callable[["Context", dict[str, object]], Iterator[tuple[str, str]]]

DOCUMENT_SUFFIXES: Final = frozenset({".txt", ".md", ".pdf", ".docx"})
_UNKNOWN: Final = object()  # a value that depends on a record that is missing or failed


@dataclass(frozen=True, slots=True)
class Context:
    """What checks may consult: the base currency, every record by key, the dataset's folder."""

    basecurr: str | None
    keys: Keys
    base_dir: Path | None

    def get(self, target: str, key: object) -> dict[str, object] | None:
        """Return the values of ``target``'s record with ``key``; None if missing or failed."""
        row = self.keys.get(target, {}).get(key)
        return None if row is None or row.failed else row.values

    def contract_currency(self, contract_id: object) -> object:
        """Return a contract's currency: its own, else its customer's, else the base currency."""
        contract = self.get("CONTRACT", contract_id)
        if contract is None:
            return _UNKNOWN
        return contract.get("currency") or self.customer_currency(contract.get("customerid"))

    def customer_currency(self, customer_id: object) -> object:
        """Return a customer's currency, else the base currency."""
        customer = self.get("CUSTOMER", customer_id)
        if customer is None or self.basecurr is None:
            return _UNKNOWN
        return customer.get("currency") or self.basecurr

    def project_currency(self, project_id: object) -> object:
        """Return a project's currency: its own, else its contract's, else its customer's."""
        project = self.get("PROJECT", project_id)
        if project is None:
            return _UNKNOWN
        if project.get("currency"):
            return project["currency"]
        if project.get("contractid") is not None:
            return self.contract_currency(project["contractid"])
        return self.customer_currency(project.get("customerid"))


def _inverted(values: Mapping[str, object]) -> bool:
    begin, end = values.get("begindate"), values.get("enddate")
    return begin is not None and end is not None and end < begin  # type: ignore[operator]


def _contract(_ctx: Context, values: dict[str, object]) -> Iterator[tuple[str, str]]:
    if _inverted(values):
        yield "ENDDATE", f"{values['enddate']} is before BEGINDATE {values['begindate']}"


def _line(ctx: Context, values: dict[str, object]) -> Iterator[tuple[str, str]]:
    yield from _line_dates(ctx, values)
    yield from _line_price(ctx, values)
    yield from _tiers(values.get("tiers", ()))  # type: ignore[arg-type]


def _line_dates(ctx: Context, values: dict[str, object]) -> Iterator[tuple[str, str]]:
    contract = ctx.get("CONTRACT", values.get("contractid")) or {}
    begin = values.get("begindate") or contract.get("begindate")
    end = values.get("enddate") or contract.get("enddate")
    if not _inverted({"begindate": begin, "enddate": end}):
        return
    if _inverted(contract) and not ("begindate" in values and "enddate" in values):
        return  # the contract's own dates are wrong, and reported there
    own_end = "enddate" in values
    field = "ENDDATE" if own_end else "BEGINDATE"
    end_text = f"ENDDATE {end}" if own_end else f"the contract's ENDDATE {end}"
    begin_text = (
        f"BEGINDATE {begin}" if "begindate" in values else f"the contract's BEGINDATE {begin}"
    )
    yield field, f"{end_text} is before {begin_text}"


def _price(ctx: Context, values: dict[str, object]) -> object:
    if values.get("price") is not None:
        return values["price"]
    item = ctx.get("ITEM", values.get("itemid"))
    return _UNKNOWN if item is None else item.get("baseprice")


def _line_price(ctx: Context, values: dict[str, object]) -> Iterator[tuple[str, str]]:
    price = _price(ctx, values)
    if values.get("billingmethod") == "Fixed price":
        if values.get("flatamount") is None and price is None:
            yield "FLATAMOUNT", "a Fixed price line needs FLATAMOUNT, PRICE or an ITEM BASEPRICE"
        return
    model = values.get("pricingmodel", "Unit")
    if model in {"Unit", "Package"} and price is None:
        yield "PRICE", f"a {model} priced line needs PRICE or an ITEM BASEPRICE"
    if model == "Package" and values.get("packagesize") is None:
        yield "PACKAGESIZE", "a Package priced line needs PACKAGESIZE"
    if model in {"Tiered graduated", "Tiered volume"} and not values.get("tiers"):
        yield "TIERS", f"a {model} priced line needs TIERS"


def _tiers(tiers: tuple[Tier, ...]) -> Iterator[tuple[str, str]]:
    previous = None
    for position, tier in enumerate(tiers, 1):
        if tier.upto is None:
            if position < len(tiers):
                yield f"TIERS#{position}.UPTO", "only the last tier may leave out UPTO"
            continue
        if previous is not None and tier.upto <= previous:
            yield f"TIERS#{position}.UPTO", f"{tier.upto} is not above the previous UPTO {previous}"
        previous = tier.upto


def _template(_ctx: Context, values: dict[str, object]) -> Iterator[tuple[str, str]]:
    entries: tuple[TemplateEntry, ...] = values.get("entries", ())  # type: ignore[assignment]
    total = sum(entry.percent for entry in entries)
    if entries and total != 100:  # noqa: PLR2004
        yield "ENTRIES", f"the PERCENTs sum to {total}, not 100"


def _project(ctx: Context, values: dict[str, object]) -> Iterator[tuple[str, str]]:
    currency, contract_id = values.get("currency"), values.get("contractid")
    if currency is None or contract_id is None:
        return
    expected = ctx.contract_currency(contract_id)
    if expected is not _UNKNOWN and currency != expected:
        yield "CURRENCY", f"{currency} is not the currency of CONTRACT {contract_id}, {expected}"


def _expense(ctx: Context, values: dict[str, object]) -> Iterator[tuple[str, str]]:
    currency, project_id = values.get("currency"), values.get("projectid")
    if currency is None:
        return
    expected = ctx.project_currency(project_id)
    if expected is not _UNKNOWN and currency != expected:
        yield "CURRENCY", f"{currency} is not the currency of PROJECT {project_id}, {expected}"


def _document(ctx: Context, values: dict[str, object]) -> Iterator[tuple[str, str]]:
    path = values.get("path")
    if values.get("text") is None and path is None:
        yield "TEXT", "a DOCUMENT needs TEXT, or PATH to a file"
    if not isinstance(path, str):
        return
    problem = _path_problem(path)
    if problem is not None:
        yield "PATH", problem
        return
    if ctx.base_dir is not None:
        base = ctx.base_dir.resolve()
        resolved = (base / path).resolve()
        if not resolved.is_relative_to(base):
            yield "PATH", f'"{path}" leads outside the dataset\'s folder'
            return
        values["path"] = str(resolved)


def _path_problem(path: str) -> str | None:
    pure = PurePosixPath(path)
    if pure.is_absolute() or PureWindowsPath(path).anchor:
        return f'"{path}" is absolute; write it relative to the dataset file'
    depth = 0
    for part in pure.parts:
        depth += -1 if part == ".." else 1
        if depth < 0:
            return f'"{path}" leads outside the dataset\'s folder'
    if pure.suffix.lower() not in DOCUMENT_SUFFIXES:
        return f'"{path}" is not a .txt, .md, .pdf or .docx file'
    return None


CHECKS: Final[Mapping[str, Check]] = {
    "CONTRACT": _contract,
    "CONTRACTDETAIL": _line,
    "CONTRACTBILLINGTEMPLATE": _template,
    "PROJECT": _project,
    "EEXPENSESITEM": _expense,
    "DOCUMENT": _document,
}


def run_checks(rows: Mapping[str, list[Row]], ctx: Context) -> list[Problem]:
    """Run every cross-field check over the records that converted cleanly."""
    problems: list[Problem] = []
    for name, check in CHECKS.items():
        for row in rows.get(name, ()):
            if not row.failed:
                problems.extend(
                    Problem(name, row.id, field, message)
                    for field, message in check(ctx, row.values)
                )
    return problems
