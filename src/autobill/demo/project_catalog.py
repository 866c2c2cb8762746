"""The project catalog of the demo company: who works on each project and how it bills."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

D = date
TM: Final = "Time & Material"
FF: Final = "Fixed Fee"
FFE: Final = "Fixed Fee & Expenses"


@dataclass(frozen=True)
class Milestone:
    """A milestone task of a fixed fee project and its share of the fee."""

    name: str
    percent: str
    status: str
    done: date | None = None


@dataclass(frozen=True)
class ProjectSpec:
    """One project as designed: who works on it, how it bills, and its caps."""

    pid: str
    customer: int
    name: str
    kind: str
    begin: date
    end: date
    staff: tuple[str, ...]
    contract: str | None = None
    project_rate: str | None = None
    markup: str | None = None
    cap: str | None = None
    overmax: str | None = None
    po: bool = True
    travel: bool = True
    since_2025: date | None = None
    task_rate: str | None = None
    milestones: tuple[Milestone, ...] = ()
    busy: float = 0.3


C, IP, NS = "Completed", "In Progress", "Not Started"
PROJECTS: Final = (
    ProjectSpec(
        "P-3001",
        1013,
        "Enterprise rollout",
        FF,
        D(2026, 1, 12),
        D(2026, 12, 18),
        ("E-103", "E-105", "E-109"),
        contract="CN-2013",
        milestones=(
            Milestone("Discovery and design sign-off", "20", C, D(2026, 3, 13)),
            Milestone("Platform configuration complete", "30", C, D(2026, 6, 26)),
            Milestone("Data migration accepted", "30", C, D(2026, 10, 9)),
            Milestone("Go-live and hypercare", "20", IP),
        ),
    ),
    ProjectSpec(
        "P-3002",
        1015,
        "Data warehouse migration",
        FFE,
        D(2026, 2, 2),
        D(2026, 11, 30),
        ("E-111", "E-108"),
        contract="CN-2015",
        markup="10",
        milestones=(
            Milestone("Assessment report accepted", "25", C, D(2026, 3, 20)),
            Milestone("Migration build complete", "50", C, D(2026, 8, 14)),
            Milestone("Cutover complete", "25", C, D(2026, 11, 20)),
        ),
    ),
    ProjectSpec(
        "P-3003",
        1021,
        "Insight implementation",
        FF,
        D(2026, 3, 2),
        D(2027, 1, 29),
        ("E-112", "E-106"),
        contract="CN-2021",
        travel=False,
        milestones=(
            Milestone("Kick-off and plan", "10", C, D(2026, 3, 20)),
            Milestone("Build and configuration", "60", IP),
            Milestone("User acceptance", "30", NS),
        ),
    ),
    ProjectSpec(
        "P-3004",
        1035,
        "Insight rollout UK",
        FF,
        D(2026, 1, 5),
        D(2026, 12, 31),
        ("E-204", "E-203"),
        contract="CN-2035",
        milestones=(
            Milestone("Discovery complete", "25", C, D(2026, 2, 27)),
            Milestone("Build complete", "50", C, D(2026, 7, 31)),
            Milestone("Rollout complete", "25", IP),
        ),
    ),
    ProjectSpec(
        "P-3005",
        1016,
        "Analytics advisory",
        TM,
        D(2026, 1, 5),
        D(2026, 12, 31),
        ("E-101", "E-110"),
        contract="CN-2016",
        travel=False,
    ),
    ProjectSpec(
        "P-3006",
        1042,
        "Reporting advisory (EU)",
        TM,
        D(2026, 1, 12),
        D(2026, 12, 31),
        ("E-201", "E-205"),
        contract="CN-2044",
        busy=0.25,
    ),
    ProjectSpec(
        "P-3007",
        1027,
        "Customer analytics programme",
        TM,
        D(2025, 3, 3),
        D(2026, 12, 31),
        ("E-102", "E-104", "E-106"),
        since_2025=D(2025, 3, 1),
    ),
    ProjectSpec(
        "P-3008",
        1028,
        "Supply chain dashboards",
        TM,
        D(2025, 6, 2),
        D(2026, 12, 31),
        ("E-107", "E-108", "E-110"),
        cap="auto",
        overmax="Prevent billing",
        since_2025=D(2025, 6, 1),
    ),
    ProjectSpec(
        "P-3009",
        1029,
        "Pricing analytics",
        TM,
        D(2026, 2, 2),
        D(2026, 12, 31),
        ("E-105", "E-106"),
        cap="auto",
        overmax="Bill and flag",
    ),
    ProjectSpec(
        "P-3010",
        1030,
        "Claims data platform",
        TM,
        D(2026, 1, 5),
        D(2026, 12, 31),
        ("E-104", "E-109"),
        cap="175000.00",
        overmax="Prevent billing",
    ),
    ProjectSpec(
        "P-3011",
        1004,
        "Enterprise reporting build",
        TM,
        D(2026, 3, 2),
        D(2026, 10, 30),
        ("E-103", "E-108"),
        po=False,
    ),
    ProjectSpec(
        "P-3012",
        1001,
        "Forecasting models",
        TM,
        D(2025, 9, 1),
        D(2026, 12, 31),
        ("E-101", "E-106"),
        since_2025=D(2025, 9, 1),
        travel=False,
    ),
    ProjectSpec(
        "P-3013",
        1011,
        "Event tracking rollout",
        TM,
        D(2026, 1, 5),
        D(2026, 9, 30),
        ("E-111", "E-110"),
    ),
    ProjectSpec(
        "P-3014",
        1003,
        "Executive dashboards",
        TM,
        D(2025, 4, 1),
        D(2026, 12, 31),
        ("E-107", "E-104"),
        since_2025=D(2025, 4, 1),
        busy=0.25,
    ),
    ProjectSpec(
        "P-3015",
        1025,
        "Marketing mix analysis",
        TM,
        D(2026, 2, 2),
        D(2026, 12, 31),
        ("E-104", "E-106", "E-108"),
        project_rate="160.00",
        travel=False,
    ),
    ProjectSpec(
        "P-3016",
        1023,
        "Analyst enablement",
        TM,
        D(2026, 1, 12),
        D(2026, 12, 31),
        ("E-103", "E-110"),
        task_rate="140.00",
        busy=0.25,
    ),
    ProjectSpec(
        "P-3017",
        1033,
        "Insight onboarding (UK)",
        TM,
        D(2026, 3, 2),
        D(2026, 12, 31),
        ("E-201", "E-202", "E-206"),
        markup="5",
    ),
    ProjectSpec(
        "P-3018",
        1036,
        "Operational reporting (UK)",
        TM,
        D(2026, 1, 5),
        D(2026, 12, 31),
        ("E-203", "E-205"),
        travel=False,
    ),
    ProjectSpec(
        "P-3019",
        1044,
        "Data quality review (EU)",
        TM,
        D(2026, 4, 6),
        D(2026, 12, 31),
        ("E-202", "E-206"),
        busy=0.25,
    ),
)
SPECS: Final = {spec.pid: spec for spec in PROJECTS}
