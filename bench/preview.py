"""Preview benchmark: a synthetic company of N contracts of every billing model, over 12 months.

Run ``.venv/bin/python bench/preview.py [--contracts N] [--months 12] [--seed S]``.

The company is generated deterministically (``random.Random(seed)``) as a raw dataset in the
``autobill-dataset/1`` format and loaded through ``parse_dataset``; ``preview`` then runs up to
``as_of`` = start + months - 1 day and ``preview_json`` renders the result. Load, compute and
render are timed apart with ``time.perf_counter``; ``wall_s`` is compute plus render. The
baseline is a run of N/10 contracts in the same process, and ``ratio_vs_baseline`` =
wall_s / (baseline_wall_s x 10) is about 1.0 when the engine scales linearly. Progress goes to
stderr, figures to stdout; the last line of stdout is one JSON object for tools.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from rich.console import Console

from autobill.core.billing import preview
from autobill.core.calendar import ONE_DAY, add_months
from autobill.core.report import preview_json
from autobill.dataset import parse_dataset

Raw = dict[str, Any]
START = date(2026, 1, 1)
CURRENCIES = ("USD",) * 16 + ("EUR", "EUR", "GBP", "JPY")  # about 80% in the base currency
RATES = {"EUR": Decimal("1.085"), "GBP": Decimal("1.27"), "JPY": Decimal("0.00668")}
TAX_DETAILS = {"NY-STATE": "4", "NYC-LOCAL": "4.875", "CA-STATE": "7.25", "CA-LA": "2.25"}
TAX_MAPS = {"NY": ["NY-STATE", "NYC-LOCAL"], "CA": ["CA-STATE", "CA-LA"]}
# items: id, revenue template, GL account, taxable
ITEMS = [
    ("SUB", "Daily rate", "4000", True), ("SUPPORT", "Straight line", "4300", False),
    ("SETUP", "On invoice", "4100", False), ("IMPL", "On completion", "4100", False),
    ("USAGE", "On invoice", "4050", True), ("CONSULT", None, "4100", False),
    ("TRAVEL", None, "4200", False),
]  # fmt: skip
# contract-line models and their weights; an upgrade makes two lines
MODELS = {
    "recurring": 24, "annual": 6, "upgrade": 8, "cancel": 6, "one_time": 10, "milestone": 6,
    "Unit": 10, "Tiered graduated": 8, "Tiered volume": 6, "Package": 6,
}  # fmt: skip
TIERS = [{"UPTO": "1000", "PRICE": "0.10"}, {"UPTO": "5000", "PRICE": "0.08"}, {"PRICE": "0.05"}]
OVER_MAX = ["Prevent billing", "Bill and flag"]
EMPLOYEES = 40


def money(rng: random.Random, low: int, high: int, currency: str) -> str:
    """A random amount from ``low`` to ``high`` units, written as the dataset writes money."""
    if currency == "JPY":
        return str(rng.randint(low, high) * 150)
    cents = rng.randint(low * 100, high * 100)
    return f"{cents // 100}.{cents % 100:02d}"


# fmt: off
# The generator keeps a few fields a line, as the dataset examples do; the formatter would put
# every field of every record on a line of its own.
class Company:
    """Builds the raw dataset of a synthetic company, one contract at a time."""

    def __init__(self, contracts: int, months: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.months = months
        self.recordno = 0
        self.serial = itertools.count(1)  # tells apart two milestone lines of a contract
        self.raw: Raw = {"format": "autobill-dataset/1",
                         "COMPANY": {"COMPANYID": "BENCH", "NAME": "Bench Co", "BASECURR": "USD"}}
        self._books()
        self._parties(max(1, contracts // 2))
        for number in range(contracts):
            self._contract(number)

    def add(self, obj: str, **fields: object) -> None:
        """Append a record to its object's list, leaving out the fields that are None."""
        record = {key: value for key, value in fields.items() if value is not None}
        self.raw.setdefault(obj, []).append(record)

    def day_in(self, month: int, begin: date) -> date:
        """A random day (1-28) of the ``month``-th calendar month from ``begin``'s."""
        return add_months(begin.replace(day=1), month).replace(day=self.rng.randint(1, 28))

    def _books(self) -> None:
        for account in ("4000", "4050", "4100", "4200", "4300", "2200"):
            self.add("GLACCOUNT", ACCOUNTNO=account, TITLE=f"Account {account}")
        for days in (15, 30, 45):
            self.add("ARTERM", NAME=f"Net {days}", DUEDAYS=days)
        for detail, value in TAX_DETAILS.items():
            self.add("TAXDETAIL", DETAILID=detail, VALUE=value, GLACCOUNT="2200")
        for group, details in TAX_MAPS.items():
            self.add("TAXSCHEDULEMAP", CONTACTTAXGROUP=group, ITEMTAXGROUP="SAAS",
                     TAXDETAILS=details)
        for month in range(-1, self.months + 1):
            for code, rate in RATES.items():
                drifted = rate * (1 + Decimal(self.rng.randint(-300, 300)) / 10000)
                self.add("EXCHANGERATE", FROMCURRENCY=code, TOCURRENCY="USD",
                         RATEDATE=add_months(START, month), RATE=f"{drifted:.6f}")

    def _parties(self, customers: int) -> None:
        rng = self.rng
        for item_id, template, account, taxable in ITEMS:
            self.add("ITEM", ITEMID=item_id, NAME=item_id.title(), GLACCOUNT=account,
                     TAXABLE=taxable, TAXGROUP="SAAS", REVRECTEMPLATE=template)
        for number in range(EMPLOYEES):
            self.add("EMPLOYEE", EMPLOYEEID=f"E-{number:03d}", NAME=f"Employee {number}",
                     BILLINGRATE=money(rng, 90, 250, "USD"))
        for number in range(customers):
            taxable = rng.random() < 0.4
            self.add("CUSTOMER", CUSTOMERID=f"C-{number:06d}", NAME=f"Customer {number}",
                     TERMNAME=rng.choice(["Net 15", "Net 30", "Net 45"]),
                     CURRENCY=rng.choice(CURRENCIES), TAXABLE=taxable,
                     TAXGROUP=rng.choice(list(TAX_MAPS)) if taxable else None)

    def _contract(self, number: int) -> None:
        rng = self.rng
        customer = self.raw["CUSTOMER"][number // 2]
        contract_id = f"CN-{number:06d}"
        begin = START + timedelta(days=rng.randrange(60))
        end = add_months(begin, 12 * rng.choice((1, 1, 2))) - ONE_DAY
        self.add("CONTRACT", CONTRACTID=contract_id, CUSTOMERID=customer["CUSTOMERID"],
                 NAME=contract_id, BEGINDATE=begin, ENDDATE=end, TERMNAME=customer["TERMNAME"],
                 BILLINGFREQUENCY=rng.choices(["Monthly", "Quarterly", "Annually"], [6, 3, 1])[0],
                 BILLINARREARS=rng.random() < 0.2)
        lineno = 0
        for kind in rng.choices(list(MODELS), list(MODELS.values()), k=rng.randint(1, 4)):
            for line in self._lines(kind, contract_id, customer, (begin, end)):
                lineno += 1
                self.add("CONTRACTDETAIL", CONTRACTID=contract_id, LINENO=lineno, **line)
                if line["BILLINGMETHOD"] == "Quantity based":
                    self._usage(contract_id, lineno, begin)
        if rng.random() < 0.2:
            self._project(contract_id, customer, begin)

    def _lines(
        self, kind: str, contract_id: str, customer: Raw, term: tuple[date, date]
    ) -> list[Raw]:
        rng = self.rng
        currency = customer["CURRENCY"]
        if kind in {"Unit", "Tiered graduated", "Tiered volume", "Package"}:
            return [self._usage_line(kind, currency)]
        fixed: Raw = {"ITEMID": "SUB", "BILLINGMETHOD": "Fixed price",
                      "BILLINGOPTIONS": "Include with every invoice",
                      "FLATAMOUNT": money(rng, 50, 3000, currency)}
        if rng.random() < 0.3:
            fixed["FAIRVALUE"] = money(rng, 1000, 30000, currency)
        middle = term[0] + timedelta(days=rng.randint(20, (term[1] - term[0]).days - 1))
        if kind == "upgrade":  # the old line ends the day before the new one begins
            return [{**fixed, "ENDDATE": middle - ONE_DAY},
                    {**fixed, "FLATAMOUNT": money(rng, 3000, 6000, currency), "BEGINDATE": middle}]
        if kind == "milestone":
            template = self._milestones(contract_id, customer, term[0])
            return [{**fixed, "ITEMID": "IMPL", "BILLINGOPTIONS": "Use billing template",
                     "BILLINGTEMPLATENAME": template,
                     "FLATAMOUNT": money(rng, 5000, 50000, currency)}]
        variants: dict[str, Raw] = {
            "recurring": {}, "annual": {"ITEMID": "SUPPORT", "DISCOUNTPERCENT": "10"},
            "cancel": {"ENDDATE": middle},
            "one_time": {"ITEMID": "SETUP", "BILLINGOPTIONS": "One-time"}}
        return [{**fixed, **variants[kind]}]

    def _usage_line(self, kind: str, currency: str) -> Raw:
        rng = self.rng
        line: Raw = {"ITEMID": "USAGE", "BILLINGMETHOD": "Quantity based", "PRICINGMODEL": kind}
        if kind.startswith("Tiered"):
            line["TIERS"] = TIERS
        elif kind == "Package":
            line.update(PACKAGESIZE="1000", PRICE=money(rng, 20, 90, currency))
        else:
            line.update(PRICE="0.12", INCLUDEDUNITS="500" if rng.random() < 0.5 else None)
        if rng.random() < 0.3:
            line["MINIMUMAMOUNT"] = money(rng, 100, 400, currency)
        return line

    def _milestones(self, contract_id: str, customer: Raw, begin: date) -> str:
        tag = f"{contract_id}-{next(self.serial)}"
        project_id, name = f"P-{tag}-IMPL", f"MS-{tag}"
        self.add("PROJECT", PROJECTID=project_id, NAME=project_id,
                 CUSTOMERID=customer["CUSTOMERID"], BILLINGTYPE="Fixed Fee")
        entries = []
        for position, percent in enumerate(("30", "45", "25")):  # two done, one in progress
            task_id = f"T-{tag}-M{position}"
            done = begin + timedelta(days=self.rng.randint(10, 300)) if position < 2 else None
            self.add("TASK", TASKID=task_id, PROJECTID=project_id, NAME=task_id,
                     TASKSTATUS="In Progress" if done is None else "Completed", ACTUALENDDATE=done)
            entries.append({"TASKID": task_id, "PERCENT": percent})
        self.add("CONTRACTBILLINGTEMPLATE", NAME=name, METHOD="Milestone", ENTRIES=entries)
        return name

    def _usage(self, contract_id: str, lineno: int, begin: date) -> None:
        for month in range(self.months):
            for _ in range(self.rng.randint(1, 3)):
                quantity = f"{self.rng.randint(0, 4000)}.{self.rng.randint(0, 99):02d}"
                self.add("CONTRACTUSAGE", CONTRACTID=contract_id, LINENO=lineno,
                         USAGEDATE=self.day_in(month, begin), QUANTITY=quantity)

    def _project(self, contract_id: str, customer: Raw, begin: date) -> None:
        rng = self.rng
        currency = customer["CURRENCY"]
        project_id = f"P-{contract_id}-TM"
        by_project, capped = rng.random() < 0.4, rng.random() < 0.4
        self.add("PROJECT", PROJECTID=project_id, NAME=project_id,
                 CUSTOMERID=customer["CUSTOMERID"], BILLINGTYPE="Time & Material",
                 EXPENSEPRICING="Markup", EXPENSERATE="10",
                 CONTRACTID=contract_id if rng.random() < 0.5 else None,
                 BILLINGPRICING="Project rate" if by_project else None,
                 BILLINGRATE=money(rng, 120, 220, currency) if by_project else None,
                 POAMOUNT=money(rng, 10000, 60000, currency) if capped else None,
                 BILLINGOVERMAX=rng.choice(OVER_MAX) if capped else None)
        if capped and rng.random() < 0.5:
            self._history(project_id, customer)
        tasks = [f"T-{contract_id}-A", f"T-{contract_id}-B"]
        self.add("TASK", TASKID=tasks[0], PROJECTID=project_id, NAME="Design", ITEMID="CONSULT",
                 BILLINGRATE=money(rng, 200, 260, currency))
        self.add("TASK", TASKID=tasks[1], PROJECTID=project_id, NAME="Build", ITEMID="CONSULT")
        staff = [f"E-{n:03d}" for n in rng.sample(range(EMPLOYEES), 3)]
        self.add("PROJECTRESOURCES", PROJECTID=project_id, EMPLOYEEID=staff[0],
                 BILLINGRATE=money(rng, 100, 200, currency))
        for month in range(self.months):
            for _ in range(rng.randint(2, 6)):
                self.recordno += 1
                self.add("TIMESHEETENTRY", RECORDNO=self.recordno, EMPLOYEEID=rng.choice(staff),
                         PROJECTID=project_id, TASKID=rng.choice(tasks),
                         ENTRYDATE=self.day_in(month, begin), QTY=str(rng.randint(1, 16)),
                         STATE="Approved" if rng.random() < 0.95 else "Submitted")
            if rng.random() < 0.5:
                self.add("EEXPENSESITEM", RECORDNO=self.recordno, EMPLOYEEID=staff[0],
                         PROJECTID=project_id, ENTRYDATE=self.day_in(month, begin),
                         TRX_AMOUNT=money(rng, 20, 600, currency), STATE="Approved",
                         ITEMID="TRAVEL")

    def _history(self, project_id: str, customer: Raw) -> None:
        self.recordno += 1
        amount = money(self.rng, 2000, 20000, customer["CURRENCY"])
        self.add("ARINVOICE", RECORDNO=self.recordno, CUSTOMERID=customer["CUSTOMERID"],
                 WHENCREATED=START - ONE_DAY, STATE="Posted", PROJECTID=project_id,
                 ARINVOICEITEMS=[{"LINE_NO": 1, "ITEMID": "CONSULT", "ACCOUNTNO": "4100",
                                  "AMOUNT": amount}])
# fmt: on


@dataclass(frozen=True)
class Run:
    """The figures of one load, preview and render."""

    contracts: int
    invoices: int
    lines: int
    load_s: float
    preview_s: float
    render_s: float
    cpu_s: float  # process time of compute plus render: steadier than wall time on a busy host

    @property
    def wall_s(self) -> float:
        """The preview as a user waits for it: compute plus render."""
        return self.preview_s + self.render_s


def measure(contracts: int, months: int, seed: int, console: Console) -> Run:
    """Generate, load, preview and render a company of ``contracts`` contracts, timing each step."""
    with console.status(f"generating {contracts:,} contracts"):
        raw = Company(contracts, months, seed).raw
    rows = sum(len(v) for v in raw.values() if isinstance(v, list))
    console.log(f"{contracts:,} contracts: {rows:,} records generated; loading")
    gc.collect()
    started = time.perf_counter()
    data = parse_dataset(raw)
    load_s = time.perf_counter() - started
    del raw
    console.log(f"loaded in {load_s:.2f} s; previewing {months} months")
    gc.collect()
    cpu_started, started = time.process_time(), time.perf_counter()
    result = preview(data, as_of=add_months(START, months) - ONE_DAY)
    preview_s = time.perf_counter() - started
    console.log(f"previewed in {preview_s:.2f} s; rendering JSON")
    started = time.perf_counter()
    text = preview_json(result)
    render_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    console.log(f"rendered {len(text) / 1e6:,.1f} MB in {render_s:.2f} s")
    lines = sum(len(invoice.lines) for invoice in result.invoices)
    return Run(contracts, len(result.invoices), lines, load_s, preview_s, render_s, cpu_s)


def main() -> None:
    """Measure the baseline (N/10) and the full run, then print the figures and the summary."""
    parser = argparse.ArgumentParser(description="Time autobill's preview on a synthetic company.")
    parser.add_argument("--contracts", type=int, default=10_000, help="contracts (default 10000)")
    parser.add_argument("--months", type=int, default=12, help="months previewed (default 12)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    args = parser.parse_args()
    console = Console(stderr=True)
    base = measure(max(1, args.contracts // 10), args.months, args.seed, console)
    run = measure(args.contracts, args.months, args.seed, console)
    ratio = run.wall_s / (base.wall_s * 10)
    figures = [
        ("contracts", f"{run.contracts:,}"), ("invoices", f"{run.invoices:,}"),
        ("lines", f"{run.lines:,}"), ("load s", f"{run.load_s:.2f}"),
        ("preview s", f"{run.preview_s:.2f}"), ("render s", f"{run.render_s:.2f}"),
        ("wall s", f"{run.wall_s:.2f} (cpu {run.cpu_s:.2f})"),
        ("invoices/s", f"{run.invoices / run.wall_s:,.0f}"),
        ("lines/s", f"{run.lines / run.wall_s:,.0f}"),
        ("baseline s", f"{base.wall_s:.2f} (cpu {base.cpu_s:.2f}), {base.contracts:,} contracts"),
        ("ratio", f"{ratio:.2f} (wall s / (baseline s x 10); 1.0 is linear)"),
        ("cpu ratio", f"{run.cpu_s / (base.cpu_s * 10):.2f} (the same in process time)"),
    ]  # fmt: skip
    for name, value in figures:
        print(f"{name:<12} {value}")
    summary = {
        "bench": "preview", "contracts": run.contracts, "months": args.months,
        "invoices": run.invoices, "lines": run.lines, "wall_s": round(run.wall_s, 3),
        "load_s": round(run.load_s, 3), "render_s": round(run.render_s, 3),
        "invoices_per_s": round(run.invoices / run.wall_s, 1),
        "lines_per_s": round(run.lines / run.wall_s, 1),
        "baseline_wall_s": round(base.wall_s, 3), "ratio_vs_baseline": round(ratio, 3),
    }  # fmt: skip
    sys.stdout.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
