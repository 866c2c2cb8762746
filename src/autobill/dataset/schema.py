"""The dataset format as data: per object, its fields, their kinds, and what they reference.

This table is ``dataset.md`` transcribed; the loader reads it and nothing else to know which
fields exist, which are required, which values an enumeration takes and which object a field
names. Cross-record rules that a table cannot say (dates, prices, currencies) are in ``checks``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Final

from autobill.core.records import (
    ArInvoice,
    ArInvoiceItem,
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
    TemplateEntry,
    Tier,
    TimesheetEntry,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


class Kind(Enum):
    """How a field's value is written."""

    TEXT = "text"
    DECIMAL = "decimal"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    CHOICE = "choice"
    TEXTS = "list of text"
    RECORDS = "list of mappings"
    MAPPING = "mapping"


@dataclass(frozen=True)
class Field:
    """A field: its kind, whether it is required, and its constraints and reference."""

    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str | None = None
    positive: bool = False
    hundredths: bool = False
    nested: Nested | None = None


@dataclass(frozen=True)
class Nested:
    """The fields of a nested mapping (or of each mapping in a list) and the type it builds."""

    fields: Mapping[str, Field]
    build: Callable[..., object] | None = None


@dataclass(frozen=True)
class ObjectSpec:
    """One object of the dataset: its top-level key, record type, key fields and fields."""

    name: str
    attr: str
    build: Callable[..., object]
    key: tuple[str, ...]
    fields: Mapping[str, Field]
    refs: tuple[tuple[tuple[str, ...], str], ...] = field(default=())
    separator: str = "/"


TEXT: Final = Field(Kind.TEXT)
TEXT_REQ: Final = Field(Kind.TEXT, required=True)
DECIMAL: Final = Field(Kind.DECIMAL)
DECIMAL_REQ: Final = Field(Kind.DECIMAL, required=True)
POSITIVE: Final = Field(Kind.DECIMAL, positive=True)
INTEGER: Final = Field(Kind.INTEGER)
INTEGER_REQ: Final = Field(Kind.INTEGER, required=True)
BOOLEAN: Final = Field(Kind.BOOLEAN)
DATE: Final = Field(Kind.DATE)
DATE_REQ: Final = Field(Kind.DATE, required=True)


def ref(target: str, *, required: bool = False) -> Field:
    """Return a text field naming a record of ``target`` by its key."""
    return Field(Kind.TEXT, required=required, ref=target)


def one_of(*choices: str, required: bool = False) -> Field:
    """Return an enumeration field accepting exactly ``choices``."""
    return Field(Kind.CHOICE, required=required, choices=choices)


DIMENSIONS: Final = {
    "LOCATIONID": ref("LOCATION"),
    "DEPARTMENTID": ref("DEPARTMENT"),
    "CLASSID": ref("CLASS"),
}
REVENUE_TEMPLATES: Final = ("Daily rate", "Straight line", "On invoice", "On completion")

COMPANY: Final = Nested(
    {"BASECURR": TEXT_REQ, "COMPANYID": TEXT, "NAME": TEXT},
    Company,
)
ADDRESS: Final = Nested(
    dict.fromkeys(("ADDRESS1", "ADDRESS2", "CITY", "STATE", "ZIP", "COUNTRY", "COUNTRYCODE"), TEXT)
)
CONTACT: Final = Nested(
    {"PRINTAS": TEXT, "EMAIL1": TEXT, "MAILADDRESS": Field(Kind.MAPPING, nested=ADDRESS)}
)
TIERS: Final = Nested({"UPTO": DECIMAL, "PRICE": DECIMAL_REQ}, Tier)
ENTRIES: Final = Nested(
    {
        "TASKID": ref("TASK", required=True),
        "PERCENT": Field(Kind.DECIMAL, required=True, positive=True),
    },
    TemplateEntry,
)
INVOICE_ITEMS: Final = Nested(
    {
        "LINE_NO": INTEGER,
        "ITEMID": ref("ITEM"),
        "ACCOUNTNO": ref("GLACCOUNT"),
        "AMOUNT": DECIMAL_REQ,
        "ENTRYDESCRIPTION": TEXT,
        **DIMENSIONS,
        "PROJECTID": ref("PROJECT"),
    },
    ArInvoiceItem,
)

_ENTRY_FIELDS: Final = {
    "RECORDNO": INTEGER_REQ,
    "EMPLOYEEID": ref("EMPLOYEE", required=True),
    "PROJECTID": ref("PROJECT", required=True),
    "TASKID": ref("TASK"),
    "ENTRYDATE": DATE_REQ,
    "BILLABLE": BOOLEAN,
    "STATE": TEXT,
    "BILLED": BOOLEAN,
    "ITEMID": ref("ITEM"),
    "DESCRIPTION": TEXT,
}

OBJECTS: Final = (
    ObjectSpec("LOCATION", "locations", Location, ("LOCATIONID",), {
        "LOCATIONID": TEXT_REQ, "NAME": TEXT_REQ, "PARENTID": ref("LOCATION"),
        "ENTITY": BOOLEAN, "CURRENCY": TEXT,
    }),
    ObjectSpec("DEPARTMENT", "departments", Department, ("DEPARTMENTID",), {
        "DEPARTMENTID": TEXT_REQ, "TITLE": TEXT_REQ,
    }),
    ObjectSpec("CLASS", "classes", Class, ("CLASSID",), {"CLASSID": TEXT_REQ, "NAME": TEXT_REQ}),
    ObjectSpec("GLACCOUNT", "glaccounts", GlAccount, ("ACCOUNTNO",), {
        "ACCOUNTNO": TEXT_REQ, "TITLE": TEXT_REQ, "ACCOUNTTYPE": TEXT,
    }),
    ObjectSpec("ARTERM", "arterms", ArTerm, ("NAME",), {"NAME": TEXT_REQ, "DUEDAYS": INTEGER_REQ}),
    ObjectSpec("TAXDETAIL", "taxdetails", TaxDetail, ("DETAILID",), {
        "DETAILID": TEXT_REQ, "VALUE": DECIMAL_REQ, "TAXTYPE": TEXT, "GLACCOUNT": ref("GLACCOUNT"),
    }),
    ObjectSpec("TAXSCHEDULEMAP", "taxschedulemaps", TaxScheduleMap,
               ("CONTACTTAXGROUP", "ITEMTAXGROUP"), {
        "CONTACTTAXGROUP": TEXT_REQ, "ITEMTAXGROUP": TEXT_REQ,
        "TAXDETAILS": Field(Kind.TEXTS, required=True, ref="TAXDETAIL"),
    }),
    ObjectSpec("EXCHANGERATE", "exchangerates", ExchangeRate,
               ("FROMCURRENCY", "TOCURRENCY", "RATEDATE"), {
        "FROMCURRENCY": TEXT_REQ, "TOCURRENCY": TEXT_REQ, "RATEDATE": DATE_REQ, "RATE": DECIMAL_REQ,
    }),
    ObjectSpec("CUSTOMER", "customers", Customer, ("CUSTOMERID",), {
        "CUSTOMERID": TEXT_REQ, "NAME": TEXT_REQ, "STATUS": TEXT,
        "TERMNAME": ref("ARTERM", required=True), "CURRENCY": TEXT, "TAXABLE": BOOLEAN,
        "TAXGROUP": TEXT, "TAXID": TEXT, "CUSTTYPE": TEXT, "LOCATIONID": ref("LOCATION"),
        "DELIVERY_OPTIONS": TEXT, "DISPLAYCONTACT": Field(Kind.MAPPING, nested=CONTACT),
    }),
    ObjectSpec("ITEM", "items", Item, ("ITEMID",), {
        "ITEMID": TEXT_REQ, "NAME": TEXT_REQ, "ITEMTYPE": TEXT, "BASEPRICE": DECIMAL,
        "TAXABLE": BOOLEAN, "TAXGROUP": TEXT, "GLACCOUNT": ref("GLACCOUNT"),
        "DEFERREDREVACCT": ref("GLACCOUNT"), "REVRECTEMPLATE": one_of(*REVENUE_TEMPLATES),
    }),
    ObjectSpec("EMPLOYEE", "employees", Employee, ("EMPLOYEEID",), {
        "EMPLOYEEID": TEXT_REQ, "NAME": TEXT_REQ, "BILLINGRATE": DECIMAL,
        "DEPARTMENTID": ref("DEPARTMENT"), "LOCATIONID": ref("LOCATION"),
    }),
    ObjectSpec("CONTRACT", "contracts", Contract, ("CONTRACTID",), {
        "CONTRACTID": TEXT_REQ, "CUSTOMERID": ref("CUSTOMER", required=True), "NAME": TEXT_REQ,
        "BEGINDATE": DATE_REQ, "ENDDATE": DATE_REQ, "STATE": TEXT,
        "TERMNAME": ref("ARTERM", required=True), "CURRENCY": TEXT,
        "BILLINGFREQUENCY": one_of("Monthly", "Quarterly", "Annually", required=True),
        "BILLINARREARS": BOOLEAN, "PONUMBER": TEXT, **DIMENSIONS,
    }),
    ObjectSpec("CONTRACTDETAIL", "contractlines", ContractLine, ("CONTRACTID", "LINENO"), {
        "CONTRACTID": ref("CONTRACT", required=True), "LINENO": INTEGER_REQ,
        "ITEMID": ref("ITEM", required=True),
        "BILLINGMETHOD": one_of("Fixed price", "Quantity based", required=True),
        "BILLINGOPTIONS": one_of("Use billing template", "One-time", "Include with every invoice"),
        "BEGINDATE": DATE, "ENDDATE": DATE, "FLATAMOUNT": DECIMAL, "QUANTITY": DECIMAL,
        "PRICE": DECIMAL, "MULTIPLIER": DECIMAL, "DISCOUNTPERCENT": DECIMAL,
        "BILLINGTEMPLATENAME": ref("CONTRACTBILLINGTEMPLATE"),
        "REVENUETEMPLATENAME": one_of(*REVENUE_TEMPLATES), "FAIRVALUE": POSITIVE,
        "PRICINGMODEL": one_of("Unit", "Tiered graduated", "Tiered volume", "Package"),
        "TIERS": Field(Kind.RECORDS, nested=TIERS), "PACKAGESIZE": POSITIVE,
        "INCLUDEDUNITS": DECIMAL, "MINIMUMAMOUNT": DECIMAL, "PROJECTID": ref("PROJECT"),
        "TASKID": ref("TASK"), **DIMENSIONS,
    }, separator=":"),
    ObjectSpec("CONTRACTBILLINGTEMPLATE", "billingtemplates", BillingTemplate, ("NAME",), {
        "NAME": TEXT_REQ, "METHOD": one_of("Milestone", required=True),
        "ENTRIES": Field(Kind.RECORDS, required=True, nested=ENTRIES),
    }),
    ObjectSpec("CONTRACTUSAGE", "contractusage", ContractUsage, (), {
        "CONTRACTID": ref("CONTRACT", required=True), "LINENO": INTEGER_REQ,
        "USAGEDATE": DATE_REQ, "QUANTITY": Field(Kind.DECIMAL, required=True, hundredths=True),
    }, refs=((("CONTRACTID", "LINENO"), "CONTRACTDETAIL"),)),
    ObjectSpec("PROJECT", "projects", Project, ("PROJECTID",), {
        "PROJECTID": TEXT_REQ, "NAME": TEXT_REQ, "CUSTOMERID": ref("CUSTOMER", required=True),
        "PROJECTCATEGORY": TEXT, "PROJECTSTATUS": TEXT, "BEGINDATE": DATE, "ENDDATE": DATE,
        "BILLINGTYPE": one_of(
            "Time & Material", "Fixed Fee", "Fixed Fee & Expenses", required=True
        ),
        "BILLINGPRICING": one_of("Employee rate", "Project rate"), "BILLINGRATE": DECIMAL,
        "EXPENSEPRICING": one_of("Cost", "Markup"), "EXPENSERATE": DECIMAL, "PONUMBER": TEXT,
        "POAMOUNT": DECIMAL, "BILLINGOVERMAX": one_of("Prevent billing", "Bill and flag"),
        "BUDGETAMOUNT": DECIMAL, "CURRENCY": TEXT, "TERMNAME": ref("ARTERM"),
        "CONTRACTID": ref("CONTRACT"), **DIMENSIONS,
    }),
    ObjectSpec("TASK", "tasks", Task, ("TASKID",), {
        "TASKID": TEXT_REQ, "PROJECTID": ref("PROJECT", required=True), "NAME": TEXT_REQ,
        "TASKSTATUS": TEXT, "ACTUALENDDATE": DATE, "ISMILESTONE": BOOLEAN, "BILLABLE": BOOLEAN,
        "BILLINGRATE": DECIMAL, "ITEMID": ref("ITEM"),
    }),
    ObjectSpec("PROJECTRESOURCES", "projectresources", ProjectResource,
               ("PROJECTID", "EMPLOYEEID"), {
        "PROJECTID": ref("PROJECT", required=True), "EMPLOYEEID": ref("EMPLOYEE", required=True),
        "BILLINGRATE": DECIMAL, "ITEMID": ref("ITEM"),
    }),
    ObjectSpec("TIMESHEETENTRY", "timesheetentries", TimesheetEntry, ("RECORDNO",), {
        **_ENTRY_FIELDS, "QTY": DECIMAL_REQ,
    }),
    ObjectSpec("EEXPENSESITEM", "expenseitems", ExpenseItem, ("RECORDNO",), {
        **_ENTRY_FIELDS, "TRX_AMOUNT": DECIMAL_REQ, "CURRENCY": TEXT, "EXPENSETYPE": TEXT,
    }),
    ObjectSpec("DOCUMENT", "documents", Document, ("DOCUMENTID",), {
        "DOCUMENTID": TEXT_REQ, "TITLE": TEXT_REQ, "CONTRACTID": ref("CONTRACT"),
        "PROJECTID": ref("PROJECT"), "CUSTOMERID": ref("CUSTOMER"), "TEXT": TEXT, "PATH": TEXT,
    }),
    ObjectSpec("ARINVOICE", "arinvoices", ArInvoice, ("RECORDNO",), {
        "RECORDNO": INTEGER_REQ, "CUSTOMERID": ref("CUSTOMER", required=True),
        "WHENCREATED": DATE_REQ, "CURRENCY": TEXT, "STATE": TEXT, "CONTRACTID": ref("CONTRACT"),
        "PROJECTID": ref("PROJECT"),
        "ARINVOICEITEMS": Field(Kind.RECORDS, required=True, nested=INVOICE_ITEMS),
    }),
)  # fmt: skip
