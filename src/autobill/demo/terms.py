"""Contract terms read from the records, in the words a contract document uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from autobill.demo.common import grouped, long_date
from autobill.demo.contracts import HISTORY_CONTRACTS
from autobill.demo.master import TERMS

if TYPE_CHECKING:
    from autobill.demo.common import Record, Store

_ADVERB: Final = {"per month": "monthly", "per quarter": "quarterly", "per year": "annually"}
PERIOD: Final = {"Monthly": "per month", "Quarterly": "per quarter", "Annually": "per year"}
SELLER: Final = {
    "USD": "Brightwater Analytics Inc.",
    "GBP": "Brightwater Analytics Ltd",
    "EUR": "Brightwater Analytics Ltd",
}


@dataclass
class Terms:
    """What a document states; a deliberate discrepancy overrides one of these before rendering."""

    currency: str
    start: str
    end: str
    payment: str
    po: str | None
    fees: list[str] = field(default_factory=list)
    usage: list[str] = field(default_factory=list)
    milestones: list[str] = field(default_factory=list)
    discount: str | None = None
    frequency: str = ""


def amount(currency: str, value: Decimal | str) -> str:
    """Write an amount as documents do: ``USD 3,000.00``."""
    return f"{currency} {grouped(value)}"


def payment_clause(termname: str) -> str:
    """The payment clause for an AR term."""
    days = TERMS[termname]
    if days == 0:
        return "Invoices are due on receipt."
    return f"Invoices are payable within {days} days of the invoice date."


def contract_terms(store: Store, cid: str, *, as_signed: bool = False) -> Terms:
    """The terms of a contract as its order form states them.

    ``as_signed`` gives the order form as first signed, before a later upgrade or cancellation
    changed its lines (those changes have documents of their own).
    """
    contract = store.by("CONTRACT", "CONTRACTID", cid)
    currency = contract["CURRENCY"]
    timing = "in arrears" if contract.get("BILLINARREARS") else "in advance"
    frequency = contract["BILLINGFREQUENCY"]
    terms = Terms(
        currency=currency,
        start=long_date(contract["BEGINDATE"]),
        end=long_date(contract["ENDDATE"]),
        payment=payment_clause(contract["TERMNAME"]),
        po=contract.get("PONUMBER"),
        frequency=f"Recurring fees are invoiced {frequency.lower()} {timing}.",
    )
    for line in store.where("CONTRACTDETAIL", CONTRACTID=cid):
        if as_signed and line.get("BEGINDATE", contract["BEGINDATE"]) > contract["BEGINDATE"]:
            continue
        signed = {k: v for k, v in line.items() if k != "ENDDATE"} if as_signed else line
        _describe_line(store, terms, contract, signed)
    return terms


def _describe_line(store: Store, terms: Terms, contract: Record, line: Record) -> None:
    item = store.by("ITEM", "ITEMID", line["ITEMID"])
    name, cur = item["NAME"], terms.currency
    if "DISCOUNTPERCENT" in line:
        terms.discount = line["DISCOUNTPERCENT"]
    when = _dates(contract, line)
    if line["BILLINGMETHOD"] == "Quantity based":
        terms.usage.append(_usage(name, cur, line, PERIOD[contract["BILLINGFREQUENCY"]]))
        return
    flat = line.get("FLATAMOUNT")
    if flat is None:
        quantity = Decimal(line.get("QUANTITY", "1"))
        price = Decimal(line.get("PRICE") or item["BASEPRICE"])
        flat = str(quantity * price)
        name = f"{name} ({quantity} at {amount(cur, price)} each)"
    if "BILLINGTEMPLATENAME" in line:
        terms.fees.append(
            f"{name}: fixed price of {amount(cur, flat)}, invoiced by milestone "
            "as set out in the milestone schedule"
        )
        _milestones(store, terms, line, Decimal(flat))
    elif line.get("BILLINGOPTIONS") == "One-time":
        terms.fees.append(
            f"{name}: one-time fee of {amount(cur, flat)}, "
            f"invoiced on {long_date(line['BEGINDATE'])}"
        )
    else:
        terms.fees.append(
            f"{name}: {amount(cur, flat)} {PERIOD[contract['BILLINGFREQUENCY']]}{when}"
        )


def _dates(contract: Record, line: Record) -> str:
    begin, end = line.get("BEGINDATE"), line.get("ENDDATE")
    if contract["CONTRACTID"] in HISTORY_CONTRACTS:
        begin = None  # the same fee ran through 2025: the order form states it for the term
    if begin and begin > contract["BEGINDATE"] and end:
        return f", from {long_date(begin)} to {long_date(end)}"
    if begin and begin > contract["BEGINDATE"]:
        return f", from {long_date(begin)}"
    if end:
        return f", until {long_date(end)}"
    return ""


def _usage(name: str, cur: str, line: Record, period: str) -> str:
    model = line.get("PRICINGMODEL", "Unit")
    parts = []
    if model == "Unit":
        parts.append(f"{cur} {line['PRICE']} per unit")
    elif model == "Package":
        parts.append(f"{amount(cur, line['PRICE'])} per pack of {grouped(line['PACKAGESIZE'], 0)}")
    else:
        basis = (
            "each band at its own price"
            if model == "Tiered graduated"
            else ("all units at the price of the band the total falls in")
        )
        bands, floor = [], None
        for tier in line["TIERS"]:
            upto = tier.get("UPTO")
            if floor is None:
                span = f"the first {grouped(upto, 0)} units"
            elif upto:
                span = f"{grouped(Decimal(floor) + 1, 0)} to {grouped(upto, 0)}"
            else:
                span = f"above {grouped(floor, 0)}"
            bands.append(f"{span} at {cur} {tier['PRICE']}")
            floor = upto
        parts.append(f"banded pricing ({basis}): " + "; ".join(bands))
    if "INCLUDEDUNITS" in line:
        parts.append(f"the first {grouped(line['INCLUDEDUNITS'], 0)} units {period} are included")
    if "MINIMUMAMOUNT" in line:
        parts.append(f"minimum commitment of {amount(cur, line['MINIMUMAMOUNT'])} {period}")
    return f"{name}: " + ", ".join(parts) + f"; usage is invoiced {_ADVERB[period]} in arrears."


def _milestones(store: Store, terms: Terms | ProjectTerms, line: Record, total: Decimal) -> None:
    template = store.by("CONTRACTBILLINGTEMPLATE", "NAME", line["BILLINGTEMPLATENAME"])
    for entry in template["ENTRIES"]:
        task = store.by("TASK", "TASKID", entry["TASKID"])
        share = total * Decimal(entry["PERCENT"]) / 100
        terms.milestones.append(
            f"{task['NAME']}: {entry['PERCENT']}% ({amount(terms.currency, share)})"
        )


@dataclass
class ProjectTerms:
    """What a statement of work states about a project."""

    currency: str
    start: str
    end: str
    payment: str
    po: str | None
    po_required: bool
    cap: str | None
    rates: list[str]
    expenses: str
    milestones: list[str] = field(default_factory=list)


def project_terms(store: Store, pid: str) -> ProjectTerms:
    """The terms of a project as its statement of work states them."""
    project = store.by("PROJECT", "PROJECTID", pid)
    cur = project["CURRENCY"]
    term = store.by("CUSTOMER", "CUSTOMERID", project["CUSTOMERID"])["TERMNAME"]
    if "CONTRACTID" in project:
        term = store.by("CONTRACT", "CONTRACTID", project["CONTRACTID"])["TERMNAME"]
    markup = project.get("EXPENSERATE")
    expenses = (
        f"Reasonable travel expenses are billed at cost plus {markup}%."
        if markup
        else "Reasonable travel expenses are billed at cost, without mark-up."
    )
    terms = ProjectTerms(
        currency=cur,
        start=long_date(project["BEGINDATE"]),
        end=long_date(project["ENDDATE"]),
        payment=payment_clause(term),
        po=project.get("PONUMBER"),
        po_required=False,
        cap=project.get("POAMOUNT"),
        rates=_rates(store, project),
        expenses=expenses,
    )
    for line in store.where("CONTRACTDETAIL", PROJECTID=pid):
        _milestones(store, terms, line, Decimal(line["FLATAMOUNT"]))
    return terms


def _rates(store: Store, project: Record) -> list[str]:
    cur = project["CURRENCY"]
    if project["BILLINGTYPE"] != "Time & Material":
        return []
    if project.get("BILLINGPRICING") == "Project rate":
        return [f"All consultants: {amount(cur, project['BILLINGRATE'])} per hour"]
    rows = []
    for resource in store.where("PROJECTRESOURCES", PROJECTID=project["PROJECTID"]):
        person = store.by("EMPLOYEE", "EMPLOYEEID", resource["EMPLOYEEID"])
        rows.append(
            f"{person['TITLE']} ({person['NAME']}): {amount(cur, resource['BILLINGRATE'])} per hour"
        )
    rows.extend(
        f"{task['NAME']}, whoever performs it: {amount(cur, task['BILLINGRATE'])} per hour"
        for task in store.where("TASK", PROJECTID=project["PROJECTID"])
        if "BILLINGRATE" in task
    )
    return rows
