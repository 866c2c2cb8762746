"""Quantity based contract lines: usage pricing, included units and minimums (billing 4)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from autobill.core.billing import preview
from fixtures.factories import contract, contract_line, dataset, item, tier, usage
from fixtures.views import billed, only_invoice, periods

if TYPE_CHECKING:
    from autobill.core.dataset import Dataset

SRC = "CONTRACTDETAIL:CN-1:1"
JAN_END = date(2026, 1, 31)
TIERS = [
    tier(upto="1000", price="0.10"),
    tier(upto="5000", price="0.08"),
    tier(price="0.05"),
]


def _usage_data(records: list[tuple[str, str]], **line: object) -> Dataset:
    """A Quantity based line 1 of CN-1 (2026, monthly) with usage records (date, quantity)."""
    return dataset(
        contracts=[contract()],
        contractlines=[contract_line(billingmethod="Quantity based", **line)],
        contractusage=[usage(usagedate=on, quantity=qty) for on, qty in records],
    )


def test_unit_pricing_subtracts_included_units() -> None:
    """Q = usage in the period - INCLUDEDUNITS, priced at PRICE, billed on the period's last day."""
    # given: 150 + 70 units, 100 included, 0.50 each
    data = _usage_data(
        [("2026-01-05", "150"), ("2026-01-20", "70")], price="0.50", includedunits="100"
    )
    # when
    result = preview(data, as_of=JAN_END)
    # then: 120 x 0.50
    assert billed(result) == [("2026-01-31", "usage", SRC, "60.00")]
    line = only_invoice(result).lines[0].charge
    assert str(line.quantity) == "120"
    assert str(line.unit_price) == "0.50"
    assert periods(result) == [("2026-01-01", "2026-01-31")]


def test_unit_price_defaults_to_the_items_baseprice() -> None:
    """Without a PRICE, usage is priced at the item's BASEPRICE."""
    # given
    data = dataset(
        contracts=[contract()],
        contractlines=[contract_line(billingmethod="Quantity based")],
        contractusage=[usage(quantity="40")],
        items=[item(baseprice="0.25")],
    )
    # when
    result = preview(data, as_of=JAN_END)
    # then
    assert billed(result) == [("2026-01-31", "usage", SRC, "10.00")]


@pytest.mark.parametrize(
    ("_case", "model", "quantity", "expected"),
    [
        ("the spec's graduated example", "Tiered graduated", "7500", "545.00"),
        ("the spec's volume example", "Tiered volume", "7500", "375.00"),
        ("volume: Q = 5,000 falls in the 0.08 tier", "Tiered volume", "5000", "400.00"),
        ("graduated up to a tier's UPTO", "Tiered graduated", "5000", "420.00"),
        ("volume: a tier includes its UPTO", "Tiered volume", "1000", "100.00"),
        ("graduated within the first tier", "Tiered graduated", "999", "99.90"),
    ],
)
def test_tiered_pricing(_case: str, model: str, quantity: str, expected: str) -> None:
    """Graduated prices each unit in its tier; volume prices all units at Q's tier."""
    # given: UPTO 1,000 @ 0.10, UPTO 5,000 @ 0.08, rest @ 0.05
    data = _usage_data([("2026-01-10", quantity)], pricingmodel=model, tiers=TIERS)
    # when
    result = preview(data, as_of=JAN_END)
    # then
    assert billed(result) == [("2026-01-31", "usage", SRC, expected)]
    assert only_invoice(result).lines[0].charge.unit_price is None


@pytest.mark.parametrize(
    ("_case", "quantity", "included", "expected"),
    [
        ("a started package is a whole one", "2501", "0", "240.00"),
        ("exact packages", "2500", "0", "200.00"),
        ("after included units", "2501", "1", "200.00"),
    ],
)
def test_package_pricing(_case: str, quantity: str, included: str, expected: str) -> None:
    """Package pricing bills ceil(Q / PACKAGESIZE) x PRICE."""
    # given: packages of 500 at 40.00
    data = _usage_data(
        [("2026-01-10", quantity)],
        pricingmodel="Package",
        packagesize="500",
        price="40.00",
        includedunits=included,
    )
    # when
    result = preview(data, as_of=JAN_END)
    # then
    assert billed(result) == [("2026-01-31", "usage", SRC, expected)]


@pytest.mark.parametrize(
    ("_case", "line", "quantity", "expected"),
    [
        ("unit", {"price": "0.10"}, "333", "29.14"),
        ("graduated", {"pricingmodel": "Tiered graduated", "tiers": TIERS}, "7500", "476.88"),
    ],
)
def test_discount_applies_to_the_priced_usage(
    _case: str, line: dict[str, Any], quantity: str, expected: str
) -> None:
    """The usage amount is the priced quantity x (1 - DISCOUNTPERCENT/100), rounded once."""
    # given: a discount of 12.5 percent
    data = _usage_data([("2026-01-10", quantity)], discountpercent="12.5", **line)
    # when
    result = preview(data, as_of=JAN_END)
    # then: 33.30 x 0.875 = 29.1375; 545 x 0.875 = 476.875
    assert billed(result) == [("2026-01-31", "usage", SRC, expected)]


@pytest.mark.parametrize(
    ("_case", "quantity", "included"),
    [("all of it included", "50", "100"), ("a record of zero", "0", None)],
)
def test_usage_records_with_nothing_to_bill_still_give_a_zero_usage_line(
    _case: str, quantity: str, included: str | None
) -> None:
    """A usage period with at least one record gets a usage line, even of 0.00."""
    # given
    data = _usage_data([("2026-01-10", quantity)], price="0.50", includedunits=included)
    # when
    result = preview(data, as_of=JAN_END)
    # then: Q is not below zero
    assert billed(result) == [("2026-01-31", "usage", SRC, "0.00")]
    assert str(only_invoice(result).lines[0].charge.quantity) == "0"


def test_usage_period_without_records_gets_no_line() -> None:
    """Without usage records (and without a minimum) a period bills nothing at all."""
    # given
    data = _usage_data([], price="0.50")
    # when
    result = preview(data, as_of=JAN_END)
    # then
    assert result.invoices == ()


@pytest.mark.parametrize(
    ("_case", "records", "expected"),
    [
        (
            "usage below the minimum",
            [("2026-01-10", "120")],
            [("usage", "60.00"), ("minimum", "40.00")],
        ),
        ("usage above the minimum", [("2026-01-10", "300")], [("usage", "150.00")]),
        ("usage equal to the minimum", [("2026-01-10", "200")], [("usage", "100.00")]),
        ("no usage at all", [], [("minimum", "100.00")]),
    ],
)
def test_minimum_commitment(
    _case: str, records: list[tuple[str, str]], expected: list[tuple[str, str]]
) -> None:
    """A period whose usage amount is below MINIMUMAMOUNT gets a minimum line for the rest."""
    # given: 0.50 a unit, 100.00 minimum
    data = _usage_data(records, price="0.50", minimumamount="100.00")
    # when
    result = preview(data, as_of=JAN_END)
    # then
    assert [(kind, amount) for _, kind, _, amount in billed(result)] == expected
    assert set(periods(result)) == {("2026-01-01", "2026-01-31")}


def test_partial_usage_period_gets_full_included_units_and_minimum() -> None:
    """INCLUDEDUNITS and MINIMUMAMOUNT are not prorated for a partial usage period."""
    # given: the line starts 16 Jan; 130 units, 100 included, minimum 100.00
    data = _usage_data(
        [("2026-01-20", "130")],
        price="0.50",
        includedunits="100",
        minimumamount="100.00",
        begindate="2026-01-16",
    )
    # when
    result = preview(data, as_of=JAN_END)
    # then: Q = 30 -> 15.00, and 100.00 - 15.00
    assert billed(result) == [
        ("2026-01-31", "usage", SRC, "15.00"),
        ("2026-01-31", "minimum", SRC, "85.00"),
    ]
    assert periods(result) == [("2026-01-16", "2026-01-31"), ("2026-01-16", "2026-01-31")]


def test_usage_outside_the_active_span_is_ignored() -> None:
    """Usage dated before the line's BEGINDATE or after its ENDDATE is in no usage period."""
    # given: the line runs 16 Jan - 10 Feb
    data = _usage_data(
        [
            ("2026-01-10", "500"),
            ("2026-01-20", "10"),
            ("2026-02-05", "20"),
            ("2026-02-15", "500"),
        ],
        price="0.50",
        begindate="2026-01-16",
        enddate="2026-02-10",
    )
    # when
    result = preview(data, as_of=date(2026, 12, 31))
    # then: the last usage period ends, and is billed, on the line's end
    assert billed(result) == [
        ("2026-01-31", "usage", SRC, "5.00"),
        ("2026-02-10", "usage", SRC, "10.00"),
    ]


def test_usage_periods_are_anchored_at_the_contracts_begin_date() -> None:
    """Usage periods are the contract's billing periods: from 15 Jan, 15 Jan - 14 Feb."""
    # given
    data = dataset(
        contracts=[contract(begindate="2026-01-15")],
        contractlines=[contract_line(billingmethod="Quantity based", price="1.00")],
        contractusage=[
            usage(usagedate="2026-01-15", quantity="1"),
            usage(usagedate="2026-02-14", quantity="2"),
            usage(usagedate="2026-02-15", quantity="4"),
        ],
    )
    # when
    result = preview(data, as_of=date(2026, 3, 14))
    # then
    assert billed(result) == [
        ("2026-02-14", "usage", SRC, "3.00"),
        ("2026-03-14", "usage", SRC, "4.00"),
    ]
