"""Legacy AR invoices, adjustments and Order Entry documents, and their validations (§9.15+)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sandbox_helpers import envelope, errornos, function, only_result, post

from autobill.sandbox import SandboxConfig

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from httpx import Client

    from autobill.sandbox import Store

DAY = "<year>2026</year><month>02</month><day>01</day>"


def run(client: Client, body: str, controlid: str = "f1") -> Element:
    """Run one function and return its result."""
    return only_result(post(client, envelope(function(body, controlid))))


def invoice(
    *, header: str = "", lines: str | None = None, customer: str = "C-1", due: str = ""
) -> str:
    """Return a create_invoice element with defaults for everything a test does not vary."""
    items = lines if lines is not None else (
        "<lineitem><glaccountno>4000</glaccountno><amount>80.00</amount>"
        "<memo>February</memo><itemid>POS</itemid></lineitem>"
        "<lineitem><glaccountno>4100</glaccountno><amount>115.00</amount>"
        "<projectid>P-1</projectid></lineitem>")
    return (f"<create_invoice><customerid>{customer}</customerid><datecreated>{DAY}"
            f"</datecreated>{due}<termname>Net 30</termname>{header}<invoiceitems>{items}"
            "</invoiceitems></create_invoice>")


def sales_invoice(*, state: str = "Pending", lines: str | None = None, extra: str = "") -> str:
    """Return a create_sotransaction element for a Sales Invoice."""
    items = lines if lines is not None else (
        "<sotransitem><itemid>POS</itemid><quantity>12</quantity><price>80</price>"
        "<revrectemplate>Daily rate</revrectemplate>"
        "<revrecstartdate><year>2026</year><month>01</month><day>15</day></revrecstartdate>"
        "<revrecenddate><year>2027</year><month>01</month><day>14</day></revrecenddate>"
        "</sotransitem><sotransitem><itemid>HOURS</itemid><quantity>3</quantity>"
        "<price>115</price><projectid>P-1</projectid></sotransitem>")
    return (f"<create_sotransaction><transactiontype>Sales Invoice</transactiontype><datecreated>"
            f"{DAY}</datecreated><customerid>C-1</customerid>{extra}<state>{state}</state>"
            f"<sotransitems>{items}</sotransitems></create_sotransaction>")


def test_create_invoice_answers_a_key_and_stores_lines(client: Client, store: Store) -> None:
    """create_invoice answers <key> (no data) and stores the invoice, its lines and totals."""
    # when
    result = run(client, invoice())
    # then
    assert [c.tag for c in result] == ["status", "function", "controlid", "key"]
    recordno = int(result.findtext("key") or 0)
    row = store.get("ARINVOICE", recordno)
    assert row is not None
    assert (row.data["STATE"], row.data["TOTALENTERED"], row.data["WHENDUE"]) == (
        "Posted", "195.00", "03/03/2026")
    lines = [r for r in store.scan("ARINVOICEITEM") if r.data["RECORDKEY"] == str(recordno)]
    assert [r.data["AMOUNT"] for r in lines] == ["80.00", "115.00"]


def test_draft_invoice_is_posted_by_update_invoice(client: Client, store: Store) -> None:
    """Action Draft keeps it unposted; update_invoice with action Submit posts it."""
    # given
    key = run(client, invoice(header="<action>Draft</action>")).findtext("key")
    # when
    result = run(client, f'<update_invoice key="{key}"><action>Submit</action></update_invoice>')
    # then
    assert result.findtext("status") == "success"
    assert store.get("ARINVOICE", int(key or 0)).data["STATE"] == "Posted"  # type: ignore[union-attr]


def test_invoice_with_lines_meters_one_transaction(client: Client, store: Store) -> None:
    """An invoice with its lines counts as one API transaction (§3)."""
    # when
    run(client, invoice())
    # then
    assert [n for _, _, n in store.meter()] == [1]


def test_foreign_currency_invoice_uses_the_dataset_rate(client: Client, store: Store) -> None:
    """A CAD invoice converts to the USD base at the dataset's rate (1 CAD = 0.73 USD)."""
    # when
    result = run(client, invoice(header="<currency>CAD</currency>"
                                        "<exchratetype>Intacct Daily Rate</exchratetype>"))
    # then
    row = store.get("ARINVOICE", int(result.findtext("key") or 0))
    assert row is not None
    assert (row.data["TRX_TOTALENTERED"], row.data["TOTALENTERED"]) == ("195.00", "142.35")


def test_legacy_custom_fields_are_stored(client: Client, store: Store) -> None:
    """<customfields> name/value pairs become the record's custom field (§5)."""
    # when
    result = run(client, invoice(header="<customfields><customfield><customfieldname>"
                                        "customfield1</customfieldname><customfieldvalue>x"
                                        "</customfieldvalue></customfield></customfields>"))
    # then
    row = store.get("ARINVOICE", int(result.findtext("key") or 0))
    assert row is not None
    assert row.data["CUSTOMFIELD1"] == "x"


@pytest.fixture
def config() -> SandboxConfig:
    """Close the books up to the end of 2025."""
    return SandboxConfig(close_date=date(2025, 12, 31))


def other_customer_project(client: Client) -> None:
    """Add customer C-2 with project P-2."""
    run(client, "<create><CUSTOMER><CUSTOMERID>C-2</CUSTOMERID><NAME>Two</NAME></CUSTOMER>"
                "<PROJECT><PROJECTID>P-2</PROJECTID><NAME>Two</NAME><PROJECTCATEGORY>Contract"
                "</PROJECTCATEGORY><CUSTOMERID>C-2</CUSTOMERID></PROJECT></create>", "setup")


def inactive_customer(client: Client) -> None:
    """Make C-1 inactive."""
    run(client, "<update><CUSTOMER><CUSTOMERID>C-1</CUSTOMERID><STATUS>inactive</STATUS>"
                "</CUSTOMER></update>", "setup")


def tax_in_another_solution(client: Client) -> None:
    """Add a tax detail that belongs to the Australian GST solution."""
    run(client, "<create><TAXDETAIL><DETAILID>GST</DETAILID><TAXSOLUTIONID>Australia - GST"
                "</TAXSOLUTIONID></TAXDETAIL></create>", "setup")


def no_setup(_: Client) -> None:
    """Change nothing."""


LINE = "<lineitem><glaccountno>4000</glaccountno><amount>10.00</amount>{}</lineitem>"
REFUSALS = [
    ("unknown customer", invoice(customer="NOBODY"), no_setup, "specified is not valid"),
    ("inactive customer", invoice(), inactive_customer, "is inactive"),
    ("unknown item", invoice(lines=LINE.format("<itemid>NOPE</itemid>")), no_setup,
     "Item ID 'NOPE' is not valid"),
    ("unknown project", invoice(lines=LINE.format("<projectid>NOPE</projectid>")), no_setup,
     "Invalid Project 'NOPE' specified."),
    ("unknown department", invoice(lines=LINE.format("<departmentid>NOPE</departmentid>")),
     no_setup, "Invalid Department 'NOPE'"),
    ("project of another customer", invoice(lines=LINE.format("<projectid>P-2</projectid>")),
     other_customer_project, "not related to your header-level Customer ID"),
    ("closed period", invoice().replace("<month>02</month>", "<month>02</month>").replace(
        "<year>2026</year>", "<year>2025</year>"), no_setup, "Date must be on or after 01/01/2026"),
    ("foreign currency without rates", invoice(header="<currency>EUR</currency>"), no_setup,
     "No exchange rate"),
    ("no account", invoice(lines="<lineitem><amount>1.00</amount></lineitem>"), no_setup,
     "Line has no associated account"),
    ("amount with separators", invoice(lines="<lineitem><glaccountno>4000</glaccountno>"
     "<amount>1,000.00</amount></lineitem>"), no_setup, "without separators"),
    ("no lines", invoice(lines=""), no_setup, "invoiceitems is missing"),
    ("missing date", invoice().replace(f"<datecreated>{DAY}</datecreated>", ""), no_setup,
     "datecreated"),
    ("due before created", invoice(due="<datedue><year>2026</year><month>01</month>"
     "<day>01</day></datedue>"), no_setup, "Date Due cannot be earlier"),
    ("tax detail outside the tax solution", invoice(
        header="<taxsolutionid>United Kingdom - VAT</taxsolutionid>",
        lines=LINE.format("<taxentries><taxentry><detailid>GST</detailid><trx_tax>1</trx_tax>"
                          "</taxentry></taxentries>")), tax_in_another_solution,
     "does not belong to tax solution"),
]


@pytest.mark.parametrize(("_case", "body", "setup", "text"), REFUSALS,
                         ids=[case[0] for case in REFUSALS])
def test_invoice_validations(
    client: Client, store: Store, _case: str, body: str, setup: object, text: str
) -> None:
    """Each invalid invoice fails with Intacct's wording, and stores nothing (§9.20)."""
    # given
    setup(client)  # type: ignore[operator]
    before = len(store.scan("ARINVOICE"))
    # when
    result = run(client, body)
    # then
    assert result.findtext("status") == "failure"
    assert text in " ".join(e.text or "" for e in result.iter("description2"))
    assert len(store.scan("ARINVOICE")) == before


def test_exchratetype_with_exchrate_fails_the_whole_request(client: Client, store: Store) -> None:
    """The XSD's exchratetype-or-exchrate choice: both fail the request at control level."""
    # given
    body = invoice(header="<currency>CAD</currency><exchratetype>Intacct Daily Rate"
                          "</exchratetype><exchrate>0.7</exchrate>")
    before = len(store.scan("ARINVOICE"))
    # when
    root = post(client, envelope(function(invoice(), "ok") + function(body, "both")))
    # then
    assert root.findtext("control/status") == "failure"
    assert root.find("operation") is None
    assert errornos(root) == ["XL03000003"]
    assert len(store.scan("ARINVOICE")) == before


@pytest.mark.parametrize(("_case", "body"), [
    ("header out of order", invoice().replace(
        f"<customerid>C-1</customerid><datecreated>{DAY}</datecreated>",
        f"<datecreated>{DAY}</datecreated><customerid>C-1</customerid>")),
    ("unknown header element", invoice(header="<colour>red</colour>")),
    ("line out of order", invoice(lines="<lineitem><amount>1</amount><glaccountno>4000"
                                        "</glaccountno></lineitem>")),
    ("sales line out of order", sales_invoice(lines="<sotransitem><quantity>1</quantity>"
                                                    "<itemid>POS</itemid></sotransitem>")),
])
def test_schema_order_is_enforced(client: Client, _case: str, body: str) -> None:
    """Legacy creates follow the XSD's element order; a breach fails the request (§9.15)."""
    # when
    root = post(client, envelope(function(body)))
    # then
    assert root.findtext("control/status") == "failure"
    assert errornos(root) == ["XL03000003"]


def test_duplicate_invoice_number_is_refused(client: Client) -> None:
    """A second invoice with the same number fails."""
    # given
    run(client, invoice(header="<invoiceno>INV-7</invoiceno>"))
    # when
    result = run(client, invoice(header="<invoiceno>INV-7</invoiceno>"), "f2")
    # then
    assert "Transaction with the number 'INV-7' already exists" in (
        result.findtext(".//description2") or "")


def test_reverse_invoice_negates_a_posted_invoice(client: Client, store: Store) -> None:
    """reverse_invoice creates a negated reversal and marks the original Reversed."""
    # given
    original = run(client, invoice()).findtext("key")
    # when
    result = run(client, f'<reverse_invoice key="{original}"><datereversed>{DAY}'
                         "</datereversed></reverse_invoice>", "f2")
    again = run(client, f'<reverse_invoice key="{original}"><datereversed>{DAY}'
                        "</datereversed></reverse_invoice>", "f3")
    # then
    reversal = store.get("ARINVOICE", int(result.findtext("key") or 0))
    assert reversal is not None
    assert (reversal.data["STATE"], reversal.data["TOTALENTERED"]) == ("Reversal", "-195.00")
    assert store.get("ARINVOICE", int(original or 0)).data["STATE"] == "Reversed"  # type: ignore[union-attr]
    assert again.findtext("status") == "failure"


def test_aradjustment_answers_a_key(client: Client, store: Store) -> None:
    """create_aradjustment stores an adjustment with its lines and answers its key."""
    # when
    result = run(client, f"<create_aradjustment><customerid>C-1</customerid><datecreated>{DAY}"
                         "</datecreated><aradjustmentitems><lineitem><glaccountno>4000"
                         "</glaccountno><amount>-10.00</amount></lineitem></aradjustmentitems>"
                         "</create_aradjustment>")
    # then
    assert result.findtext("status") == "success"
    assert store.get("ARADJUSTMENT", int(result.findtext("key") or 0)) is not None


def test_posted_sales_invoice_creates_the_linked_ar_invoice(client: Client, store: Store) -> None:
    """Pending posts a Sales Invoice: key <docparid>-<docno>, an AR invoice linked both ways."""
    # when
    result = run(client, sales_invoice())
    # then
    assert result.findtext("key") == "Sales Invoice-INV0001"
    document = store.find("SODOCUMENT", "Sales Invoice-INV0001")
    assert document is not None
    ar = store.get("ARINVOICE", int(document.data["PRRECORDKEY"]))
    assert ar is not None
    assert (ar.data["MODULEKEY"], ar.data["DOCHDRKEY"]) == ("8.SO", str(document.recordno))
    assert ar.data["TOTALENTERED"] == "1305.00"
    entries = [r.data["LINE_NO"] for r in store.scan("SODOCUMENTENTRY")]
    assert entries == ["0", "1"]


def test_draft_sales_invoice_posts_when_updated_to_pending(client: Client, store: Store) -> None:
    """A Draft has no AR invoice; update_sotransaction with state Pending posts it."""
    # given
    key = run(client, sales_invoice(state="Draft")).findtext("key")
    assert store.scan("ARINVOICE")[-1].data.get("MODULEKEY") != "8.SO"
    # when
    result = run(client, f'<update_sotransaction key="{key}"><state>Pending</state>'
                         "</update_sotransaction>", "f2")
    # then
    assert result.findtext("status") == "success"
    assert store.scan("ARINVOICE")[-1].data["MODULEKEY"] == "8.SO"


def test_editing_a_posted_document_recreates_its_ar_invoice(client: Client, store: Store) -> None:
    """Updating a posted document deletes its AR invoice and makes one with a new RECORDNO."""
    # given
    key = run(client, sales_invoice()).findtext("key")
    before = store.find("SODOCUMENT", key or "").data["PRRECORDKEY"]  # type: ignore[union-attr]
    # when
    run(client, f'<update_sotransaction key="{key}"><updatesotransitems>'
                '<updatesotransitem line_num="2"><quantity>4</quantity></updatesotransitem>'
                "<sotransitem><itemid>HOURS</itemid><quantity>1</quantity><price>100</price>"
                "</sotransitem></updatesotransitems></update_sotransaction>", "f2")
    # then
    after = store.find("SODOCUMENT", key or "").data["PRRECORDKEY"]  # type: ignore[union-attr]
    assert after != before
    assert store.get("ARINVOICE", int(before)) is None
    assert store.get("ARINVOICE", int(after)).data["TOTALENTERED"] == "1520.00"  # type: ignore[union-attr]


def test_duplicate_document_number_is_refused(client: Client) -> None:
    """A document number already used by the same document type fails."""
    # given
    run(client, sales_invoice(extra="<documentno>D-1</documentno>"))
    # when
    result = run(client, sales_invoice(extra="<documentno>D-1</documentno>"), "f2")
    # then
    assert "already exists" in (result.findtext(".//description2") or "")


def test_revenue_schedule_agrees_with_core_revrec(client: Client, store: Store) -> None:
    """Posting a Daily rate line makes a schedule split exactly as autobill.core.revrec splits."""
    # given
    from autobill.core.calendar import DateSpan, month_key  # noqa: PLC0415
    from autobill.core.revrec import spread_over_months  # noqa: PLC0415

    # when
    run(client, sales_invoice())
    # then
    entries = store.scan("REVRECSCHEDULEENTRY")
    got = [(e.data["POSTINGDATE"][6:] + "-" + e.data["POSTINGDATE"][:2], Decimal(e.data["AMOUNT"]))
           for e in entries]
    span = DateSpan(date(2026, 1, 15), date(2027, 1, 14))
    parts = spread_over_months(span, Decimal("960.00"), places=2, daily=True)
    expected = [(month_key(month.first), share) for month, share in parts]
    assert got == expected
    assert sum(a for _, a in got) == Decimal("960.00")
    assert month_key(date(2026, 1, 31)) == got[0][0]


def test_unknown_revenue_template_is_refused(client: Client) -> None:
    """A line naming a revenue template that does not exist fails."""
    # when
    result = run(client, sales_invoice(lines="<sotransitem><itemid>POS</itemid><quantity>1"
                                             "</quantity><revrectemplate>Nope</revrectemplate>"
                                             "</sotransitem>"))
    # then
    assert result.findtext("status") == "failure"


def test_audit_trail_lists_a_records_changes(client: Client) -> None:
    """GetObjectTrail (and getAuditTrail) return the record's AUDITHISTORY, source api."""
    # given
    run(client, "<create><CLASS><CLASSID>AU</CLASSID><NAME>A</NAME></CLASS></create>", "c")
    run(client, "<update><CLASS><CLASSID>AU</CLASSID><NAME>B</NAME></CLASS></update>", "u")
    # when
    trail = run(client, "<getObjectTrail><object>CLASS</object><objectKey>AU</objectKey>"
                        "</getObjectTrail>")
    # then
    assert [e.text for e in trail.iter("ACCESSMODE")] == ["Created", "Modified"]
    assert {e.text for e in trail.iter("SOURCE")} == {"api"}


def test_create_supdoc_stores_attachments(client: Client, store: Store) -> None:
    """create_supdoc stores the attachment set and answers its id; bad Base64 fails."""
    # when
    ok = run(client, "<create_supdoc><supdocid>DOC1</supdocid><supdocfoldername>F"
                     "</supdocfoldername><attachments><attachment><attachmentname>a"
                     "</attachmentname><attachmenttype>txt</attachmenttype><attachmentdata>"
                     "aGVsbG8=</attachmentdata></attachment></attachments></create_supdoc>")
    bad = run(client, "<create_supdoc><supdocid>DOC2</supdocid><attachments><attachment>"
                      "<attachmentdata>!!</attachmentdata></attachment></attachments>"
                      "</create_supdoc>", "f2")
    # then
    assert ok.findtext("key") == "DOC1"
    assert store.find("SUPDOC", "DOC1") is not None
    assert bad.findtext("status") == "failure"
    assert errornos(bad)[-1] == "BL01001973"
