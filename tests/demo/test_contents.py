from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from autobill.demo import DATA_DIR

if TYPE_CHECKING:
    from autobill.core.billing import Preview
    from autobill.core.dataset import Dataset


def test_the_counts_meet_the_minimums(data: Dataset) -> None:
    """The company is as large as the issue asks for."""
    # given
    approved = sum(t.state == "Approved" for t in data.timesheetentries)
    approved += sum(e.state == "Approved" for e in data.expenseitems)
    # then
    assert len(data.customers) >= 40
    assert len(data.contracts) >= 30
    assert len(data.projects) >= 15
    assert approved >= 2000
    assert len(data.documents) >= 20


def test_two_entities_and_three_currencies(data: Dataset) -> None:
    """US and UK are entities in USD and GBP, and customers bill in USD, GBP and EUR."""
    # given
    entities = {loc.locationid: loc.currency for loc in data.locations if loc.entity}
    # then
    assert entities == {"US": "USD", "UK": "GBP"}
    assert {c.currency for c in data.customers} == {"USD", "GBP", "EUR"}
    assert {(r.fromcurrency, r.tocurrency) for r in data.exchangerates} == {
        ("EUR", "USD"),
        ("GBP", "USD"),
    }
    assert {r.ratedate.month for r in data.exchangerates if r.ratedate.year == 2026} == set(
        range(1, 13)
    )


def test_every_contract_billing_model_appears(data: Dataset) -> None:
    """Subscriptions in advance and arrears, usage models, milestones, one-time fees and bundles."""
    # given
    contracts = data.index.contracts
    lines = data.contractlines
    fixed = [ln for ln in lines if ln.billingmethod == "Fixed price"]
    timing = {
        (contracts[ln.contractid].billingfrequency, contracts[ln.contractid].billinarrears)
        for ln in fixed
        if ln.billingoptions != "One-time" and ln.billingtemplatename is None
    }
    # then
    assert {(f, a) for f in ("Monthly", "Quarterly", "Annually") for a in (False, True)} <= timing
    assert {ln.pricingmodel for ln in lines if ln.billingmethod == "Quantity based"} == {
        "Unit",
        "Tiered graduated",
        "Tiered volume",
        "Package",
    }
    assert any(ln.includedunits for ln in lines)
    assert any(ln.minimumamount for ln in lines)
    assert any(ln.billingoptions == "One-time" for ln in lines)
    assert any(ln.discountpercent for ln in lines)
    assert {ln.revenuetemplatename for ln in lines if ln.fairvalue} >= {
        "Daily rate",
        "Straight line",
        "On invoice",
        "On completion",
    }


def test_milestone_tasks_are_completed_and_in_progress(data: Dataset) -> None:
    """Milestone templates name tasks that are completed with a date, in progress or not started."""
    # given
    tasks = data.index.tasks
    named = [tasks[e.taskid] for t in data.billingtemplates for e in t.entries]
    # then
    assert {t.taskstatus for t in named} == {"Completed", "In Progress", "Not Started"}
    assert all(t.actualenddate for t in named if t.taskstatus == "Completed")


def test_every_project_billing_type_and_cap_option_appears(data: Dataset) -> None:
    """Projects bill T&M, fixed fee and fixed fee with expenses, some under contracts, with caps."""
    # given
    projects = data.projects
    # then
    assert {p.billingtype for p in projects} == {
        "Time & Material",
        "Fixed Fee",
        "Fixed Fee & Expenses",
    }
    assert any(p.contractid and p.billingtype == "Time & Material" for p in projects)
    assert {p.billingovermax for p in projects if p.poamount} == {
        "Prevent billing",
        "Bill and flag",
    }
    assert all(data.index.tasks for p in projects)
    assert {r.projectid for r in data.projectresources} == {p.projectid for p in projects}


def test_time_and_expenses_include_entries_billing_skips(data: Dataset) -> None:
    """Some entries are unapproved, non-billable or already billed."""
    # given
    entries = data.timesheetentries
    # then
    assert {t.state for t in entries} == {"Approved", "Submitted", "Draft"}
    assert any(not t.billable for t in entries)
    assert any(t.billed for t in entries)
    assert all(t.entrydate.year == 2026 for t in entries)


def test_history_covers_twelve_months(data: Dataset) -> None:
    """Posted invoices cover every month of 2025, for contracts and for projects."""
    # given
    history = data.arinvoices
    # then
    months = {i.whencreated.month for i in history if i.whencreated.year == 2025}
    assert months == set(range(1, 13))
    assert any(i.contractid for i in history)
    assert any(i.projectid for i in history)
    assert {i.state for i in history} == {"Paid", "Posted"}


def test_documents_are_text_markdown_and_pdf(data: Dataset) -> None:
    """Documents are .txt, .md and a few .pdf files, each a well-formed file."""
    # given
    suffixes = Counter((d.path or "").rsplit(".", 1)[-1] for d in data.documents)
    pdfs = sorted((DATA_DIR / "documents").glob("*.pdf"))
    # then
    assert set(suffixes) == {"txt", "md", "pdf"}
    assert 3 <= suffixes["pdf"] <= 5
    for pdf in pdfs:
        body = pdf.read_bytes()
        start = int(body.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
        assert body.startswith(b"%PDF-1.4")
        assert body[start:].startswith(b"xref")
        assert b"Tj" in body


def test_the_preview_bills_every_line_kind(demo_preview: Preview) -> None:
    """Billing the year produces every line kind, in USD, GBP and EUR."""
    # given
    kinds = {line.charge.kind for inv in demo_preview.invoices for line in inv.lines}
    # then
    assert kinds == {
        "recurring",
        "credit",
        "one_time",
        "milestone",
        "usage",
        "minimum",
        "time",
        "expense",
    }
    assert {inv.key.currency for inv in demo_preview.invoices} == {"USD", "GBP", "EUR"}


def test_the_preview_raises_only_the_intended_exceptions(demo_preview: Preview) -> None:
    """The only exceptions are the withheld entries of P-3008; flags are over_cap and a credit."""
    # given
    exceptions = demo_preview.exceptions
    flags = {
        (inv.key.contract_id or inv.key.project_id, f)
        for inv in demo_preview.invoices
        for f in inv.flags
    }
    # then
    assert {e.kind for e in exceptions} == {"over_cap"}
    assert all("P-3008" in e.message for e in exceptions)
    assert flags == {("P-3009", "over_cap"), ("CN-2008", "credit_balance")}
