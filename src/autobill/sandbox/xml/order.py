"""Element order of the legacy transaction functions, as the v3.0 XSD fixes it (§4.3, §4.4).

Each tuple lists a function's (or line's) child elements in schema order; names in one inner
tuple share a rank (the 2019 XSD puts ``batchkey`` before ``action``, the PHP SDK writes
``action`` first, and both are accepted). ``onhold``, ``taxsolutionid`` and ``taxentries`` are
where the PHP SDK writes them (newer than the 2019 XSD).
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping
    from xml.etree.ElementTree import Element

Ranks = tuple[tuple[str, ...], ...]

_CURRENCY: Final = (("basecurr",), ("currency",), ("exchratedate",), ("exchratetype",),
                    ("exchrate",))
_INVOICE: Final[Ranks] = (
    ("customerid",), ("datecreated",), ("dateposted",), ("datedue",), ("termname",),
    ("batchkey", "action"), ("invoiceno",), ("ponumber",), ("onhold",), ("description",),
    ("externalid",), ("billto",), ("shipto",), *_CURRENCY, ("nogl",), ("supdocid",),
    ("taxsolutionid",), ("customfields",), ("invoiceitems",),
)
_ADJUSTMENT: Final[Ranks] = (
    ("customerid",), ("datecreated",), ("dateposted",), ("batchkey",), ("adjustmentno",),
    ("action",), ("invoiceno",), ("description",), ("externalid",), *_CURRENCY, ("nogl",),
    ("aradjustmentitems",),
)
_SOTRANSACTION: Final[Ranks] = (
    ("transactiontype",), ("datecreated",), ("dateposted",), ("createdfrom",), ("customerid",),
    ("documentno",), ("origdocdate",), ("referenceno",), ("termname",), ("datedue",),
    ("message",), ("shippingmethod",), ("shipto",), ("billto",), ("supdocid",), ("externalid",),
    *_CURRENCY, ("vsoepricelist",), ("customfields",), ("state",), ("projectid",),
    ("sotransitems",), ("subtotals",),
)
_LINEITEM: Final[Ranks] = (
    ("accountlabel", "glaccountno"), ("offsetglaccountno",), ("amount",), ("allocationid",),
    ("memo",), ("locationid",), ("departmentid",), ("key",), ("totalpaid",), ("totaldue",),
    ("customfields",), ("revrectemplate",), ("defrevaccount",), ("revrecstartdate",),
    ("revrecenddate",), ("projectid",), ("customerid",), ("vendorid",), ("employeeid",),
    ("itemid",), ("classid",), ("contractid",), ("warehouseid",), ("billable",),
    ("taxentries",),
)
_SOTRANSITEM: Final[Ranks] = (
    ("bundlenumber",), ("itemid",), ("itemdesc",), ("taxable",), ("warehouseid",),
    ("quantity",), ("unit",), ("linelevelsimpletaxtype",), ("discountpercent",), ("price",),
    ("sourcelinekey",), ("discsurchargememo",), ("locationid",), ("departmentid",), ("memo",),
    ("itemdetails",), ("customfields",), ("revrectemplate",), ("revrecstartdate",),
    ("revrecenddate",), ("renewalmacro",), ("projectid",), ("customerid",), ("vendorid",),
    ("employeeid",), ("classid",), ("contractid",), ("fulfillmentstatus",), ("taskno",),
    ("billingtemplate",), ("dropship",), ("shipto",),
)
ORDERS: Final[Mapping[str, Ranks]] = MappingProxyType({
    "create_invoice": _INVOICE,
    "create_aradjustment": _ADJUSTMENT,
    "create_sotransaction": _SOTRANSACTION,
})
LINES: Final[Mapping[str, tuple[str, Ranks]]] = MappingProxyType({
    "create_invoice": ("invoiceitems/lineitem", _LINEITEM),
    "create_aradjustment": ("aradjustmentitems/lineitem", _LINEITEM),
    "create_sotransaction": ("sotransitems/sotransitem", _SOTRANSITEM),
})


@cache
def _positions(ranks: Ranks) -> Mapping[str, int]:
    return {name: rank for rank, names in enumerate(ranks) for name in names}


def misplaced(element: Element, ranks: Ranks) -> str | None:
    """Return the first child that is unknown or out of schema order, or None."""
    position = _positions(ranks)
    last = -1
    for child in element:
        rank = position.get(child.tag)
        if rank is None or rank < last:
            return child.tag
        last = rank
    return None


def order_violation(function: Element) -> str | None:
    """Return the XSD message for a legacy function whose elements break the schema order."""
    ranks = ORDERS.get(function.tag)
    if ranks is None:
        return None
    found = misplaced(function, ranks)
    if found is None:
        path, line_ranks = LINES[function.tag]
        found = next((bad for line in function.findall(path)
                      if (bad := misplaced(line, line_ranks)) is not None), None)
    if found is None:
        return None
    return (f"XML Parse schema error: Element '{found}': This element is not expected "
            f"in {function.tag}.")
