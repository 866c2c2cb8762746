from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from autobill.demo.discrepancies import DISCREPANCIES, Discrepancy

if TYPE_CHECKING:
    from autobill.core.billing import Preview
    from autobill.core.dataset import Dataset

MARKDOWN = Path(__file__).resolve().parents[2] / "src/autobill/demo/DISCREPANCIES.md"
# The documents that deliberately disagree with the records, by what they disagree about.
PLANTED = {d.document_id for d in DISCREPANCIES if d.document_id}


def text_of(data: Dataset, document_id: str) -> str:
    """Return a document's text; for a PDF, the strings its pages show."""
    document = next(d for d in data.documents if d.documentid == document_id)
    body = Path(document.path or "").read_bytes()
    if body.startswith(b"%PDF"):
        shown = re.findall(rb"\((.*?)\) Tj", body)
        return "\n".join(s.decode("ascii").replace("\\(", "(").replace("\\)", ")") for s in shown)
    return body.decode("utf-8")


def grouped(value: Decimal | None) -> str:
    """Write an amount as the documents do."""
    return f"{value:,.2f}"


def test_five_to_eight_discrepancies_are_documented() -> None:
    """DISCREPANCIES.md lists every planted discrepancy, and there are five to eight."""
    # given
    markdown = MARKDOWN.read_text(encoding="utf-8")
    # then
    assert 5 <= len(DISCREPANCIES) <= 8
    for found in DISCREPANCIES:
        assert f"| {found.id} | `{found.kind}` |" in markdown
        if found.document_id:
            assert found.document_id in markdown


@pytest.mark.parametrize("found", [d for d in DISCREPANCIES if d.document_says], ids=lambda d: d.id)
def test_each_document_discrepancy_is_in_its_document(data: Dataset, found: Discrepancy) -> None:
    """The document of each planted discrepancy says what the registry says it does."""
    # given
    text = text_of(data, found.document_id or "")
    # then
    assert found.document_says is not None
    assert found.document_says in text


def test_the_records_differ_from_the_documents(data: Dataset) -> None:
    """Each planted record holds the value the registry says, unlike its document."""
    # given
    index = data.index
    line = next(ln for ln in data.contractlines if (ln.contractid, ln.lineno) == ("CN-2031", 1))
    # then
    assert index.resources["P-3012", "E-101"].billingrate == Decimal("195.00")
    assert line.flatamount == Decimal("2600.00")
    assert index.contracts["CN-2020"].termname == "Net 30"
    assert index.projects["P-3010"].poamount == Decimal("175000.00")
    assert index.projects["P-3011"].ponumber is None


def test_p3013_bills_past_its_budget(data: Dataset, demo_preview: Preview) -> None:
    """D6: P-3013's 2026 billing passes its BUDGETAMOUNT; no other project's does."""
    # given
    billed: dict[str, Decimal] = {}
    for invoice in demo_preview.invoices:
        for line in invoice.lines:
            pid = line.charge.dimensions.projectid
            if pid and line.charge.kind in {"time", "expense"}:
                billed[pid] = billed.get(pid, Decimal(0)) + line.charge.amount
    history = {
        pid: sum((i.amount for inv in invs for i in inv.arinvoiceitems), Decimal(0))
        for pid, invs in data.index.history_by_project.items()
    }
    # when
    over = {
        p.projectid
        for p in data.projects
        if p.budgetamount is not None
        and billed.get(p.projectid, 0) + history.get(p.projectid, 0) > p.budgetamount
    }
    # then
    assert over == {"P-3013"}


def test_the_onboarding_fee_is_billed_twice(data: Dataset, demo_preview: Preview) -> None:
    """D7: CN-2019's onboarding fee is in the 2025 history and billed again in January 2026."""
    # given
    posted = [
        (inv.whencreated.year, item.itemid, item.amount)
        for inv in data.arinvoices
        if inv.contractid == "CN-2019"
        for item in inv.arinvoiceitems
    ]
    billed = [
        (inv.key.invoice_date.isoformat(), line.charge.item_id, line.charge.amount)
        for inv in demo_preview.invoices
        if inv.key.contract_id == "CN-2019"
        for line in inv.lines
        if line.charge.kind == "one_time"
    ]
    # then
    assert posted == [(2025, "SETUP", Decimal("7500.00"))]
    assert billed == [("2026-01-12", "SETUP", Decimal("7500.00"))]


def test_three_entries_are_billed_but_on_no_invoice(data: Dataset) -> None:
    """D8: three approved February entries of P-3014 are BILLED, yet no history line names them."""
    # given
    names = {e.employeeid: e.name for e in data.employees}
    flagged = [
        t
        for t in data.timesheetentries
        if t.projectid == "P-3014" and t.billed and t.entrydate.month == 2
    ]
    lines = [
        item.entrydescription or ""
        for inv in data.index.history_by_project["P-3014"]
        for item in inv.arinvoiceitems
    ]
    markdown = MARKDOWN.read_text(encoding="utf-8")
    # then
    assert len(flagged) == 3
    for entry in flagged:
        assert entry.state == "Approved"
        assert entry.billable
        assert str(entry.recordno) in markdown
        mention = f"{entry.entrydate} {names[entry.employeeid]}"
        assert not any(line.startswith(mention) for line in lines)


def test_the_other_documents_agree_with_the_records(data: Dataset) -> None:
    """Outside the planted discrepancies, fees, rates and caps in documents match the records."""
    # given
    index = data.index
    checked = 0
    # when / then
    for document in data.documents:
        if document.documentid in PLANTED:
            continue
        text = text_of(data, document.documentid)
        if document.projectid is not None:
            checked += 1
            project = index.projects[document.projectid]
            for resource in data.projectresources:
                if (
                    resource.projectid == project.projectid
                    and project.billingtype == "Time & Material"
                    and project.billingrate is None
                ):
                    assert f"{grouped(resource.billingrate)} per hour" in text
            if project.poamount is not None:
                assert f"{project.currency} {grouped(project.poamount)}" in text
        elif document.contractid is not None and "Order form" in document.title:
            checked += 1
            # An order form and the documents that later amend it state the contract together.
            related = [d.documentid for d in data.documents if d.contractid == document.contractid]
            whole = "\n".join(text_of(data, d) for d in related)
            assert_order_form_agrees(data, document.contractid, whole)
    assert checked >= 30


def assert_order_form_agrees(data: Dataset, contract_id: str, text: str) -> None:
    """Check an order form's fees, term, frequency and payment days against its contract."""
    contract = data.index.contracts[contract_id]
    days = data.index.arterms[contract.termname].duedays
    frequency = contract.billingfrequency.lower()
    assert f"{contract.begindate.day} {contract.begindate:%B %Y} to" in text
    assert f"{contract.enddate.day} {contract.enddate:%B %Y}" in text
    assert f"invoiced {frequency} in" in text
    assert (f"within {days} days" if days else "due on receipt") in text
    assert f"All amounts are in {contract.currency}" in text
    for line in data.index.lines_by_contract[contract_id]:
        if line.flatamount is not None:
            assert f"{contract.currency} {grouped(line.flatamount)}" in text
