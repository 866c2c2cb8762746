"""Posted invoice history (ARINVOICE): 2025 billing, January 2026 manual invoices, a duplicate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from autobill.core.calendar import add_months, month_end
from autobill.demo.activity import MANUAL_JANUARY, entry_rate
from autobill.demo.common import money
from autobill.demo.contracts import HISTORY_CONTRACTS
from autobill.demo.project_catalog import PROJECTS

if TYPE_CHECKING:
    from autobill.demo.common import Record, Store

_MONTHS: Final = {"Monthly": 1, "Quarterly": 3, "Annually": 12}
# (contract, line, ITEMID, amount, date): billed in December 2025 and again by a 2026 line (D7).
DUPLICATE: Final = ("CN-2019", 2, "SETUP", "7500.00", date(2025, 12, 18))
_USAGE_RANGE: Final = {"STORAGE": (0, 550), "API": (2400, 6900)}


def build_history(store: Store) -> None:
    """Add the posted history, numbered in date order from 7001."""
    drafts: list[Record] = []
    for cid in HISTORY_CONTRACTS:
        drafts.extend(_contract_2025(store, cid))
    drafts.append(_duplicate(store))
    for spec in PROJECTS:
        if spec.since_2025 is not None:
            drafts.extend(_project_2025(store, spec.pid, spec.since_2025))
    drafts.extend(_manual_january(store, pid) for pid in MANUAL_JANUARY)
    drafts.sort(
        key=lambda d: (
            d["WHENCREATED"],
            d["CUSTOMERID"],
            d.get("CONTRACTID", ""),
            d.get("PROJECTID", ""),
        )
    )
    for number, draft in enumerate(drafts, start=7001):
        state = "Paid" if draft["WHENCREATED"] < date(2025, 11, 1) else "Posted"
        store.add("ARINVOICE", {"RECORDNO": number, **draft, "STATE": state})


def _head(customer: str, on: date, currency: str, **ids: str) -> dict[str, Any]:
    return {
        "CUSTOMERID": customer,
        "WHENCREATED": on,
        "CURRENCY": currency,
        **ids,
        "ARINVOICEITEMS": [],
    }


def _item_line(store: Store, contract: Record, line: Record, amount: str, text: str) -> Record:
    """One invoice line coded as billing codes a contract line."""
    item = store.by("ITEM", "ITEMID", line["ITEMID"])
    return {
        "ITEMID": item["ITEMID"],
        "ACCOUNTNO": item["GLACCOUNT"],
        "AMOUNT": amount,
        "ENTRYDESCRIPTION": text,
        "DEPARTMENTID": line.get("DEPARTMENTID", contract["DEPARTMENTID"]),
        "LOCATIONID": contract["LOCATIONID"],
        "CLASSID": contract["CLASSID"],
    }


def _contract_2025(store: Store, cid: str) -> list[Record]:
    """The 2025 invoices of a contract begun in 2025: its lines at the same prices, per period."""
    contract = store.by("CONTRACT", "CONTRACTID", cid)
    step = _MONTHS[contract["BILLINGFREQUENCY"]]
    lines = store.where("CONTRACTDETAIL", CONTRACTID=cid)
    drafts: dict[date, dict[str, Any]] = {}
    start = contract["BEGINDATE"]
    for k in range(12 // step):
        first = add_months(start, k * step)
        last = month_end(add_months(first, step - 1))
        for line in lines:
            on, amount = _period_amount(store, line, first, last)
            label = f"{store.by('ITEM', 'ITEMID', line['ITEMID'])['NAME']}, "
            label += f"{first:%b %Y}" if step == 1 else f"{first:%b %Y} to {last:%b %Y}"
            draft = drafts.setdefault(
                on, _head(contract["CUSTOMERID"], on, contract["CURRENCY"], CONTRACTID=cid)
            )
            draft["ARINVOICEITEMS"].append(_item_line(store, contract, line, amount, label))
    return [_numbered(d) for _, d in sorted(drafts.items())]


def _period_amount(store: Store, line: Record, first: date, last: date) -> tuple[date, str]:
    """A fixed line bills its flat amount in advance; a usage line a varying amount in arrears."""
    if line["BILLINGMETHOD"] == "Fixed price":
        return first, line["FLATAMOUNT"]
    low, high = _USAGE_RANGE[line["ITEMID"]]
    return last, money(Decimal(store.rng.randint(low * 100, high * 100)) / 100)


def _numbered(draft: dict[str, Any]) -> dict[str, Any]:
    for number, line in enumerate(draft["ARINVOICEITEMS"], start=1):
        line["LINE_NO"] = number
    draft["ARINVOICEITEMS"] = [
        {"LINE_NO": ln.pop("LINE_NO"), **ln} for ln in draft["ARINVOICEITEMS"]
    ]
    return draft


def _duplicate(store: Store) -> Record:
    """The onboarding fee invoiced on signature in December 2025 (the 2026 line bills it again)."""
    cid, lineno, _, amount, on = DUPLICATE
    contract = store.by("CONTRACT", "CONTRACTID", cid)
    line = store.where("CONTRACTDETAIL", CONTRACTID=cid, LINENO=lineno)[0]
    draft = _head(contract["CUSTOMERID"], on, contract["CURRENCY"], CONTRACTID=cid)
    draft["ARINVOICEITEMS"].append(
        _item_line(store, contract, line, amount, "Implementation and onboarding fee")
    )
    return _numbered(draft)


def _project_line(project: Record, item: str, account: str, amount: str, text: str) -> Record:
    return {
        "ITEMID": item,
        "ACCOUNTNO": account,
        "AMOUNT": amount,
        "ENTRYDESCRIPTION": text,
        "DEPARTMENTID": project["DEPARTMENTID"],
        "LOCATIONID": project["LOCATIONID"],
        "PROJECTID": project["PROJECTID"],
    }


def _project_2025(store: Store, pid: str, since: date) -> list[Record]:
    """Monthly time invoices of a project begun in 2025, one line per person."""
    project = store.by("PROJECT", "PROJECTID", pid)
    resources = store.where("PROJECTRESOURCES", PROJECTID=pid)
    drafts = []
    month = since
    while month.year == 2025:  # noqa: PLR2004 - the history year
        on = month_end(month)
        draft = _head(project["CUSTOMERID"], on, project["CURRENCY"], PROJECTID=pid)
        for resource in resources:
            hours = Decimal(store.rng.randint(40, 150)) / 2
            name = store.by("EMPLOYEE", "EMPLOYEEID", resource["EMPLOYEEID"])["NAME"]
            rate = Decimal(resource["BILLINGRATE"])
            text = f"Consulting services {month:%B %Y}: {name}, {hours} h @ {rate}"
            draft["ARINVOICEITEMS"].append(
                _project_line(project, "CONSULT", "4100", money(hours * rate), text)
            )
        drafts.append(_numbered(draft))
        month = add_months(month, 1)
    return drafts


def _manual_january(store: Store, pid: str) -> Record:
    """January 2026 invoiced by hand: one line per entry, described for a reconciler to match."""
    project = store.by("PROJECT", "PROJECTID", pid)
    draft = _head(project["CUSTOMERID"], date(2026, 1, 31), project["CURRENCY"], PROJECTID=pid)
    factor = 1 + Decimal(project.get("EXPENSERATE", "0")) / 100
    for entry in store.where("TIMESHEETENTRY", PROJECTID=pid):
        if entry["BILLED"] and entry["ENTRYDATE"].month == 1:
            task = store.by("TASK", "TASKID", entry["TASKID"])
            name = store.by("EMPLOYEE", "EMPLOYEEID", entry["EMPLOYEEID"])["NAME"]
            rate = entry_rate(store, entry)
            text = f"{entry['ENTRYDATE']} {name}, {entry['QTY']} h @ {rate}: {task['NAME']}"
            amount = money(Decimal(entry["QTY"]) * rate)
            item = store.by("ITEM", "ITEMID", task["ITEMID"])
            draft["ARINVOICEITEMS"].append(
                _project_line(project, item["ITEMID"], item["GLACCOUNT"], amount, text)
            )
    for expense in store.where("EEXPENSESITEM", PROJECTID=pid):
        if expense["BILLED"] and expense["ENTRYDATE"].month == 1:
            name = store.by("EMPLOYEE", "EMPLOYEEID", expense["EMPLOYEEID"])["NAME"]
            text = f"{expense['ENTRYDATE']} {name}, {expense['EXPENSETYPE']} expense"
            amount = money(Decimal(expense["TRX_AMOUNT"]) * factor)
            draft["ARINVOICEITEMS"].append(
                _project_line(project, expense["ITEMID"], "4200", amount, text)
            )
    return _numbered(draft)
