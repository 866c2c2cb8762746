"""The demo's scripted month: held back on the first, completed by its steps, previewed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from autobill.core.billing import preview
from autobill.demo.month import MONTH_END, MONTH_START, Month, load_month


@pytest.fixture(scope="module")
def month() -> Month:
    """The demo company's November, loaded once."""
    return load_month()


def test_the_month_starts_without_its_activity(month: Month) -> None:
    """On the first, no November usage, approved November time or completed milestone exists."""
    start = month.start
    assert not [u for u in start.contractusage if MONTH_START <= u.usagedate <= MONTH_END]
    assert not [
        e
        for e in start.timesheetentries
        if e.state == "Approved" and MONTH_START <= e.entrydate <= MONTH_END
    ]
    assert not [t for t in start.tasks if t.actualenddate and t.actualenddate >= MONTH_START]


def test_the_steps_replay_the_month_in_date_order(month: Month) -> None:
    """Upgrade, cancellation and milestone during the month; usage and approvals at its close."""
    days = [step.day for step in month.steps]
    assert days == sorted(days)
    assert days[0] == date(2026, 11, 16)
    close = month.steps[-1]
    assert close.day == MONTH_END
    written = {(w.operation, w.obj): len(w.records) for w in close.writes}
    assert written == {
        ("create", "CONTRACTUSAGE"): 32,
        ("update", "TIMESHEETENTRY"): 225,
        ("update", "EEXPENSESITEM"): 52,
    }
    assert {hook["type"] for hook in close.webhooks} == {"timesheets.approved"}


def test_the_completed_month_bills_the_upgrade_and_the_cancellation(month: Month) -> None:
    """``preview`` of the month's end: the upgrade's day and the cancellation's credit."""
    # when
    invoices = preview(month.end, as_of=MONTH_END, start=MONTH_START).invoices
    totals = {(i.key.contract_id, i.key.invoice_date): i.total for i in invoices}
    # then: 3,000.00 → 6,000.00 from the 16th; 2,000.00 cancelled after the 20th
    assert totals["CN-2019", date(2026, 11, 16)] == Decimal("1500.00")
    assert totals["CN-2016", date(2026, 11, 21)] == Decimal("-666.67")
    assert len(invoices) == 47
