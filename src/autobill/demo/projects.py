"""Projects of the demo company: their tasks, milestone templates and resource rate cards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from autobill.demo.master import EMPLOYEES
from autobill.demo.project_catalog import FF, PROJECTS, ProjectSpec

if TYPE_CHECKING:
    from autobill.demo.common import Store


# Work tasks every project gets: (name, ITEMID); the PM task uses the PM item.
_WORK: Final = (
    ("Analysis and design", "CONSULT"),
    ("Build and configuration", "DATAENG"),
    ("Reporting and insights", "CONSULT"),
    ("Project management", "PM"),
)
# Resource rates that differ from the employee's standard rate, per project (negotiated cards).
RATE_CARDS: Final = {
    ("P-3006", "E-201"): "165.00",
    ("P-3006", "E-205"): "110.00",
    ("P-3019", "E-202"): "140.00",
    ("P-3019", "E-206"): "265.00",
    ("P-3012", "E-101"): "195.00",
    ("P-3007", "E-102"): "280.00",
}


def work_tasks(pid: str) -> list[str]:
    """The TASKIDs of a project's billable work tasks."""
    return [f"T-{pid[2:]}-{n:02d}" for n in range(1, len(_WORK) + 1)]


def internal_task(pid: str) -> str:
    """The TASKID of a project's non-billable internal task."""
    return f"T-{pid[2:]}-90"


def build_projects(store: Store) -> None:
    """Add every project with its tasks, resources and milestone template."""
    for spec in PROJECTS:
        _project(store, spec)
        for taskid, (name, item) in zip(work_tasks(spec.pid), _WORK, strict=True):
            rate = spec.task_rate if spec.task_rate and item == "PM" else None
            store.add(
                "TASK",
                {
                    "TASKID": taskid,
                    "PROJECTID": spec.pid,
                    "NAME": name,
                    "TASKSTATUS": "In Progress",
                    "BILLABLE": True,
                    "BILLINGRATE": rate,
                    "ITEMID": item,
                },
            )
        store.add(
            "TASK",
            {
                "TASKID": internal_task(spec.pid),
                "PROJECTID": spec.pid,
                "NAME": "Internal quality review",
                "TASKSTATUS": "In Progress",
                "BILLABLE": False,
                "ITEMID": "CONSULT",
            },
        )
        _milestones(store, spec)
        for employee in spec.staff:
            standard = next(e[3] for e in EMPLOYEES if e[0] == employee)
            store.add(
                "PROJECTRESOURCES",
                {
                    "PROJECTID": spec.pid,
                    "EMPLOYEEID": employee,
                    "BILLINGRATE": RATE_CARDS.get((spec.pid, employee), standard),
                    "ITEMID": "CONSULT",
                },
            )


def _project(store: Store, spec: ProjectSpec) -> None:
    customer = store.by("CUSTOMER", "CUSTOMERID", f"C-{spec.customer}")
    currency = customer["CURRENCY"]
    if spec.contract:
        currency = store.by("CONTRACT", "CONTRACTID", spec.contract)["CURRENCY"]
    po = f"PO-{store.rng.randint(10000, 39999)}" if spec.po and spec.kind != FF else None
    store.add(
        "PROJECT",
        {
            "PROJECTID": spec.pid,
            "NAME": spec.name,
            "CUSTOMERID": customer["CUSTOMERID"],
            "PROJECTCATEGORY": "Contract",
            "PROJECTSTATUS": "Active",
            "BEGINDATE": spec.begin,
            "ENDDATE": spec.end,
            "BILLINGTYPE": spec.kind,
            "BILLINGPRICING": "Project rate" if spec.project_rate else "Employee rate",
            "BILLINGRATE": spec.project_rate,
            "EXPENSEPRICING": "Markup" if spec.markup else "Cost",
            "EXPENSERATE": spec.markup,
            "PONUMBER": po,
            "POAMOUNT": None,
            "BILLINGOVERMAX": spec.overmax,
            "BUDGETAMOUNT": None,
            "CURRENCY": currency,
            "CONTRACTID": spec.contract,
            "LOCATIONID": customer["LOCATIONID"],
            "DEPARTMENTID": "PS",
        },
    )


def _milestones(store: Store, spec: ProjectSpec) -> None:
    """A fixed fee project's milestone tasks and the billing template that names them."""
    if not spec.milestones:
        return
    entries = []
    for number, stone in enumerate(spec.milestones, start=1):
        taskid = f"T-{spec.pid[2:]}-M{number}"
        store.add(
            "TASK",
            {
                "TASKID": taskid,
                "PROJECTID": spec.pid,
                "NAME": stone.name,
                "TASKSTATUS": stone.status,
                "ACTUALENDDATE": stone.done,
                "ISMILESTONE": True,
                "BILLABLE": False,
                "ITEMID": "IMPL",
            },
        )
        entries.append({"TASKID": taskid, "PERCENT": stone.percent})
    store.add(
        "CONTRACTBILLINGTEMPLATE",
        {"NAME": f"MS-{spec.pid}", "METHOD": "Milestone", "ENTRIES": entries},
    )
