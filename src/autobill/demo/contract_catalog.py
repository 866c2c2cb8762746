"""The contract catalog of the demo company: each contract's header and lines, as a table."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

D = date
FIXED: Final = "Fixed price"
QTY: Final = "Quantity based"
ONE_TIME: Final = "One-time"
EVERY: Final = "Include with every invoice"
TEMPLATE: Final = "Use billing template"
API_TIERS: Final = (("100000", "0.0100"), ("1000000", "0.0060"), (None, "0.0030"))
EVENT_TIERS: Final = (("50000", "0.0040"), ("250000", "0.0030"), (None, "0.0020"))


def catalog() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each contract's header and lines; the comments name the billing model shown.

    A table, one entry per contract, long by design: reading it whole shows the company.
    """
    y26, e26 = D(2026, 1, 1), D(2026, 12, 31)
    return [
        # monthly in advance, running since 2025 (history), subscription plus support
        (
            _h("CN-2001", 1001, "Insight Professional 2025-2026", D(2025, 1, 1), e26, "Monthly"),
            [_f("SUB-PRO", "3000.00", begin=y26), _f("SUPPORT", "500.00", begin=y26)],
        ),
        (
            _h("CN-2002", 1002, "Insight Core and storage", D(2025, 1, 1), e26, "Monthly"),
            [
                _f("SUB-CORE", "1500.00", begin=y26),
                _q("STORAGE", begin=y26, price="0.25", included="2000"),
            ],
        ),
        # quarterly in advance
        (
            _h("CN-2003", 1003, "Enterprise platform 2025-2026", D(2025, 1, 1), e26, "Quarterly"),
            [_f("SUB-ENT", "18000.00", begin=y26)],
        ),
        # annual in advance
        (
            _h("CN-2004", 1004, "Enterprise platform 2026", y26, e26, "Annually"),
            [_f("SUB-ENT", "66000.00"), _f("SUPPORT", "6000.00")],
        ),
        # monthly and quarterly in arrears (managed services)
        (
            _h("CN-2005", 1005, "Managed analytics 2026", y26, e26, "Monthly", arrears=True),
            [_f("MANAGED", "4200.00", dept="MS")],
        ),
        (
            _h(
                "CN-2006",
                1006,
                "Managed analytics FY2026",
                D(2026, 2, 1),
                D(2027, 1, 31),
                "Quarterly",
                arrears=True,
            ),
            [_f("MANAGED", "9000.00", dept="MS")],
        ),
        # an upgrade on 15 June: Core ends on the 14th, Professional begins on the 15th
        (
            _h("CN-2007", 1007, "Insight subscription 2026", y26, e26, "Monthly"),
            [
                _f("SUB-CORE", "1500.00", end=D(2026, 6, 14)),
                _f("SUB-PRO", "3000.00", begin=D(2026, 6, 15)),
            ],
        ),
        # a cancellation on 15 August, mid-quarter: the rest of the quarter is credited
        (
            _h("CN-2008", 1008, "Professional plan 2026", y26, e26, "Quarterly", state="Cancelled"),
            [_f("SUB-PRO", "9000.00", end=D(2026, 8, 15))],
        ),
        # usage: per unit with included units
        (
            _h("CN-2009", 1009, "Core plan and storage", D(2026, 3, 1), D(2027, 2, 28), "Monthly"),
            [_f("SUB-CORE", "1500.00"), _q("STORAGE", price="0.25", included="1000")],
        ),
        # usage: tiered graduated with a monthly minimum commitment
        (
            _h("CN-2010", 1010, "API platform 2025-2026", D(2025, 1, 1), e26, "Monthly"),
            [
                _q("API", begin=y26, model="Tiered graduated", tiers=API_TIERS, minimum="750.00"),
                _f("SUB-PRO", "3000.00", begin=y26),
            ],
        ),
        # usage: tiered volume, quarterly
        (
            _h("CN-2011", 1011, "Event analytics 2026", y26, e26, "Quarterly"),
            [_f("SUB-PRO", "9000.00"), _q("EVENTS", model="Tiered volume", tiers=EVENT_TIERS)],
        ),
        # usage: packages with included units and a minimum; July has no usage at all
        (
            _h("CN-2012", 1012, "Core plan and alerts", y26, e26, "Monthly"),
            [
                _f("SUB-CORE", "1500.00"),
                _q(
                    "ALERTS",
                    model="Package",
                    price="12.00",
                    package="1000",
                    included="2000",
                    minimum="100.00",
                ),
            ],
        ),
        # multi-element: fair values and every revenue template, milestones on project P-3001
        (
            _h("CN-2013", 1013, "Enterprise rollout 2026", y26, e26, "Monthly"),
            [
                _f("SUB-ENT", "6000.00", fv="80000.00", revenue="Daily rate"),
                _f("SUPPORT", "1000.00", fv="10000.00", revenue="Straight line"),
                _f(
                    "TRAINING",
                    "4500.00",
                    options=ONE_TIME,
                    begin=D(2026, 2, 10),
                    fv="6000.00",
                    revenue="On invoice",
                ),
                _f(
                    "IMPL",
                    "90000.00",
                    template="MS-P-3001",
                    fv="100000.00",
                    revenue="On completion",
                    project="P-3001",
                    dept="PS",
                ),
            ],
        ),
        # one-time fees beside a subscription
        (
            _h(
                "CN-2014",
                1014,
                "Core plan with onboarding",
                D(2026, 4, 1),
                D(2027, 3, 31),
                "Monthly",
            ),
            [
                _f("SUB-CORE", "1500.00"),
                _f("SETUP", "5000.00", options=ONE_TIME, begin=D(2026, 4, 1), dept="PS"),
                _f(
                    "TRAINING",
                    None,
                    options=ONE_TIME,
                    begin=D(2026, 5, 12),
                    quantity="2",
                    dept="PS",
                ),
            ],
        ),
        # fixed fee milestones of a Fixed Fee & Expenses project (P-3002)
        (
            _h(
                "CN-2015",
                1015,
                "Data warehouse migration",
                D(2026, 2, 1),
                D(2026, 11, 30),
                "Monthly",
                dept="PS",
            ),
            [_f("IMPL", "45000.00", template="MS-P-3002", project="P-3002")],
        ),
        # a retainer; project P-3005 bills its time on this contract's invoices
        (
            _h("CN-2016", 1016, "Analytics advisory 2026", y26, e26, "Monthly", dept="PS"),
            [_f("MANAGED", "2000.00", dept="MS")],
        ),
        # seats: quantity times price, with a discount
        (
            _h("CN-2017", 1017, "Analyst seats 2026", y26, e26, "Monthly"),
            [
                _f("SEATS", None, quantity="40", price="45.00", discount="10"),
                _f("SUB-PRO", "3000.00", discount="10"),
            ],
        ),
        # annual in arrears
        (
            _h("CN-2018", 1018, "Managed reporting 2026", y26, e26, "Annually", arrears=True),
            [_f("MANAGED", "12000.00", dept="MS")],
        ),
        (
            _h("CN-2019", 1019, "Professional plan with onboarding", y26, e26, "Monthly"),
            [
                _f("SUB-PRO", "3000.00"),
                _f("SETUP", "7500.00", options=ONE_TIME, begin=D(2026, 1, 12), dept="PS"),
            ],
        ),
        (
            _h("CN-2020", 1020, "Professional plan 2026", y26, e26, "Monthly"),
            [_f("SUB-PRO", "3000.00"), _f("SUPPORT", "500.00")],
        ),
        # multi-element, quarterly, milestones on project P-3003
        (
            _h(
                "CN-2021",
                1021,
                "Insight Professional and implementation",
                D(2026, 3, 1),
                D(2027, 2, 28),
                "Quarterly",
            ),
            [
                _f("SUB-PRO", "9000.00", fv="40000.00"),
                _f(
                    "IMPL",
                    "30000.00",
                    template="MS-P-3003",
                    fv="36000.00",
                    project="P-3003",
                    dept="PS",
                ),
                _f("TRAINING", "4500.00", options=ONE_TIME, begin=D(2026, 4, 20), fv="4500.00"),
            ],
        ),
        # a line that starts after its contract: a prorated first period
        (
            _h("CN-2022", 1022, "Core plan 2026-2027", D(2026, 4, 15), D(2027, 4, 14), "Monthly"),
            [_f("SUB-CORE", "1500.00", begin=D(2026, 5, 10))],
        ),
        (
            _h("CN-2023", 1023, "Core plan and seats", y26, e26, "Monthly"),
            [_f("SUB-CORE", "1500.00"), _f("SEATS", None, quantity="10", options=EVERY)],
        ),
        (
            _h(
                "CN-2024",
                1024,
                "Professional plan FY2027",
                D(2026, 7, 1),
                D(2027, 6, 30),
                "Annually",
            ),
            [_f("SUB-PRO", "34000.00")],
        ),
        (_h("CN-2025", 1025, "Core plan 2026", y26, e26, "Quarterly"), [_f("SUB-CORE", "4500.00")]),
        (
            _h("CN-2026", 1026, "Professional plan and API", y26, e26, "Monthly"),
            [_f("SUB-PRO", "3000.00"), _q("API", model="Tiered graduated", tiers=API_TIERS)],
        ),
        # the UK entity, in GBP
        (
            _h("CN-2031", 1031, "Professional plan 2026", y26, e26, "Monthly"),
            [_f("SUB-PRO", "2600.00")],
        ),
        (
            _h("CN-2032", 1032, "Enterprise platform 2025-2026", D(2025, 1, 1), e26, "Quarterly"),
            [_f("SUB-ENT", "13500.00", begin=y26)],
        ),
        (
            _h(
                "CN-2033",
                1033,
                "Enterprise platform FY2026",
                D(2026, 3, 1),
                D(2027, 2, 28),
                "Annually",
            ),
            [_f("SUB-ENT", "48000.00"), _f("SUPPORT", "4800.00")],
        ),
        (
            _h("CN-2034", 1034, "API access 2026", y26, e26, "Monthly"),
            [_q("API", price="0.0040", included="100000", minimum="400.00")],
        ),
        (
            _h("CN-2035", 1035, "Insight rollout 2026", y26, e26, "Monthly"),
            [
                _f("IMPL", "60000.00", template="MS-P-3004", project="P-3004", dept="PS"),
                _f("SUB-PRO", "2400.00"),
            ],
        ),
        (
            _h("CN-2036", 1036, "Managed analytics 2026", y26, e26, "Monthly", arrears=True),
            [_f("MANAGED", "3200.00", dept="MS")],
        ),
        # euro customers, owned by the UK entity
        (
            _h("CN-2041", 1039, "Professional plan 2025-2026", D(2025, 1, 1), e26, "Monthly"),
            [_f("SUB-PRO", "2800.00", begin=y26)],
        ),
        (
            _h(
                "CN-2042",
                1040,
                "Enterprise platform FY2026",
                D(2026, 2, 1),
                D(2027, 1, 31),
                "Annually",
            ),
            [
                _f("SUB-ENT", "30000.00"),
                _f("SETUP", "5000.00", options=ONE_TIME, begin=D(2026, 2, 1), dept="PS"),
            ],
        ),
        (
            _h("CN-2043", 1041, "Core plan and API 2026", y26, e26, "Quarterly"),
            [_f("SUB-CORE", "4200.00"), _q("API", model="Tiered graduated", tiers=API_TIERS)],
        ),
        (
            _h("CN-2044", 1042, "Support and advisory 2026", y26, e26, "Monthly", dept="PS"),
            [_f("SUPPORT", "900.00")],
        ),
        (_h("CN-2045", 1043, "Core plan 2026", y26, e26, "Monthly"), [_f("SUB-CORE", "1400.00")]),
    ]


def _h(  # noqa: PLR0913, PLR0917 - one catalog row, read positionally like a table
    cid: str,
    customer: int,
    name: str,
    begin: date,
    end: date,
    frequency: str,
    **more: Any,  # noqa: ANN401
) -> dict[str, Any]:
    return {
        "cid": cid,
        "customer": customer,
        "name": name,
        "begin": begin,
        "end": end,
        "frequency": frequency,
        **more,
    }


def _f(item: str, flat: str | None, **more: Any) -> dict[str, Any]:  # noqa: ANN401 - line options
    return {"item": item, "method": FIXED, "flat": flat, **more}


def _q(item: str, **more: Any) -> dict[str, Any]:  # noqa: ANN401 - line options
    return {"item": item, "method": QTY, **more}
