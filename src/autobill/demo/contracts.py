"""Contracts of the demo company: subscriptions, usage, milestones, one-time fees, bundles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from autobill.core.calendar import add_months, month_end
from autobill.demo.contract_catalog import QTY, TEMPLATE, D, catalog

if TYPE_CHECKING:
    from datetime import date

    from autobill.demo.common import Record, Store

_CLASS_OF: Final = {"Enterprise": "ENT", "Mid-market": "MID", "Small business": "SMB"}


@dataclass(frozen=True)
class Usage:
    """How much a usage line consumes a month: a range, with months of low or no use."""

    low: int
    high: int
    decimals: bool = False
    quiet: tuple[int, ...] = ()
    idle: tuple[int, ...] = ()


USAGE: Final[dict[tuple[str, int], Usage]] = {
    ("CN-2002", 2): Usage(1700, 4200, decimals=True),
    ("CN-2009", 2): Usage(1200, 3100, decimals=True),
    ("CN-2010", 1): Usage(380_000, 920_000, quiet=(2, 8)),
    ("CN-2011", 2): Usage(40_000, 140_000),
    ("CN-2012", 2): Usage(2_300, 9_000, idle=(7,)),
    ("CN-2026", 2): Usage(60_000, 240_000),
    ("CN-2034", 1): Usage(140_000, 260_000),
    ("CN-2043", 2): Usage(90_000, 300_000),
}

# Contracts that began in 2025: their 2025 lines are closed and live on in the ARINVOICE history.
HISTORY_CONTRACTS: Final = ("CN-2001", "CN-2002", "CN-2003", "CN-2010", "CN-2032", "CN-2041")


def build_contracts(store: Store) -> None:
    """Add every contract with its lines and the usage of its quantity based lines."""
    for spec in catalog():
        head, lines = spec
        _contract(store, head)
        for number, line in enumerate(lines, start=1):
            _line(store, head["cid"], number, line)
    for (cid, lineno), usage in USAGE.items():
        _usage(store, cid, lineno, usage)


def _contract(store: Store, head: dict[str, Any]) -> None:
    cust = store.by("CUSTOMER", "CUSTOMERID", f"C-{head['customer']}")
    store.add(
        "CONTRACT",
        {
            "CONTRACTID": head["cid"],
            "CUSTOMERID": cust["CUSTOMERID"],
            "NAME": head["name"],
            "BEGINDATE": head["begin"],
            "ENDDATE": head["end"],
            "STATE": head.get("state", "In progress"),
            "TERMNAME": cust["TERMNAME"],
            "CURRENCY": cust["CURRENCY"],
            "BILLINGFREQUENCY": head["frequency"],
            "BILLINARREARS": head.get("arrears"),
            "PONUMBER": _po(store, head["cid"]),
            "LOCATIONID": cust["LOCATIONID"],
            "DEPARTMENTID": head.get("dept", "SAAS"),
            "CLASSID": _CLASS_OF[cust["CUSTTYPE"]],
        },
    )


def _po(store: Store, cid: str) -> str | None:
    """Every third contract carries the customer's purchase order number."""
    number = int(cid[3:])
    return f"PO-{store.rng.randint(40000, 89999)}" if number % 3 == 0 else None


def _line(store: Store, cid: str, lineno: int, o: dict[str, Any]) -> None:
    tiers, method = o.get("tiers"), o["method"]
    store.add(
        "CONTRACTDETAIL",
        {
            "CONTRACTID": cid,
            "LINENO": lineno,
            "ITEMID": o["item"],
            "BILLINGMETHOD": method,
            "BILLINGOPTIONS": o.get("options") or (TEMPLATE if o.get("template") else None),
            "BEGINDATE": o.get("begin"),
            "ENDDATE": o.get("end"),
            "FLATAMOUNT": o.get("flat"),
            "QUANTITY": o.get("quantity"),
            "PRICE": o.get("price"),
            "DISCOUNTPERCENT": o.get("discount"),
            "BILLINGTEMPLATENAME": o.get("template"),
            "REVENUETEMPLATENAME": o.get("revenue"),
            "FAIRVALUE": o.get("fv"),
            "PRICINGMODEL": o.get("model", "Unit") if method == QTY else None,
            "TIERS": [{"UPTO": u, "PRICE": p} if u else {"PRICE": p} for u, p in tiers]
            if tiers
            else None,
            "PACKAGESIZE": o.get("package"),
            "INCLUDEDUNITS": o.get("included"),
            "MINIMUMAMOUNT": o.get("minimum"),
            "PROJECTID": o.get("project"),
            "DEPARTMENTID": o.get("dept"),
        },
    )


def _usage(store: Store, cid: str, lineno: int, usage: Usage) -> None:
    """Usage records, a few a month, over the line's active months up to December 2026."""
    rng = store.rng
    contract = store.by("CONTRACT", "CONTRACTID", cid)
    line = store.where("CONTRACTDETAIL", CONTRACTID=cid, LINENO=lineno)[0]
    first: date = line.get("BEGINDATE") or contract["BEGINDATE"]
    month = first.replace(day=1)
    while month <= D(2026, 12, 1):
        if month.month not in usage.idle:
            total = rng.randint(usage.low, usage.high)
            if month.month in usage.quiet:
                total //= 15
            _split(store, (cid, lineno), (max(month, first), month_end(month)), total, usage)
        month = add_months(month, 1)


def _split(
    store: Store, line: tuple[str, int], span: tuple[date, date], total: int, usage: Usage
) -> None:
    """Spread one month's total over a few dated usage records."""
    rng = store.rng
    (cid, lineno), (first, last) = line, span
    parts = rng.randint(2, 5)
    days = sorted(rng.sample(range(first.day, last.day + 1), min(parts, last.day - first.day + 1)))
    remaining = total
    for index, day in enumerate(days):
        share = remaining if index == len(days) - 1 else rng.randint(0, remaining // 2)
        remaining -= share
        quantity = f"{share}.{rng.randint(0, 99):02d}" if usage.decimals else str(share)
        record: Record = {
            "CONTRACTID": cid,
            "LINENO": lineno,
            "USAGEDATE": first.replace(day=day),
            "QUANTITY": quantity,
        }
        store.add("CONTRACTUSAGE", record)
