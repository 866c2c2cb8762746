"""The company's records as billing reads them: immutable values, one class per Intacct object.

Attribute names are the Intacct field names in lower case (``FLATAMOUNT`` is ``flatamount``), so
a record can be traced to the dataset or the API without a mapping table. Optional fields are
``None`` when absent; defaults that depend on other records (a line's dates, a contract's
currency) are resolved by billing, not stored here. ``raw`` keeps every field as loaded,
unknown ones included, for consumers beyond billing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date
    from decimal import Decimal

_RAW = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Company:
    """The company whose books these are."""

    basecurr: str
    companyid: str | None = None
    name: str | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class Location:
    """An entity or location (a dimension)."""

    locationid: str
    name: str
    parentid: str | None = None
    entity: bool = False
    currency: str | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class Department:
    """A department (a dimension)."""

    departmentid: str
    title: str
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class Class:
    """A class (a dimension)."""

    classid: str
    name: str
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class GlAccount:
    """A general-ledger account."""

    accountno: str
    title: str
    accounttype: str | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class ArTerm:
    """A payment term and the days from invoice date to due date."""

    name: str
    duedays: int
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class TaxDetail:
    """One tax rate, as a percent."""

    detailid: str
    value: Decimal
    taxtype: str | None = None
    glaccount: str | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class TaxScheduleMap:
    """The tax details that apply to a (customer tax group, item tax group) pair."""

    contacttaxgroup: str
    itemtaxgroup: str
    taxdetails: tuple[str, ...]
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    """1 ``fromcurrency`` = ``rate`` ``tocurrency``, from ``ratedate`` on."""

    fromcurrency: str
    tocurrency: str
    ratedate: date
    rate: Decimal
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer."""

    customerid: str
    name: str
    termname: str
    status: str | None = None
    currency: str | None = None
    taxable: bool = False
    taxgroup: str | None = None
    taxid: str | None = None
    custtype: str | None = None
    locationid: str | None = None
    delivery_options: str | None = None
    displaycontact: Mapping[str, Any] | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class Item:
    """A sellable item: its price, tax group, income account and revenue template."""

    itemid: str
    name: str
    itemtype: str | None = None
    baseprice: Decimal | None = None
    taxable: bool = False
    taxgroup: str | None = None
    glaccount: str | None = None
    deferredrevacct: str | None = None
    revrectemplate: str | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class Employee:
    """An employee and their default hourly billing rate."""

    employeeid: str
    name: str
    billingrate: Decimal | None = None
    departmentid: str | None = None
    locationid: str | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class Contract:
    """A customer contract: the header of its lines."""

    contractid: str
    customerid: str
    name: str
    begindate: date
    enddate: date
    termname: str
    billingfrequency: str
    state: str | None = None
    currency: str | None = None
    billinarrears: bool = False
    ponumber: str | None = None
    locationid: str | None = None
    departmentid: str | None = None
    classid: str | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class Tier:
    """A pricing tier: units up to and including ``upto`` (None for the last tier)."""

    price: Decimal
    upto: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ContractLine:
    """A contract line (CONTRACTDETAIL)."""

    contractid: str
    lineno: int
    itemid: str
    billingmethod: str
    billingoptions: str = "Use billing template"
    begindate: date | None = None
    enddate: date | None = None
    flatamount: Decimal | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    multiplier: Decimal | None = None
    discountpercent: Decimal | None = None
    billingtemplatename: str | None = None
    revenuetemplatename: str | None = None
    fairvalue: Decimal | None = None
    pricingmodel: str = "Unit"
    tiers: tuple[Tier, ...] = ()
    packagesize: Decimal | None = None
    includedunits: Decimal | None = None
    minimumamount: Decimal | None = None
    projectid: str | None = None
    taskid: str | None = None
    locationid: str | None = None
    departmentid: str | None = None
    classid: str | None = None
    raw: Mapping[str, Any] | None = _RAW

    @property
    def source(self) -> str:
        """The line's source reference: ``CONTRACTDETAIL:<CONTRACTID>:<LINENO>``."""
        return f"CONTRACTDETAIL:{self.contractid}:{self.lineno}"


@dataclass(frozen=True, slots=True)
class TemplateEntry:
    """A milestone: its task and the percent of the line total it bills."""

    taskid: str
    percent: Decimal


@dataclass(frozen=True, slots=True)
class BillingTemplate:
    """A milestone billing template (CONTRACTBILLINGTEMPLATE)."""

    name: str
    method: str
    entries: tuple[TemplateEntry, ...]
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class ContractUsage:
    """A usage quantity reported against a Quantity based contract line."""

    contractid: str
    lineno: int
    usagedate: date
    quantity: Decimal
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class Project:
    """A project: how it bills time and expenses, and its not-to-exceed amount."""

    projectid: str
    name: str
    customerid: str
    billingtype: str
    projectcategory: str | None = None
    projectstatus: str | None = None
    begindate: date | None = None
    enddate: date | None = None
    billingpricing: str = "Employee rate"
    billingrate: Decimal | None = None
    expensepricing: str = "Cost"
    expenserate: Decimal | None = None
    ponumber: str | None = None
    poamount: Decimal | None = None
    billingovermax: str = "Prevent billing"
    budgetamount: Decimal | None = None
    currency: str | None = None
    termname: str | None = None
    contractid: str | None = None
    locationid: str | None = None
    departmentid: str | None = None
    classid: str | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class Task:
    """A project task; a milestone's completion date bills its part."""

    taskid: str
    projectid: str
    name: str
    taskstatus: str | None = None
    actualenddate: date | None = None
    ismilestone: bool = False
    billable: bool = True
    billingrate: Decimal | None = None
    itemid: str | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class ProjectResource:
    """An employee's rate and item on one project."""

    projectid: str
    employeeid: str
    billingrate: Decimal | None = None
    itemid: str | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class TimesheetEntry:
    """Hours an employee worked on a project."""

    recordno: int
    employeeid: str
    projectid: str
    entrydate: date
    qty: Decimal
    taskid: str | None = None
    billable: bool = True
    state: str | None = None
    billed: bool = False
    itemid: str | None = None
    description: str | None = None
    raw: Mapping[str, Any] | None = _RAW

    @property
    def source(self) -> str:
        """The entry's source reference: ``TIMESHEETENTRY:<RECORDNO>``."""
        return f"TIMESHEETENTRY:{self.recordno}"


@dataclass(frozen=True, slots=True)
class ExpenseItem:
    """An expense line (EEXPENSESITEM) charged to a project."""

    recordno: int
    employeeid: str
    projectid: str
    entrydate: date
    trx_amount: Decimal
    taskid: str | None = None
    currency: str | None = None
    expensetype: str | None = None
    billable: bool = True
    state: str | None = None
    billed: bool = False
    itemid: str | None = None
    description: str | None = None
    raw: Mapping[str, Any] | None = _RAW

    @property
    def source(self) -> str:
        """The entry's source reference: ``EEXPENSESITEM:<RECORDNO>``."""
        return f"EEXPENSESITEM:{self.recordno}"


@dataclass(frozen=True, slots=True)
class Document:
    """A contract document in the repository (its text, or a path to it)."""

    documentid: str
    title: str
    contractid: str | None = None
    projectid: str | None = None
    customerid: str | None = None
    text: str | None = None
    path: str | None = None
    raw: Mapping[str, Any] | None = _RAW


@dataclass(frozen=True, slots=True)
class ArInvoiceItem:
    """A line of a posted AR invoice."""

    amount: Decimal
    line_no: int | None = None
    itemid: str | None = None
    accountno: str | None = None
    entrydescription: str | None = None
    departmentid: str | None = None
    locationid: str | None = None
    classid: str | None = None
    projectid: str | None = None


@dataclass(frozen=True, slots=True)
class ArInvoice:
    """A posted AR invoice: billing history."""

    recordno: int
    customerid: str
    whencreated: date
    arinvoiceitems: tuple[ArInvoiceItem, ...]
    currency: str | None = None
    state: str | None = None
    contractid: str | None = None
    projectid: str | None = None
    raw: Mapping[str, Any] | None = _RAW
