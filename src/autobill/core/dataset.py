"""A company's records as one immutable value, with the lookups billing needs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Mapping

    from autobill.core.records import (
        ArInvoice,
        ArTerm,
        BillingTemplate,
        Class,
        Company,
        Contract,
        ContractLine,
        ContractUsage,
        Customer,
        Department,
        Document,
        Employee,
        ExchangeRate,
        ExpenseItem,
        GlAccount,
        Item,
        Location,
        Project,
        ProjectResource,
        Task,
        TaxDetail,
        TaxScheduleMap,
        TimesheetEntry,
    )

FORMAT = "autobill-dataset/1"
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Dataset:
    """Every record of one company, as loaded; lookups by key are built once on creation."""

    company: Company
    locations: tuple[Location, ...] = ()
    departments: tuple[Department, ...] = ()
    classes: tuple[Class, ...] = ()
    glaccounts: tuple[GlAccount, ...] = ()
    arterms: tuple[ArTerm, ...] = ()
    taxdetails: tuple[TaxDetail, ...] = ()
    taxschedulemaps: tuple[TaxScheduleMap, ...] = ()
    exchangerates: tuple[ExchangeRate, ...] = ()
    customers: tuple[Customer, ...] = ()
    items: tuple[Item, ...] = ()
    employees: tuple[Employee, ...] = ()
    contracts: tuple[Contract, ...] = ()
    contractlines: tuple[ContractLine, ...] = ()
    billingtemplates: tuple[BillingTemplate, ...] = ()
    contractusage: tuple[ContractUsage, ...] = ()
    projects: tuple[Project, ...] = ()
    tasks: tuple[Task, ...] = ()
    projectresources: tuple[ProjectResource, ...] = ()
    timesheetentries: tuple[TimesheetEntry, ...] = ()
    expenseitems: tuple[ExpenseItem, ...] = ()
    documents: tuple[Document, ...] = ()
    arinvoices: tuple[ArInvoice, ...] = ()
    index: DatasetIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", DatasetIndex.of(self))


def _by(records: tuple[object, ...], attr: str) -> Mapping[str, object]:
    return MappingProxyType({getattr(r, attr): r for r in records})


def _grouped(pairs: list[tuple[K, V]]) -> Mapping[K, tuple[V, ...]]:
    groups: dict[K, list[V]] = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return MappingProxyType({k: tuple(v) for k, v in groups.items()})


@dataclass(frozen=True)
class DatasetIndex:
    """Lookups by key over a dataset's records."""

    customers: Mapping[str, Customer]
    items: Mapping[str, Item]
    employees: Mapping[str, Employee]
    arterms: Mapping[str, ArTerm]
    taxdetails: Mapping[str, TaxDetail]
    taxmaps: Mapping[tuple[str, str], TaxScheduleMap]
    rates: Mapping[tuple[str, str], tuple[ExchangeRate, ...]]
    contracts: Mapping[str, Contract]
    lines_by_contract: Mapping[str, tuple[ContractLine, ...]]
    templates: Mapping[str, BillingTemplate]
    usage_by_line: Mapping[tuple[str, int], tuple[ContractUsage, ...]]  # by USAGEDATE
    projects: Mapping[str, Project]
    tasks: Mapping[str, Task]
    resources: Mapping[tuple[str, str], ProjectResource]
    time_by_project: Mapping[str, tuple[TimesheetEntry, ...]]
    expenses_by_project: Mapping[str, tuple[ExpenseItem, ...]]
    history_by_project: Mapping[str, tuple[ArInvoice, ...]]

    @classmethod
    def of(cls, data: Dataset) -> DatasetIndex:
        """Build the lookups of ``data``."""
        return cls(
            customers=_by(data.customers, "customerid"),  # type: ignore[arg-type]
            items=_by(data.items, "itemid"),  # type: ignore[arg-type]
            employees=_by(data.employees, "employeeid"),  # type: ignore[arg-type]
            arterms=_by(data.arterms, "name"),  # type: ignore[arg-type]
            taxdetails=_by(data.taxdetails, "detailid"),  # type: ignore[arg-type]
            taxmaps=MappingProxyType(
                {(m.contacttaxgroup, m.itemtaxgroup): m for m in data.taxschedulemaps}
            ),
            rates=_grouped(
                [
                    ((r.fromcurrency, r.tocurrency), r)
                    for r in sorted(data.exchangerates, key=lambda r: r.ratedate)
                ]
            ),
            contracts=_by(data.contracts, "contractid"),  # type: ignore[arg-type]
            lines_by_contract=_grouped(
                [(ln.contractid, ln) for ln in sorted(data.contractlines, key=lambda x: x.lineno)]
            ),
            templates=_by(data.billingtemplates, "name"),  # type: ignore[arg-type]
            usage_by_line=_grouped(
                [
                    ((u.contractid, u.lineno), u)
                    for u in sorted(data.contractusage, key=lambda u: u.usagedate)
                ]
            ),
            projects=_by(data.projects, "projectid"),  # type: ignore[arg-type]
            tasks=_by(data.tasks, "taskid"),  # type: ignore[arg-type]
            resources=MappingProxyType(
                {(r.projectid, r.employeeid): r for r in data.projectresources}
            ),
            time_by_project=_grouped([(t.projectid, t) for t in data.timesheetentries]),
            expenses_by_project=_grouped([(e.projectid, e) for e in data.expenseitems]),
            history_by_project=_grouped(
                [(inv.projectid, inv) for inv in data.arinvoices if inv.projectid is not None]
            ),
        )
