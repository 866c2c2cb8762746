"""Fixed price contract lines: recurring, credits, one-time and milestones (billing-semantics 3)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from autobill.core.billing import preview
from fixtures.factories import (
    contract,
    contract_line,
    dataset,
    item,
    task,
    template,
    template_entry,
)
from fixtures.views import billed, exceptions, only_invoice, periods

if TYPE_CHECKING:
    from autobill.core.dataset import Dataset
    from autobill.core.records import Task

SRC = "CONTRACTDETAIL:CN-1:1"
END_2027 = date(2027, 12, 31)


def test_in_advance_prorates_first_and_last_partial_periods() -> None:
    """A line starting and a contract ending mid-period are charged for their days only."""
    # given: 100.00 a month; the line starts 10 Jan, the contract ends 15 Mar
    data = dataset(
        contracts=[contract(begindate="2026-01-01", enddate="2026-03-15")],
        contractlines=[contract_line(flatamount="100.00", begindate="2026-01-10")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: 100 x 22/31 = 70.967.. and 100 x 15/31 = 48.387..
    assert billed(result) == [
        ("2026-01-10", "recurring", SRC, "70.97"),
        ("2026-02-01", "recurring", SRC, "100.00"),
        ("2026-03-01", "recurring", SRC, "48.39"),
    ]
    assert periods(result) == [
        ("2026-01-10", "2026-01-31"),
        ("2026-02-01", "2026-02-28"),
        ("2026-03-01", "2026-03-15"),
    ]


def test_in_advance_periods_anchored_on_the_31st_clamp_to_month_ends() -> None:
    """Anchor 31 Jan gives periods 31 Jan-27 Feb, 28 Feb-30 Mar, 31 Mar-29 Apr, credit included."""
    # given: the line runs 10 Feb - 15 Apr inside a contract running to 30 May
    data = dataset(
        contracts=[contract(begindate="2026-01-31", enddate="2026-05-30")],
        contractlines=[
            contract_line(flatamount="100.00", begindate="2026-02-10", enddate="2026-04-15")
        ],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: 18/28 of the first period; 14/30 of 31 Mar-29 Apr credited from 16 Apr
    assert billed(result) == [
        ("2026-02-10", "recurring", SRC, "64.29"),
        ("2026-02-28", "recurring", SRC, "100.00"),
        ("2026-03-31", "recurring", SRC, "100.00"),
        ("2026-04-16", "credit", SRC, "-46.67"),
    ]
    assert periods(result) == [
        ("2026-02-10", "2026-02-27"),
        ("2026-02-28", "2026-03-30"),
        ("2026-03-31", "2026-04-29"),
        ("2026-04-16", "2026-04-29"),
    ]


def test_line_starting_before_its_contract_bills_the_period_before_the_anchor() -> None:
    """The active span may reach before the contract: period -1 is billed, prorated."""
    # given: the contract starts 1 Feb, its line 17 Jan
    data = dataset(
        contracts=[contract(begindate="2026-02-01", enddate="2026-02-28")],
        contractlines=[contract_line(flatamount="100.00", begindate="2026-01-17")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: 15 of January's 31 days
    assert billed(result) == [
        ("2026-01-17", "recurring", SRC, "48.39"),
        ("2026-02-01", "recurring", SRC, "100.00"),
    ]


def test_in_arrears_bills_on_period_end_or_line_end_without_credits() -> None:
    """In arrears, each period is billed on its end, or the line's, for the days active."""
    # given: the line runs 10 Jan - 20 Mar, before the contract's end
    data = dataset(
        contracts=[contract(begindate="2026-01-01", enddate="2026-03-31", billinarrears=True)],
        contractlines=[
            contract_line(flatamount="100.00", begindate="2026-01-10", enddate="2026-03-20")
        ],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: 22/31 and 20/31 of a month; no credit
    assert billed(result) == [
        ("2026-01-31", "recurring", SRC, "70.97"),
        ("2026-02-28", "recurring", SRC, "100.00"),
        ("2026-03-20", "recurring", SRC, "64.52"),
    ]
    assert periods(result) == [
        ("2026-01-10", "2026-01-31"),
        ("2026-02-01", "2026-02-28"),
        ("2026-03-01", "2026-03-20"),
    ]


@pytest.mark.parametrize(
    ("_case", "arrears", "expected"),
    [
        (
            "in advance",
            False,
            [
                ("2026-01-15", "900.00"),
                ("2026-04-15", "900.00"),
                ("2026-07-15", "900.00"),
                ("2026-10-15", "763.04"),
            ],
        ),
        (
            "in arrears",
            True,
            [
                ("2026-04-14", "900.00"),
                ("2026-07-14", "900.00"),
                ("2026-10-14", "900.00"),
                ("2026-12-31", "763.04"),
            ],
        ),
    ],
)
def test_quarterly_periods(_case: str, arrears: object, expected: list[tuple[str, str]]) -> None:
    """Quarterly periods run three months from the anchor; the last, cut short, is prorated."""
    # given: quarters from 15 Jan; the last one, 15 Oct - 14 Jan (92 days), ends on 31 Dec
    data = dataset(
        contracts=[
            contract(
                begindate="2026-01-15",
                enddate="2026-12-31",
                billingfrequency="Quarterly",
                billinarrears=arrears,
            )
        ],
        contractlines=[contract_line(flatamount="900.00")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: 900 x 78/92 = 763.043..
    assert [(d, a) for d, _, _, a in billed(result)] == expected


def test_annual_periods_prorate_by_the_days_of_the_year_charged() -> None:
    """An annual period is prorated over its own length (366 days when it holds 29 Feb)."""
    # given: years from 1 Mar 2026; the contract ends 31 Aug 2027
    data = dataset(
        contracts=[
            contract(begindate="2026-03-01", enddate="2027-08-31", billingfrequency="Annually")
        ],
        contractlines=[contract_line(flatamount="1200.00")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: 1200 x 184/366 = 603.278.. (1 Mar 2027 - 29 Feb 2028 has 366 days)
    assert billed(result) == [
        ("2026-03-01", "recurring", SRC, "1200.00"),
        ("2027-03-01", "recurring", SRC, "603.28"),
    ]


@pytest.mark.parametrize(
    ("_case", "line", "baseprice", "expected"),
    [
        (
            "QUANTITY x item BASEPRICE x MULTIPLIER, discounted",
            {"quantity": "3", "multiplier": "2", "discountpercent": "10"},
            "25.00",
            "135.00",
        ),
        (
            "line PRICE over the item's BASEPRICE",
            {"quantity": "3", "price": "19.99", "discountpercent": "12.5"},
            "25.00",
            "52.47",
        ),
        (
            "FLATAMOUNT over QUANTITY x PRICE, discounted",
            {"flatamount": "80.00", "quantity": "3", "price": "19.99", "discountpercent": "25"},
            "25.00",
            "60.00",
        ),
        ("QUANTITY and MULTIPLIER default to 1", {"price": "42.50"}, None, "42.50"),
        ("item BASEPRICE alone", {}, "17.25", "17.25"),
    ],
)
def test_period_amount(
    _case: str, line: dict[str, Any], baseprice: str | None, expected: str
) -> None:
    """P = (FLATAMOUNT, or QUANTITY x PRICE x MULTIPLIER) x (1 - DISCOUNTPERCENT/100)."""
    # given: one full monthly period
    data = dataset(
        contracts=[contract(begindate="2026-01-01", enddate="2026-01-31")],
        contractlines=[contract_line(**line)],
        items=[item(baseprice=baseprice)],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then
    assert billed(result) == [("2026-01-01", "recurring", SRC, expected)]


def test_period_amount_is_not_rounded_before_proration() -> None:
    """P stays exact: 10.01 at 50% off is 5.005, and half a period of it rounds 2.5025 to 2.50."""
    # given: the line starts on day 16 of a 30-day period
    data = dataset(
        contracts=[contract(begindate="2026-11-01", enddate="2026-11-30")],
        contractlines=[contract_line(price="10.01", discountpercent="50", begindate="2026-11-16")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: rounding P first would give 5.01 x 15/30 = 2.505 -> 2.51
    assert billed(result) == [("2026-11-16", "recurring", SRC, "2.50")]


def test_upgrade_credits_the_old_line_and_charges_the_new_one_on_the_same_invoice() -> None:
    """The spec's upgrade: 300.00 on 1 Nov; credit -150.00 and charge 300.00 on 16 Nov."""
    # given: Basic 300.00 ends 15 Nov, Pro 600.00 begins 16 Nov
    data = dataset(
        contracts=[contract(begindate="2026-11-01", enddate="2026-12-31")],
        contractlines=[
            contract_line(lineno=1, flatamount="300.00", enddate="2026-11-15"),
            contract_line(lineno=2, flatamount="600.00", begindate="2026-11-16"),
        ],
    )
    # when
    result = preview(data, as_of=date(2026, 12, 31))
    # then
    assert [len(inv.lines) for inv in result.invoices] == [1, 2, 1]
    assert billed(result) == [
        ("2026-11-01", "recurring", "CONTRACTDETAIL:CN-1:1", "300.00"),
        ("2026-11-16", "credit", "CONTRACTDETAIL:CN-1:1", "-150.00"),
        ("2026-11-16", "recurring", "CONTRACTDETAIL:CN-1:2", "300.00"),
        ("2026-12-01", "recurring", "CONTRACTDETAIL:CN-1:2", "600.00"),
    ]
    assert periods(result)[1:3] == [
        ("2026-11-16", "2026-11-30"),
        ("2026-11-16", "2026-11-30"),
    ]


def test_line_ending_on_a_period_end_gets_no_credit() -> None:
    """A line ending on the last day of a period leaves nothing unused to credit."""
    # given: the line ends 28 Feb, the contract 31 Dec
    data = dataset(
        contracts=[contract()],
        contractlines=[contract_line(flatamount="100.00", enddate="2026-02-28")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then
    assert billed(result) == [
        ("2026-01-01", "recurring", SRC, "100.00"),
        ("2026-02-01", "recurring", SRC, "100.00"),
    ]


def test_line_running_past_its_contract_is_charged_to_its_own_end() -> None:
    """E is the later of the line's and the contract's ENDDATE: no credit, just its days."""
    # given: the contract ends 31 Jan, its line 14 Feb
    data = dataset(
        contracts=[contract(begindate="2026-01-01", enddate="2026-01-31")],
        contractlines=[contract_line(flatamount="100.00", enddate="2026-02-14")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: 14/28 of February
    assert billed(result) == [
        ("2026-01-01", "recurring", SRC, "100.00"),
        ("2026-02-01", "recurring", SRC, "50.00"),
    ]


@pytest.mark.parametrize(
    ("_case", "arrears", "expected"),
    [
        (
            "in advance: charged to the period end, then credited",
            False,
            [("2026-01-10", "recurring", SRC, "220.00"), ("2026-01-21", "credit", SRC, "-110.00")],
        ),
        ("in arrears: its 11 days", True, [("2026-01-20", "recurring", SRC, "110.00")]),
    ],
)
def test_line_starting_and_ending_inside_one_period(
    _case: str, arrears: object, expected: list[tuple[str, str, str, str]]
) -> None:
    """A line active 10-20 Jan bills 11 of January's 31 days, net."""
    # given: 310.00 a month
    data = dataset(
        contracts=[contract(billinarrears=arrears)],
        contractlines=[
            contract_line(flatamount="310.00", begindate="2026-01-10", enddate="2026-01-20")
        ],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: 310 x 22/31 and 310 x 11/31
    assert billed(result) == expected


def test_billing_in_arrears_leaves_one_time_and_milestone_lines_alone() -> None:
    """BILLINARREARS moves recurring lines only: one-time and milestone dates are unchanged."""
    # given
    data = dataset(
        contracts=[contract(billinarrears=True)],
        contractlines=[
            contract_line(lineno=1, billingoptions="One-time", flatamount="10.00"),
            contract_line(lineno=2, billingtemplatename="MS", flatamount="20.00"),
        ],
        billingtemplates=[template(entries=[template_entry()])],
        tasks=[task(taskstatus="Completed", actualenddate="2026-03-03")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then
    assert billed(result) == [
        ("2026-01-01", "one_time", SRC, "10.00"),
        ("2026-03-03", "milestone", "CONTRACTDETAIL:CN-1:2", "20.00"),
    ]


def test_line_ending_with_its_contract_mid_period_is_just_prorated() -> None:
    """A line ending with its contract mid-period is charged its days, with no credit."""
    # given: both end 14 Feb
    data = dataset(
        contracts=[contract(begindate="2026-01-01", enddate="2026-02-14")],
        contractlines=[contract_line(flatamount="100.00", enddate="2026-02-14")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: 14/28 of February
    assert billed(result) == [
        ("2026-01-01", "recurring", SRC, "100.00"),
        ("2026-02-01", "recurring", SRC, "50.00"),
    ]


def test_early_end_inside_a_contract_ending_mid_period_credits_up_to_the_contract_end() -> None:
    """The charged span runs to the contract's end; the line is credited from its end to there."""
    # given: the contract ends 20 Feb, the line 10 Feb
    data = dataset(
        contracts=[contract(begindate="2026-01-01", enddate="2026-02-20")],
        contractlines=[contract_line(flatamount="100.00", enddate="2026-02-10")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: 20/28 charged on 1 Feb, 10/28 (11-20 Feb) credited on 11 Feb
    assert billed(result) == [
        ("2026-01-01", "recurring", SRC, "100.00"),
        ("2026-02-01", "recurring", SRC, "71.43"),
        ("2026-02-11", "credit", SRC, "-35.71"),
    ]


def test_one_time_line_bills_rounded_p_once_on_its_begin_date() -> None:
    """A One-time line bills round(P), undivided, on its BEGINDATE, without a period."""
    # given: a price of 33.335, half a cent
    data = dataset(
        contracts=[contract()],
        contractlines=[
            contract_line(billingoptions="One-time", price="33.335", begindate="2026-03-10")
        ],
        items=[item(name="Onboarding setup")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then: half up
    assert billed(result) == [("2026-03-10", "one_time", SRC, "33.34")]
    line = only_invoice(result).lines[0].charge
    assert (line.period, line.description) == (None, "Onboarding setup (one-time)")


def test_include_with_every_invoice_ignores_a_billing_template() -> None:
    """A BILLINGTEMPLATENAME counts only with ``Use billing template``: this line recurs."""
    # given
    data = dataset(
        contracts=[contract(enddate="2026-01-31")],
        contractlines=[
            contract_line(
                billingoptions="Include with every invoice",
                billingtemplatename="MS",
                flatamount="100.00",
            )
        ],
        billingtemplates=[template(entries=[template_entry()])],
        tasks=[task(taskstatus="Completed", actualenddate="2026-01-20")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then
    assert billed(result) == [("2026-01-01", "recurring", SRC, "100.00")]


def _milestone_data(
    total: str, percents: list[str], tasks: list[Task] | None = None, **line: object
) -> Dataset:
    """A milestone line of ``total`` over tasks T-1.. completed 10 Feb, 10 Mar, 10 Apr ..."""
    entries = [template_entry(taskid=f"T-{i}", percent=p) for i, p in enumerate(percents, 1)]
    if tasks is None:
        tasks = [
            task(taskid=f"T-{i}", taskstatus="Completed", actualenddate=date(2026, i + 1, 10))
            for i in range(1, len(percents) + 1)
        ]
    fields = {"billingtemplatename": "MS", "flatamount": total, **line}
    return dataset(
        contracts=[contract()],
        contractlines=[contract_line(**fields)],
        billingtemplates=[template(entries=entries)],
        tasks=tasks,
    )


@pytest.mark.parametrize(
    ("_case", "total", "percents", "expected"),
    [
        (
            "the spec's example: equal weights",
            "1000.00",
            ["33.3333", "33.3333", "33.3333"],
            ["333.34", "333.33", "333.33"],
        ),
        (
            "the leftover cent to the largest remainder",
            "0.10",
            ["33.33", "33.33", "33.34"],
            ["0.03", "0.03", "0.04"],
        ),
        (
            "a tie to the earlier part",
            "1000.01",
            ["20", "40", "40"],
            ["200.00", "400.01", "400.00"],
        ),
    ],
)
def test_milestone_parts_follow_the_largest_remainder_allocation(
    _case: str, total: str, percents: list[str], expected: list[str]
) -> None:
    """T is allocated over the PERCENTs; each part is billed on its task's ACTUALENDDATE."""
    # given
    data = _milestone_data(total, percents)
    # when
    result = preview(data, as_of=END_2027)
    # then
    assert billed(result) == [
        ("2026-02-10", "milestone", SRC, expected[0]),
        ("2026-03-10", "milestone", SRC, expected[1]),
        ("2026-04-10", "milestone", SRC, expected[2]),
    ]


@pytest.mark.parametrize(
    ("_case", "line", "expected"),
    [
        ("FLATAMOUNT, undiscounted", {"flatamount": "1000.00", "discountpercent": "10"}, "1000.00"),
        (
            "else round(P), discounted",
            {"flatamount": None, "quantity": "2", "price": "500.00", "discountpercent": "10"},
            "900.00",
        ),
    ],
)
def test_milestone_total(_case: str, line: dict[str, Any], expected: str) -> None:
    """T is round(FLATAMOUNT) without the discount, or else round(P)."""
    # given: one milestone of 100%
    data = _milestone_data("0", ["100"], **line)
    # when
    result = preview(data, as_of=END_2027)
    # then
    assert billed(result) == [("2026-02-10", "milestone", SRC, expected)]


def test_milestone_is_billed_on_its_completion_date_even_after_the_contract() -> None:
    """A part is billed on its task's ACTUALENDDATE wherever that falls."""
    # given: the task is completed after the contract has ended
    data = dataset(
        contracts=[contract()],
        contractlines=[contract_line(billingtemplatename="MS", flatamount="500.00")],
        billingtemplates=[template(entries=[template_entry()])],
        tasks=[task(taskstatus="Completed", actualenddate="2027-02-01")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then
    assert billed(result) == [("2027-02-01", "milestone", SRC, "500.00")]
    assert periods(result) == [None]


@pytest.mark.parametrize("status", ["Not Started", "In Progress", None])
def test_milestone_of_an_unfinished_task_is_not_billed(status: str | None) -> None:
    """Only a ``Completed`` task bills its part; others bill nothing and raise nothing."""
    # given
    data = dataset(
        contracts=[contract()],
        contractlines=[contract_line(billingtemplatename="MS", flatamount="500.00")],
        billingtemplates=[template(entries=[template_entry()])],
        tasks=[task(taskstatus=status, actualenddate="2026-02-01")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then
    assert (billed(result), exceptions(result)) == ([], [])


def test_completed_milestone_without_date_is_always_reported() -> None:
    """A Completed task without ACTUALENDDATE is not billed and reported even outside the window."""
    # given: T-1 completed on 10 Feb, T-2 ("Go-live") completed without a date
    tasks = [
        task(taskid="T-1", taskstatus="Completed", actualenddate="2026-02-10"),
        task(taskid="T-2", name="Go-live", taskstatus="Completed"),
    ]
    data = _milestone_data("1000.00", ["50", "50"], tasks=tasks)
    # when: a window in which nothing is billed
    result = preview(data, as_of=date(2027, 1, 31), start=date(2027, 1, 1))
    # then
    assert billed(result) == []
    assert exceptions(result) == [("milestone_without_date", SRC)]
    assert "T-2" in result.exceptions[0].message


def test_milestone_without_date_withholds_only_its_own_part() -> None:
    """The dated part is billed at its own value; the undated part's value is not moved onto it."""
    # given
    tasks = [
        task(taskid="T-1", taskstatus="Completed", actualenddate="2026-02-10"),
        task(taskid="T-2", taskstatus="Completed"),
    ]
    data = _milestone_data("1000.00", ["50", "50"], tasks=tasks)
    # when
    result = preview(data, as_of=END_2027)
    # then
    assert billed(result) == [("2026-02-10", "milestone", SRC, "500.00")]
    assert exceptions(result) == [("milestone_without_date", SRC)]


@pytest.mark.parametrize(
    ("_case", "options", "kind", "on"),
    [
        ("recurring", "Use billing template", "recurring", "2026-01-01"),
        ("one-time", "One-time", "one_time", "2026-01-01"),
    ],
)
def test_zero_amount_line_is_still_billed(_case: str, options: str, kind: str, on: str) -> None:
    """A line whose amount is 0.00 still bills a 0.00 line."""
    # given
    data = dataset(
        contracts=[contract(enddate="2026-01-31")],
        contractlines=[contract_line(billingoptions=options, flatamount="0.00")],
    )
    # when
    result = preview(data, as_of=END_2027)
    # then
    assert billed(result) == [(on, kind, SRC, "0.00")]
