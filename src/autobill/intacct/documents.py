"""Legacy document writes: ``create_sotransaction``, ``create_invoice`` and their postings.

Element order is the SDKs' (``../shared/intacct-fixtures``): legacy functions are validated
against the XSD sequence, so an element out of place fails the whole function.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autobill.intacct._xml import opt, sub
from autobill.intacct.payloads import Function, amount, legacy_date

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date
    from decimal import Decimal

LINE_DIMENSIONS = ("locationid", "departmentid", "projectid", "customerid", "classid", "contractid")


@dataclass(frozen=True, slots=True)
class Currency:
    """The currency block: currency with a rate type, or an explicit rate, never both."""

    currency: str
    basecurr: str | None = None
    exchratedate: date | None = None
    exchratetype: str | None = None
    exchrate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SalesLine:
    """One ``sotransitem``."""

    itemid: str
    quantity: Decimal
    price: Decimal | None = None
    memo: str | None = None
    dimensions: dict[str, str] = field(default_factory=dict)
    customfields: tuple[tuple[str, str], ...] = ()
    revrectemplate: str | None = None
    revrecstartdate: date | None = None
    revrecenddate: date | None = None


@dataclass(frozen=True, slots=True)
class SalesTransaction:
    """A ``create_sotransaction`` (an Order Entry document such as a Sales Invoice)."""

    transactiontype: str
    datecreated: date
    customerid: str
    lines: tuple[SalesLine, ...]
    datedue: date | None = None
    termname: str | None = None
    referenceno: str | None = None
    message: str | None = None
    externalid: str | None = None
    currency: Currency | None = None
    customfields: tuple[tuple[str, str], ...] = ()
    state: str | None = None
    projectid: str | None = None


@dataclass(frozen=True, slots=True)
class ArLine:
    """One AR ``lineitem``; ``taxes`` are (detail id, amount) pairs."""

    amount: Decimal
    glaccountno: str | None = None
    memo: str | None = None
    dimensions: dict[str, str] = field(default_factory=dict)
    customfields: tuple[tuple[str, str], ...] = ()
    revrectemplate: str | None = None
    revrecstartdate: date | None = None
    revrecenddate: date | None = None
    itemid: str | None = None
    taxes: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class ArInvoice:
    """A ``create_invoice`` (an Accounts Receivable invoice)."""

    customerid: str
    datecreated: date
    lines: tuple[ArLine, ...]
    datedue: date | None = None
    termname: str | None = None
    action: str | None = None
    invoiceno: str | None = None
    description: str | None = None
    externalid: str | None = None
    currency: Currency | None = None
    customfields: tuple[tuple[str, str], ...] = ()


def create_sotransaction(doc: SalesTransaction, *, controlid: str) -> Function:
    """Build ``create_sotransaction``.

    Args:
        doc: the document.
        controlid: the function controlid (the idempotency key).

    Returns:
        The function, counted as one written record.
    """
    body = ET.Element("create_sotransaction")
    sub(body, "transactiontype", doc.transactiontype)
    legacy_date(body, "datecreated", doc.datecreated)
    sub(body, "customerid", doc.customerid)
    opt(body, "referenceno", doc.referenceno)
    opt(body, "termname", doc.termname)
    legacy_date(body, "datedue", doc.datedue)
    opt(body, "message", doc.message)
    opt(body, "externalid", doc.externalid)
    _currency(body, doc.currency)
    _customfields(body, doc.customfields)
    opt(body, "state", doc.state)
    opt(body, "projectid", doc.projectid)
    items = sub(body, "sotransitems")
    for line in doc.lines:
        items.append(_sales_line(line))
    return Function(controlid, body, records=1)


def _sales_line(line: SalesLine) -> ET.Element:
    node = ET.Element("sotransitem")
    sub(node, "itemid", line.itemid)
    sub(node, "quantity", amount(line.quantity))
    opt(node, "price", None if line.price is None else amount(line.price))
    for tag in ("locationid", "departmentid"):
        opt(node, tag, line.dimensions.get(tag))
    opt(node, "memo", line.memo)
    _customfields(node, line.customfields)
    _revrec(node, line.revrectemplate, line.revrecstartdate, line.revrecenddate)
    for tag in ("projectid", "customerid", "classid", "contractid"):
        opt(node, tag, line.dimensions.get(tag))
    return node


def create_invoice(doc: ArInvoice, *, controlid: str) -> Function:
    """Build ``create_invoice``.

    Args:
        doc: the invoice.
        controlid: the function controlid (the idempotency key).

    Returns:
        The function, counted as one written record.
    """
    body = ET.Element("create_invoice")
    sub(body, "customerid", doc.customerid)
    legacy_date(body, "datecreated", doc.datecreated)
    legacy_date(body, "datedue", doc.datedue)
    opt(body, "termname", doc.termname)
    opt(body, "action", doc.action)
    opt(body, "invoiceno", doc.invoiceno)
    opt(body, "description", doc.description)
    opt(body, "externalid", doc.externalid)
    _currency(body, doc.currency)
    _customfields(body, doc.customfields)
    items = sub(body, "invoiceitems")
    for line in doc.lines:
        items.append(_ar_line(line))
    return Function(controlid, body, records=1)


def _ar_line(line: ArLine) -> ET.Element:
    node = ET.Element("lineitem")
    sub(node, "glaccountno", line.glaccountno)
    sub(node, "amount", amount(line.amount))
    opt(node, "memo", line.memo)
    for tag in ("locationid", "departmentid"):
        opt(node, tag, line.dimensions.get(tag))
    _customfields(node, line.customfields)
    _revrec(node, line.revrectemplate, line.revrecstartdate, line.revrecenddate)
    for tag in ("projectid", "customerid"):
        opt(node, tag, line.dimensions.get(tag))
    opt(node, "itemid", line.itemid)
    for tag in ("classid", "contractid"):
        opt(node, tag, line.dimensions.get(tag))
    _taxes(node, line.taxes)
    return node


def update_sotransaction_state(*, key: str, state: str, controlid: str) -> Function:
    """Build ``update_sotransaction`` moving a document to a state (posting: ``Pending``).

    Args:
        key: the document key, ``<transaction type>-<document number>``.
        state: the new state.
        controlid: the function controlid (the idempotency key).

    Returns:
        The function, counted as one written record.
    """
    body = ET.Element("update_sotransaction", {"key": key})
    sub(body, "state", state)
    return Function(controlid, body, records=1)


def update_invoice_action(*, key: str, action: str, controlid: str) -> Function:
    """Build ``update_invoice`` with an action (posting a draft: ``Submit``).

    Args:
        key: the invoice's RECORDNO.
        action: the action.
        controlid: the function controlid (the idempotency key).

    Returns:
        The function, counted as one written record.
    """
    body = ET.Element("update_invoice", {"key": key})
    sub(body, "action", action)
    return Function(controlid, body, records=1)


def _currency(body: ET.Element, block: Currency | None) -> None:
    if block is None:
        return
    opt(body, "basecurr", block.basecurr)
    sub(body, "currency", block.currency)
    if block.exchrate is not None:
        sub(body, "exchrate", amount(block.exchrate))
        return
    legacy_date(body, "exchratedate", block.exchratedate)
    opt(body, "exchratetype", block.exchratetype)


def _customfields(parent: ET.Element, fields: Sequence[tuple[str, str]]) -> None:
    if not fields:
        return
    node = sub(parent, "customfields")
    for name, value in fields:
        one = sub(node, "customfield")
        sub(one, "customfieldname", name)
        sub(one, "customfieldvalue", value)


def _revrec(node: ET.Element, template: str | None, start: date | None, end: date | None) -> None:
    if template is None:
        return
    sub(node, "revrectemplate", template)
    legacy_date(node, "revrecstartdate", start)
    legacy_date(node, "revrecenddate", end)


def _taxes(node: ET.Element, taxes: Sequence[tuple[str, Decimal]]) -> None:
    if not taxes:
        return
    entries = sub(node, "taxentries")
    for detail, tax in taxes:
        entry = sub(entries, "taxentry")
        sub(entry, "detailid", detail)
        sub(entry, "trx_tax", amount(tax))
