"""Core invoices mapped to create_sotransaction / create_invoice and their postings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from autobill.core.billing import Charge, Dimensions, Invoice, InvoiceKey, InvoiceLine, TaxAmount
from autobill.core.calendar import DateSpan
from autobill.intacct.mapping import CompanySettings, MappingError, draft, invoice_key, post

KEY = InvoiceKey(date(2026, 11, 30), "C-1", "CN-1", None, "USD")


def charge(**overrides: object) -> Charge:
    """A monthly subscription line, overridable by field."""
    values: dict[str, Any] = {
        "key": KEY,
        "order": (1,),
        "kind": "recurring",
        "source": "CN-1/1",
        "item_id": "I-1",
        "description": "Platform, November",
        "quantity": Decimal(3),
        "unit_price": Decimal("100.00"),
        "amount": Decimal("300.00"),
        "period": DateSpan(date(2026, 11, 1), date(2026, 11, 30)),
        "gl_account": "4000",
        "dimensions": Dimensions(locationid="US-NY", departmentid="PS"),
    }
    return Charge(**{**values, **overrides})  # type: ignore[arg-type]


def invoice(*charges: Charge, taxes: tuple[TaxAmount, ...] = ()) -> Invoice:
    """An invoice of those charges."""
    lines = tuple(InvoiceLine(c, taxes, None) for c in charges or (charge(),))
    subtotal = sum((ln.charge.amount for ln in lines), Decimal(0))
    tax = sum((t.amount for ln in lines for t in ln.taxes), Decimal(0))
    return Invoice(KEY, date(2026, 12, 30), 2, None, 2, lines, subtotal, tax, None, ())


SETTINGS = CompanySettings(company="DEMO", revrec_templates={"I-1": "Monthly"})


def test_draft_as_sales_invoice() -> None:
    """By default an invoice drafts as an OE Sales Invoice in state Draft."""
    # when
    write = draft(invoice(), settings=SETTINGS, trace_id="trace-1", trigger="schedule")
    # then
    body = write.function.body
    assert body.tag == "create_sotransaction"
    assert body.findtext("transactiontype") == "Sales Invoice"
    assert body.findtext("state") == "Draft"
    assert body.findtext("datecreated/month") == "11"
    line = body.find("sotransitems/sotransitem")
    assert line is not None
    assert [c.tag for c in line] == [
        "itemid", "quantity", "price", "locationid", "departmentid", "memo",
        "revrectemplate", "revrecstartdate", "revrecenddate", "contractid",
    ]  # fmt: skip
    assert (line.findtext("quantity"), line.findtext("price")) == ("3", "100.00")


def test_controlid_and_read_back_come_from_the_business_key() -> None:
    """The controlid is autobill:<company>:<invoice key>:draft; the read-back uses the key field."""
    # when
    write = draft(invoice(), settings=SETTINGS, trace_id="t", trigger="manual")
    # then
    assert write.function.controlid == "autobill:DEMO:C-1:CN-1:-:2026-11-30:USD:draft"
    assert write.read_back is not None
    assert write.read_back.value == f"autobill:DEMO:{invoice_key(KEY)}"
    assert write.read_back.obj == "SODOCUMENT"


def test_custom_fields_carry_trace_and_trigger() -> None:
    """Trace id, trigger and business key travel as custom fields."""
    # when
    body = draft(invoice(), settings=SETTINGS, trace_id="trace-9", trigger="webhook").function.body
    # then
    pairs = [
        (c.findtext("customfieldname"), c.findtext("customfieldvalue"))
        for c in body.iterfind("customfields/customfield")
    ]
    assert pairs[:2] == [("AUTOBILL_TRACE_ID", "trace-9"), ("AUTOBILL_TRIGGER", "webhook")]


def test_rounded_amounts_travel_as_one_unit() -> None:
    """When quantity x price is not the amount, one unit at the amount keeps totals equal."""
    # given
    odd = charge(quantity=Decimal(3), unit_price=Decimal("33.333"), amount=Decimal("100.00"))
    # when
    body = draft(invoice(odd), settings=SETTINGS, trace_id="t", trigger="m").function.body
    # then
    assert body.findtext("sotransitems/sotransitem/quantity") == "1"
    assert body.findtext("sotransitems/sotransitem/price") == "100.00"


def test_draft_as_ar_invoice() -> None:
    """A company on AR drafts create_invoice with action Draft, GL accounts and tax entries."""
    # given
    settings = CompanySettings(company="DEMO", document="invoice")
    taxed = invoice(taxes=(TaxAmount("VAT", Decimal("60.00")),))
    # when
    write = draft(taxed, settings=settings, trace_id="t", trigger="m")
    # then
    body = write.function.body
    assert body.tag == "create_invoice"
    assert body.findtext("action") == "Draft"
    assert body.findtext("invoiceitems/lineitem/glaccountno") == "4000"
    assert body.findtext("invoiceitems/lineitem/amount") == "300.00"
    assert body.findtext("invoiceitems/lineitem/taxentries/taxentry/trx_tax") == "60.00"
    assert write.read_back is not None
    assert write.read_back.obj == "ARINVOICE"


def test_foreign_currency_uses_the_rate() -> None:
    """An exchange rate from billing travels as exchrate, never with a rate type."""
    # given
    base = invoice()
    converted = Invoice(
        base.key, base.due_date, 2, Decimal("1.1"), 2, base.lines, base.subtotal, base.tax_total,
        None, (),
    )  # fmt: skip
    # when
    body = draft(converted, settings=SETTINGS, trace_id="t", trigger="m").function.body
    # then
    assert (body.findtext("currency"), body.findtext("exchrate")) == ("USD", "1.1")
    assert body.find("exchratetype") is None


def test_missing_item_is_a_mapping_error() -> None:
    """An OE line needs an item: without one and without a default, mapping refuses."""
    # when / then
    with pytest.raises(MappingError, match="no item"):
        draft(invoice(charge(item_id=None)), settings=SETTINGS, trace_id="t", trigger="m")


@pytest.mark.parametrize(
    ("_case", "settings", "tag", "value"),
    [
        ("order entry", SETTINGS, "update_sotransaction", "Pending"),
        (
            "receivables",
            CompanySettings(company="DEMO", document="invoice"),
            "update_invoice",
            "Submit",
        ),
    ],
)
def test_posting_is_a_separate_idempotent_write(
    _case: str, settings: CompanySettings, tag: str, value: str
) -> None:
    """Posting names the drafted record and has its own deterministic controlid."""
    # when
    write = post(key=KEY, record_key="Sales Invoice-SI0001", settings=settings)
    # then
    assert write.function.body.tag == tag
    assert write.function.body.get("key") == "Sales Invoice-SI0001"
    assert value in {c.text for c in write.function.body}
    assert write.function.controlid.endswith(":post")
    assert write.key == "Sales Invoice-SI0001"
