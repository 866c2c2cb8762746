"""Revenue recognition: SSP allocation and monthly schedules (billing-semantics 7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from autobill.core.billing import preview
from fixtures.factories import (
    contract,
    contract_line,
    dataset,
    employee,
    expense,
    item,
    project,
    task,
    template,
    template_entry,
    timesheet_entry,
    usage,
)
from fixtures.views import revenue, schedule

if TYPE_CHECKING:
    from autobill.core.dataset import Dataset
    from autobill.core.records import ContractLine
    from autobill.core.revrec import RevenueEntry

END_2026 = date(2026, 12, 31)


def _one_time(lineno: int, flat: str, **fields: object) -> ContractLine:
    return contract_line(lineno=lineno, billingoptions="One-time", flatamount=flat, **fields)


def _summary(entry: RevenueEntry) -> tuple[str, str, list[tuple[str, str]], str]:
    return (entry.template, str(entry.allocated), schedule(entry), str(entry.recognised_to_date))


def test_fair_values_share_the_transaction_price_in_lineno_order() -> None:
    """Lines with FAIRVALUE share their summed amounts by it, leftovers in LINENO order."""
    # given: lines 2, 3 and 10 (500 + 250 + 250) with equal fair values; line 4 without one;
    # Quantity based line 5 with a fair value but no part in the allocation
    data = dataset(
        contracts=[contract()],
        contractlines=[
            _one_time(10, "250.00", fairvalue="100"),
            _one_time(2, "500.00", fairvalue="100"),
            _one_time(3, "250.00", fairvalue="100"),
            _one_time(4, "99.99"),
            contract_line(lineno=5, billingmethod="Quantity based", price="1", fairvalue="100"),
        ],
    )
    # when
    result = preview(data, as_of=END_2026)
    # then: 1000.00 over three equal weights; LINENO 2 comes first (not text order's 10)
    assert [(e.source, e.allocated, schedule(e)) for e in result.revenue] == [
        ("CONTRACTDETAIL:CN-1:10", Decimal("333.33"), [("2026-01", "333.33")]),
        ("CONTRACTDETAIL:CN-1:2", Decimal("333.34"), [("2026-01", "333.34")]),
        ("CONTRACTDETAIL:CN-1:3", Decimal("333.33"), [("2026-01", "333.33")]),
        ("CONTRACTDETAIL:CN-1:4", Decimal("99.99"), [("2026-01", "99.99")]),
        ("CONTRACTDETAIL:CN-1:5", Decimal("0.00"), []),
    ]


def test_daily_rate_matches_the_specs_example() -> None:
    """The upgrade's Pro line (900.00 over 16 Nov - 31 Dec) recognises 293.48 then 606.52."""
    # given: the upgrade; the items recognise at a daily rate
    data = dataset(
        items=[item(revrectemplate="Daily rate")],
        contracts=[contract(begindate="2026-11-01", enddate="2026-12-31")],
        contractlines=[
            contract_line(lineno=1, flatamount="300.00", enddate="2026-11-15"),
            contract_line(lineno=2, flatamount="600.00", begindate="2026-11-16"),
        ],
    )
    # when
    result = preview(data, as_of=date(2026, 11, 30), start=date(2026, 11, 16))
    # then: 900 x 15/46 = 293.478.., 900 x 31/46 = 606.521..
    assert _summary(revenue(result, "CONTRACTDETAIL:CN-1:1")) == (
        "Daily rate",
        "150.00",
        [("2026-11", "150.00")],
        "150.00",
    )
    assert _summary(revenue(result, "CONTRACTDETAIL:CN-1:2")) == (
        "Daily rate",
        "900.00",
        [("2026-11", "293.48"), ("2026-12", "606.52")],
        "293.48",
    )


@pytest.mark.parametrize(
    ("_case", "line_template", "item_template", "expected"),
    [
        (
            "the line's template over the item's: Straight line",
            "Straight line",
            "Daily rate",
            (
                "Straight line",
                "300.03",
                [
                    ("2026-01", "75.01"),
                    ("2026-02", "75.01"),
                    ("2026-03", "75.01"),
                    ("2026-04", "75.00"),
                ],
                "150.02",
            ),
        ),
        (
            "the item's template: Daily rate over 17/28/31/14 days",
            None,
            "Daily rate",
            (
                "Daily rate",
                "300.03",
                [
                    ("2026-01", "56.67"),
                    ("2026-02", "93.34"),
                    ("2026-03", "103.35"),
                    ("2026-04", "46.67"),
                ],
                "150.01",
            ),
        ),
        (
            "On invoice by default",
            None,
            None,
            (
                "On invoice",
                "300.03",
                [("2026-01", "100.01"), ("2026-02", "100.01"), ("2026-03", "100.01")],
                "200.02",
            ),
        ),
        (
            "On completion of a line without milestones: as On invoice",
            "On completion",
            None,
            (
                "On completion",
                "300.03",
                [("2026-01", "100.01"), ("2026-02", "100.01"), ("2026-03", "100.01")],
                "200.02",
            ),
        ),
    ],
)
def test_schedule_templates(
    _case: str,
    line_template: str | None,
    item_template: str | None,
    expected: tuple[str, str, list[tuple[str, str]], str],
) -> None:
    """The line's REVENUETEMPLATENAME, else its item's REVRECTEMPLATE, else On invoice, applies."""
    # given: 100.01 a month for three full periods, 15 Jan - 14 Apr (4 calendar months)
    data = dataset(
        items=[item(revrectemplate=item_template)],
        contracts=[contract(begindate="2026-01-15", enddate="2026-04-14")],
        contractlines=[contract_line(flatamount="100.01", revenuetemplatename=line_template)],
    )
    # when: as of 10 Feb, so January and February are recognised to date
    result = preview(data, as_of=date(2026, 2, 10))
    # then
    assert _summary(revenue(result, "CONTRACTDETAIL:CN-1:1")) == expected


def test_revenue_plan_ignores_the_preview_window() -> None:
    """A Fixed price line's schedule covers its whole billing plan, whatever --from and as-of."""
    # given: billed Jan - Mar; the preview looks at December only
    data = dataset(
        contracts=[contract(enddate="2026-03-31")],
        contractlines=[contract_line(flatamount="100.00")],
    )
    # when
    result = preview(data, as_of=END_2026, start=date(2026, 12, 1))
    # then
    assert result.invoices == ()
    assert _summary(revenue(result, "CONTRACTDETAIL:CN-1:1")) == (
        "On invoice",
        "300.00",
        [("2026-01", "100.00"), ("2026-02", "100.00"), ("2026-03", "100.00")],
        "300.00",
    )


def test_on_invoice_reallocates_an_allocated_amount_over_the_plan() -> None:
    """When the allocated amount differs from the plan's sum, it is split by plan amounts."""
    # given: 3 x 100.00 recurring and two 350.00 one-time lines, equal fair values
    data = dataset(
        contracts=[contract(enddate="2026-03-31")],
        contractlines=[
            contract_line(lineno=1, flatamount="100.00", fairvalue="1"),
            _one_time(2, "350.00", fairvalue="1"),
            _one_time(3, "350.00", fairvalue="1"),
        ],
    )
    # when
    result = preview(data, as_of=END_2026)
    # then: 1000.00 -> 333.34 / 333.33 / 333.33; 333.34 over three equal plan lines
    assert _summary(revenue(result, "CONTRACTDETAIL:CN-1:1")) == (
        "On invoice",
        "333.34",
        [("2026-01", "111.12"), ("2026-02", "111.11"), ("2026-03", "111.11")],
        "333.34",
    )


def test_on_invoice_reallocation_weights_credits_negatively() -> None:
    """A credit in the plan is a negative weight of the reallocation, in date order."""
    # given: the upgrade with fair values 1 (Basic, plan 300 - 150) and 2 (Pro, plan 300 + 600)
    data = dataset(
        contracts=[contract(begindate="2026-11-01", enddate="2026-12-31")],
        contractlines=[
            contract_line(lineno=1, flatamount="300.00", enddate="2026-11-15", fairvalue="1"),
            contract_line(lineno=2, flatamount="600.00", begindate="2026-11-16", fairvalue="2"),
        ],
    )
    # when
    result = preview(data, as_of=END_2026)
    # then: 1050.00 -> 350.00 / 700.00; 350 x (300, -150)/150 = 700, -350; 700 x (1/3, 2/3)
    assert schedule(revenue(result, "CONTRACTDETAIL:CN-1:1")) == [("2026-11", "350.00")]
    assert schedule(revenue(result, "CONTRACTDETAIL:CN-1:2")) == [
        ("2026-11", "233.33"),
        ("2026-12", "466.67"),
    ]


def _milestones(revenue_template: str, *extra_lines: ContractLine) -> Dataset:
    """A 1000.00 milestone line over 50/30/20: done 20 Jan, done 5 Mar, in progress."""
    return dataset(
        items=[item(revrectemplate=revenue_template)],
        contracts=[contract()],
        contractlines=[
            contract_line(billingtemplatename="MS", flatamount="1000.00", fairvalue="1"),
            *extra_lines,
        ],
        billingtemplates=[
            template(
                entries=[
                    template_entry(taskid="T-1", percent="50"),
                    template_entry(taskid="T-2", percent="30"),
                    template_entry(taskid="T-3", percent="20"),
                ]
            )
        ],
        tasks=[
            task(taskid="T-1", taskstatus="Completed", actualenddate="2026-01-20"),
            task(taskid="T-2", taskstatus="Completed", actualenddate="2026-03-05"),
            task(taskid="T-3", taskstatus="In Progress"),
        ],
    )


@pytest.mark.parametrize("revenue_template", ["On completion", "On invoice"])
def test_milestone_parts_are_recognised_in_the_month_each_is_billed(revenue_template: str) -> None:
    """Each milestone part is recognised in its month; until all are billed, less than allocated."""
    # given
    data = _milestones(revenue_template)
    # when
    result = preview(data, as_of=date(2026, 2, 28))
    # then: 500.00 and 300.00 of 1000.00; the 200.00 part is not billed yet
    assert _summary(revenue(result, "CONTRACTDETAIL:CN-1:1")) == (
        revenue_template,
        "1000.00",
        [("2026-01", "500.00"), ("2026-03", "300.00")],
        "500.00",
    )


def test_milestone_splits_its_allocated_amount_not_its_billed_parts() -> None:
    """A milestone line's parts of revenue are its allocated amount split over the PERCENTs."""
    # given: a 500.00 one-time line with the same fair value: 1500.00 -> 750.00 each
    data = _milestones("On completion", _one_time(2, "500.00", fairvalue="1"))
    # when
    result = preview(data, as_of=END_2026)
    # then: 750 x 50% and 750 x 30%
    assert _summary(revenue(result, "CONTRACTDETAIL:CN-1:1")) == (
        "On completion",
        "750.00",
        [("2026-01", "375.00"), ("2026-03", "225.00")],
        "600.00",
    )


def test_milestone_line_under_daily_rate_follows_the_days_of_its_active_span() -> None:
    """Under Daily rate a milestone line is spread over its active span like any other line."""
    # given: 1000.00 over 2026 (365 days)
    data = _milestones("Daily rate")
    # when
    result = preview(data, as_of=END_2026)
    # then: 84.9315 (31 d), 76.7123 (28 d), 82.1918 (30 d); the 2 cents left go to Feb and Apr
    thirty_one, thirty = "84.93", "82.19"
    assert schedule(revenue(result, "CONTRACTDETAIL:CN-1:1")) == [
        ("2026-01", thirty_one),
        ("2026-02", "76.72"),
        ("2026-03", thirty_one),
        ("2026-04", "82.20"),
        ("2026-05", thirty_one),
        ("2026-06", thirty),
        ("2026-07", thirty_one),
        ("2026-08", thirty_one),
        ("2026-09", thirty),
        ("2026-10", thirty_one),
        ("2026-11", thirty),
        ("2026-12", thirty_one),
    ]


def test_usage_time_and_expenses_are_recognised_as_billed() -> None:
    """Usage (with minimums), time and expense lines recognise what the invoices bill, by month."""
    # given: usage of 10 (minimum 25.00) in Jan and 30 in Feb; 3 h in Nov; 25.00 spent in Dec
    data = dataset(
        contracts=[contract(enddate="2026-02-28")],
        contractlines=[
            contract_line(billingmethod="Quantity based", price="1.00", minimumamount="25.00")
        ],
        contractusage=[
            usage(usagedate="2026-01-10", quantity="10"),
            usage(usagedate="2026-02-10", quantity="30"),
        ],
        employees=[employee(billingrate="100.00")],
        timesheetentries=[
            timesheet_entry(recordno=1, entrydate="2026-11-10", qty="2"),
            timesheet_entry(recordno=2, entrydate="2026-11-11", qty="1"),
        ],
        expenseitems=[expense(entrydate="2026-12-03", trx_amount="25.00")],
    )
    # when
    result = preview(data, as_of=date(2026, 11, 30))
    # then: the December expense is not billed by 30 Nov
    assert [(e.source, *_summary(e)) for e in result.revenue] == [
        (
            "CONTRACTDETAIL:CN-1:1",
            "On invoice",
            "55.00",
            [("2026-01", "25.00"), ("2026-02", "30.00")],
            "55.00",
        ),
        ("TIMESHEETENTRY:1,2", "On invoice", "300.00", [("2026-11", "300.00")], "300.00"),
    ]


def test_withheld_invoices_give_no_revenue() -> None:
    """Time on an invoice withheld for want of an exchange rate has no revenue entry."""
    # given
    data = dataset(
        projects=[project(currency="GBP")],
        employees=[employee(billingrate="100.00")],
        timesheetentries=[timesheet_entry()],
    )
    # when
    result = preview(data, as_of=END_2026)
    # then
    assert (result.invoices, result.revenue) == ((), ())


@pytest.mark.parametrize(
    ("_case", "line", "expected"),
    [
        (
            "a cent over three months lands in one",
            _one_time(1, "0.01", revenuetemplatename="Daily rate"),
            [("2026-01", "0.01")],
        ),
        ("a zero line has no months", contract_line(flatamount="0.00"), []),
    ],
)
def test_months_totalling_zero_are_left_out(
    _case: str, line: ContractLine, expected: list[tuple[str, str]]
) -> None:
    """A schedule lists only months whose total is not zero."""
    # given: 1 Jan - 31 Mar (31, 28 and 31 days: the tie goes to January)
    data = dataset(contracts=[contract(enddate="2026-03-31")], contractlines=[line])
    # when
    result = preview(data, as_of=END_2026)
    # then
    assert schedule(revenue(result, "CONTRACTDETAIL:CN-1:1")) == expected
