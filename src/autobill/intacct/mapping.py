"""From a core invoice draft to Intacct writes: drafting and, separately, posting.

Each company chooses Order Entry (``create_sotransaction`` of a configurable transaction type,
``Sales Invoice`` by default, in state ``Draft``) or Accounts Receivable (``create_invoice``
with action ``Draft``). Posting moves a draft on (``Pending`` / ``Submit``) as its own
idempotent write. Custom fields carry the autobill trace id, the source trigger and the
business key the write can be read back by. Amounts travel as decimal strings.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from autobill.intacct.documents import (
    ArInvoice,
    ArLine,
    Currency,
    SalesLine,
    SalesTransaction,
    create_invoice,
    create_sotransaction,
    update_invoice_action,
    update_sotransaction_state,
)
from autobill.intacct.idempotency import ReadBack, controlid
from autobill.intacct.writes import Write

if TYPE_CHECKING:
    from collections.abc import Mapping

    from autobill.core.billing.model import Charge, Invoice, InvoiceKey, TaxAmount


class MappingError(ValueError):
    """A core invoice cannot be expressed as the company's Intacct document."""


@dataclass(frozen=True, slots=True)
class CompanySettings:
    """How one company's invoices become Intacct documents."""

    company: str
    document: Literal["sotransaction", "invoice"] = "sotransaction"
    transaction_type: str = "Sales Invoice"
    draft_state: str = "Draft"
    posted_state: str = "Pending"
    draft_action: str = "Draft"
    post_action: str = "Submit"
    base_currency: str | None = None
    rate_type: str = "Intacct Daily Rate"
    default_item_id: str | None = None
    default_gl_account: str | None = None
    revrec_templates: Mapping[str, str] = dataclasses.field(default_factory=dict)
    trace_field: str = "AUTOBILL_TRACE_ID"
    trigger_field: str = "AUTOBILL_TRIGGER"
    key_field: str = "AUTOBILL_KEY"


def invoice_key(key: InvoiceKey) -> str:
    """The business key of an invoice: what makes its lines one invoice.

    Args:
        key: the core invoice key.

    Returns:
        ``<customer>:<contract or ->:<project or ->:<date>:<currency>``.
    """
    parts = (key.customer_id, key.contract_id or "-", key.project_id or "-")
    return ":".join((*parts, key.invoice_date.isoformat(), key.currency))


def draft(invoice: Invoice, *, settings: CompanySettings, trace_id: str, trigger: str) -> Write:
    """Map an invoice to the idempotent write that drafts it in Intacct.

    Args:
        invoice: the core invoice.
        settings: the company's mapping settings.
        trace_id: the autobill trace id, stored in a custom field.
        trigger: the source trigger (e.g. ``schedule``, ``webhook``), stored in a custom field.

    Returns:
        The write; its controlid is ``autobill:<company>:<invoice key>:draft``.

    Raises:
        MappingError: a line has no item (Order Entry) or no GL account (AR).
    """
    key = invoice_key(invoice.key)
    business = f"autobill:{settings.company}:{key}"
    fields = (
        (settings.trace_field, trace_id),
        (settings.trigger_field, trigger),
        (settings.key_field, business),
    )
    cid = controlid(company=settings.company, key=key, step="draft")
    if settings.document == "invoice":
        function = create_invoice(_ar_invoice(invoice, settings, fields), controlid=cid)
        back = ReadBack("ARINVOICE", settings.key_field, business, "RECORDNO")
        return Write(function, back)
    function = create_sotransaction(_sales(invoice, settings, fields), controlid=cid)
    back = ReadBack("SODOCUMENT", settings.key_field, business, "DOCID", settings.transaction_type)
    return Write(function, back)


def post(*, key: InvoiceKey, record_key: str, settings: CompanySettings) -> Write:
    """Map the posting of a drafted invoice (Draft to Pending, or Draft to Submit).

    Args:
        key: the core invoice key.
        record_key: the drafted document's Intacct key (DOCID, or RECORDNO for AR).
        settings: the company's mapping settings.

    Returns:
        The write; its controlid is ``autobill:<company>:<invoice key>:post``.
    """
    cid = controlid(company=settings.company, key=invoice_key(key), step="post")
    if settings.document == "invoice":
        function = update_invoice_action(key=record_key, action=settings.post_action, controlid=cid)
    else:
        function = update_sotransaction_state(
            key=record_key, state=settings.posted_state, controlid=cid
        )
    return Write(function, key=record_key)


def _sales(
    invoice: Invoice, settings: CompanySettings, fields: tuple[tuple[str, str], ...]
) -> SalesTransaction:
    return SalesTransaction(
        transactiontype=settings.transaction_type,
        datecreated=invoice.key.invoice_date,
        customerid=invoice.key.customer_id,
        lines=tuple(_sales_line(line.charge, settings) for line in invoice.lines),
        datedue=invoice.due_date,
        currency=_currency(invoice, settings),
        customfields=fields,
        state=settings.draft_state,
    )


def _sales_line(charge: Charge, settings: CompanySettings) -> SalesLine:
    item = charge.item_id or settings.default_item_id
    if item is None:
        msg = f"line {charge.description!r} has no item, and the company sets no default item"
        raise MappingError(msg)
    quantity, price = _quantity_price(charge)
    period = charge.period
    return SalesLine(
        itemid=item,
        quantity=quantity,
        price=price,
        memo=charge.description,
        dimensions=_dimensions(charge),
        revrectemplate=settings.revrec_templates.get(item),
        revrecstartdate=period.first if period else None,
        revrecenddate=period.last if period else None,
    )


def _quantity_price(charge: Charge) -> tuple[Decimal, Decimal]:
    """Quantity and unit price whose product is exactly the line amount Intacct must book."""
    price = charge.unit_price
    if price is not None and charge.quantity * price == charge.amount:
        return charge.quantity, price
    # A rounded or flat amount: one unit at the amount keeps Intacct's total equal to ours.
    return Decimal(1), charge.amount


def _ar_invoice(
    invoice: Invoice, settings: CompanySettings, fields: tuple[tuple[str, str], ...]
) -> ArInvoice:
    return ArInvoice(
        customerid=invoice.key.customer_id,
        datecreated=invoice.key.invoice_date,
        lines=tuple(_ar_line(line.charge, line.taxes, settings) for line in invoice.lines),
        datedue=invoice.due_date,
        action=settings.draft_action,
        currency=_currency(invoice, settings),
        customfields=fields,
    )


def _ar_line(charge: Charge, taxes: tuple[TaxAmount, ...], settings: CompanySettings) -> ArLine:
    account = charge.gl_account or settings.default_gl_account
    if account is None:
        msg = f"line {charge.description!r} has no GL account, and the company sets no default"
        raise MappingError(msg)
    period = charge.period
    template = settings.revrec_templates.get(charge.item_id) if charge.item_id else None
    return ArLine(
        amount=charge.amount,
        glaccountno=account,
        memo=charge.description,
        dimensions=_dimensions(charge),
        revrectemplate=template,
        revrecstartdate=period.first if period else None,
        revrecenddate=period.last if period else None,
        itemid=charge.item_id,
        taxes=tuple((t.detail_id, t.amount) for t in taxes),
    )


def _dimensions(charge: Charge) -> dict[str, str]:
    dims = charge.dimensions
    values = {
        "locationid": dims.locationid,
        "departmentid": dims.departmentid,
        "classid": dims.classid,
        "projectid": dims.projectid or charge.key.project_id,
        "contractid": charge.key.contract_id,
    }
    return {name: value for name, value in values.items() if value}


def _currency(invoice: Invoice, settings: CompanySettings) -> Currency | None:
    currency = invoice.key.currency
    if invoice.exchange_rate is not None:
        return Currency(currency=currency, exchrate=invoice.exchange_rate)
    if settings.base_currency is None or currency == settings.base_currency:
        return None
    return Currency(
        currency=currency, exchratedate=invoice.key.invoice_date, exchratetype=settings.rate_type
    )
