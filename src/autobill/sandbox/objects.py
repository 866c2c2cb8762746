"""The Intacct objects the sandbox serves: fields (``fields.json``), keys and required fields."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

# The id field of each object (readByName, duplicate checks); None: RECORDNO is the only key.
ID_FIELDS: Final[Mapping[str, str | None]] = MappingProxyType(
    {
        "CUSTOMER": "CUSTOMERID",
        "CONTACT": "CONTACTNAME",
        "ITEM": "ITEMID",
        "GLACCOUNT": "ACCOUNTNO",
        "DEPARTMENT": "DEPARTMENTID",
        "LOCATION": "LOCATIONID",
        "CLASS": "CLASSID",
        "ARTERM": "NAME",
        "TAXDETAIL": "DETAILID",
        "EMPLOYEE": "EMPLOYEEID",
        "PROJECT": "PROJECTID",
        "TASK": "TASKID",
        "CONTRACT": "CONTRACTID",
        "SODOCUMENT": "DOCID",
        "SUPDOC": "SUPDOCID",
        "CONTRACTBILLINGTEMPLATE": "NAME",
        "DOCUMENT": "DOCUMENTID",
        "COMPANY": "COMPANYID",
    }
)

# Required on generic create (intacct-api.md §5; the SDK's minimal creates).
REQUIRED: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "CUSTOMER": ("NAME",),
        "CONTACT": ("CONTACTNAME", "PRINTAS"),
        "ITEM": ("ITEMID", "NAME", "ITEMTYPE"),
        "GLACCOUNT": ("ACCOUNTNO", "TITLE"),
        "DEPARTMENT": ("DEPARTMENTID", "TITLE"),
        "LOCATION": ("LOCATIONID", "NAME"),
        "CLASS": ("CLASSID", "NAME"),
        "TAXDETAIL": ("DETAILID",),
        "EMPLOYEE": ("EMPLOYEEID",),
        "PROJECT": ("NAME", "PROJECTCATEGORY"),
        "TASK": ("NAME", "PROJECTID"),
        "PROJECTRESOURCES": ("PROJECTID", "EMPLOYEEID"),
        "TIMESHEET": ("EMPLOYEEID", "BEGINDATE"),
        "TIMESHEETENTRY": ("ENTRYDATE", "QTY"),
        "CONTRACT": ("CONTRACTID", "CUSTOMERID", "NAME", "BEGINDATE"),
        "CONTRACTDETAIL": ("CONTRACTID", "BILLINGMETHOD"),
        "CONTRACTUSAGE": ("CONTRACTID", "USAGEDATE", "QUANTITY"),
    }
)

# Objects whose id is numbered by the sandbox when a create leaves it out (document sequencing).
AUTONUMBERED: Final = frozenset({"CUSTOMER", "PROJECT"})

# Objects only the legacy or document functions write; generic create refuses them (§4.3).
NOT_GENERIC_CREATE: Final = frozenset(
    {"ARINVOICE", "ARINVOICEITEM", "SODOCUMENT", "SODOCUMENTENTRY", "ARADJUSTMENT",
     "ARADJUSTMENTITEM", "REVRECSCHEDULE", "REVRECSCHEDULEENTRY", "AUDITHISTORY"}
)


@dataclass(frozen=True, slots=True)
class ObjectDef:
    """One object: its name, ordered fields, id field and required fields."""

    name: str
    fields: tuple[str, ...]
    id_field: str | None
    required: tuple[str, ...]

    @property
    def field_set(self) -> frozenset[str]:
        """Return the object's fields as a set."""
        return frozenset(self.fields)


@cache
def catalogue() -> Mapping[str, ObjectDef]:
    """Return every object the sandbox knows, by name."""
    text = resources.files("autobill.sandbox").joinpath("fields.json").read_text("utf-8")
    table: dict[str, list[str]] = json.loads(text)
    return MappingProxyType(
        {
            name: ObjectDef(name, tuple(names), ID_FIELDS.get(name), REQUIRED.get(name, ()))
            for name, names in table.items()
        }
    )


def lookup(name: str) -> ObjectDef | None:
    """Return the object called ``name`` (upper case, as Intacct spells it), or None."""
    return catalogue().get(name)
