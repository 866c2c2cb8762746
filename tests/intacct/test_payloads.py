"""Request XML against Sage's SDK fixtures: same elements, same order, same values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, tostring

import defusedxml.ElementTree as SafeET
import pytest

from autobill.intacct import payloads as p
from autobill.intacct.documents import (
    ArInvoice,
    ArLine,
    Currency,
    SalesLine,
    SalesTransaction,
    create_invoice,
    create_sotransaction,
    update_sotransaction_state,
)

if TYPE_CHECKING:
    from pathlib import Path

Shape = tuple[str, tuple[tuple[str, str], ...], str, tuple["Shape", ...]]


def shape(node: Element) -> Shape:
    """An element as (tag, attributes, stripped text, children), whitespace-insensitive."""
    text = (node.text or "").strip()
    return (node.tag, tuple(sorted(node.attrib.items())), text, tuple(shape(c) for c in node))


def fixture(fixtures_dir: Path, name: str) -> Element:
    """Parse a recorded fixture."""
    return SafeET.fromstring((fixtures_dir / name).read_bytes())


def ordered_within(ours: Element, theirs: Element) -> None:
    """Every element we write exists in the fixture, in the fixture's relative order."""
    order = [c.tag for c in theirs]
    positions = [order.index(c.tag) for c in ours]
    assert positions == sorted(positions), (ours.tag, [c.tag for c in ours])
    for child in ours:
        match = theirs.find(child.tag)
        assert match is not None
        if len(child):
            ordered_within(child, match)
        else:
            assert (child.text or "").strip() == (match.text or "").strip(), child.tag


@pytest.mark.parametrize(
    ("_case", "function", "name"),
    [
        (
            "session",
            p.get_api_session(controlid="unittest"),
            "php__ApiSessionCreateTest__testWriteXml.xml",
        ),
        (
            "session in entity",
            p.get_api_session(controlid="unittest", locationid="100"),
            "php__ApiSessionCreateTest__testWriteXmlWithLocationId.xml",
        ),
        (
            "session at top level",
            p.get_api_session(controlid="unittest", locationid=""),
            "php__ApiSessionCreateTest__testWriteXmlWithEmptyLocationId.xml",
        ),
        (
            "readByQuery",
            p.read_by_query(controlid="unittest", obj="CLASS", query="RECORDNO < 2"),
            "php__ReadByQueryTest__testDefaultParams.xml",
        ),
        (
            "readByQuery overrides",
            p.read_by_query(
                controlid="unittest",
                obj="CLASS",
                fields="RECORDNO",
                pagesize=100,
                docparid="255252235",
            ),
            "php__ReadByQueryTest__testParamOverrides.xml",
        ),
        (
            "readMore",
            p.read_more(controlid="unittest", result_id="6465763031VyprCMCoHYQAAGr@aRsAAAAU4"),
            "php__ReadMoreTest__testParamOverrides.xml",
        ),
        (
            "read",
            p.read(controlid="unittest", obj="CLASS", keys=[]),
            "php__ReadTest__testDefaultParams.xml",
        ),
        (
            "query",
            p.query(
                controlid="unittest",
                obj="CUSTOMER",
                select=["CUSTOMERID", "RECORDNO"],
                options=p.QueryOptions(
                    docparid="REPORT", caseinsensitive=True, showprivate=True, pagesize=10, offset=5
                ),
            ),
            "php__QueryTest__testAllParams.xml",
        ),
        (
            "query filter",
            p.query(
                controlid="unittest",
                obj="ARINVOICE",
                select=["CUSTOMERID", "RECORDNO"],
                where=p.all_of(
                    p.condition("greaterthanorequalto", "RECORDNO", "1"),
                    p.condition("lessthanorequalto", "RECORDNO", "100"),
                ),
            ),
            "php__QueryTest__testFilterAndCondition.xml",
        ),
    ],
)
def test_function_matches_fixture(
    fixtures_dir: Path, _case: str, function: p.Function, name: str
) -> None:
    """Each generic function serialises exactly as the SDK fixture."""
    # given / when
    ours = function.element()
    # then
    assert shape(ours) == shape(fixture(fixtures_dir, name))


def test_envelope_matches_request_block(fixtures_dir: Path) -> None:
    """A whole request equals the SDK's request block: control order, dtdversion, whitespace."""
    # given
    control = p.Control("testsenderid", "pass123!", "unittest")
    # when
    body = p.envelope(control=control, auth=p.session_auth("testsession.."), functions=[])
    # then
    ours = SafeET.fromstring(body)
    assert shape(ours) == shape(fixture(fixtures_dir, "php__RequestBlockTest__testWriteXml.xml"))
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?><request><control>')


def test_control_block_with_uniqueid_and_policy(fixtures_dir: Path) -> None:
    """The control block writes uniqueid and policyid where the SDK does."""
    # given
    control = p.Control(
        "testsenderid", "pass123!", "testcontrol", uniqueid=True, policyid="testpolicy"
    )
    # when
    body = p.envelope(control=control, auth=p.session_auth("s"), functions=[])
    # then
    ours = SafeET.fromstring(body).find("control")
    assert ours is not None
    assert shape(ours) == shape(
        fixture(fixtures_dir, "php__ControlBlockTest__testWriteXmlDefaultsOverride.xml")
    )


def test_login_operation_matches_fixture(fixtures_dir: Path) -> None:
    """A login operation carrying getAPISession equals the SDK's operation block."""
    # given
    auth = p.login_auth(userid="testuser", companyid="testcompany", password="testpass")  # noqa: S106 - the fixture's test password
    control = p.Control("s", "p", "c")
    # when
    body = p.envelope(
        control=control, auth=auth, functions=[p.get_api_session(controlid="unittest")]
    )
    # then
    ours = SafeET.fromstring(body).find("operation")
    assert ours is not None
    assert shape(ours) == shape(
        fixture(fixtures_dir, "php__OperationBlockTest__testWriteXmlLogin.xml")
    )


def test_transaction_operation_matches_fixture(fixtures_dir: Path) -> None:
    """A transaction operation is marked transaction="true" as the SDK writes it."""
    # given
    function = p.get_api_session(controlid="unittest")
    # when
    body = p.envelope(
        control=p.Control("s", "p", "c"),
        auth=p.session_auth("fakesession.."),
        functions=[function],
        transaction=True,
    )
    # then
    ours = SafeET.fromstring(body).find("operation")
    assert ours is not None
    assert shape(ours) == shape(
        fixture(fixtures_dir, "php__OperationBlockTest__testWriteXmlTransaction.xml")
    )


def test_login_with_entity_matches_fixture(fixtures_dir: Path) -> None:
    """A login into an entity carries its locationid last."""
    # when
    auth = p.login_auth(
        userid="testuser",
        companyid="testcompany",
        password="testpass",  # noqa: S106 - the fixture's test password
        locationid="testentity",
    )
    # then
    assert shape(auth) == shape(
        fixture(fixtures_dir, "php__LoginAuthenticationTest__testWriteXmlWithEntity.xml")
    )


def test_create_sotransaction_default_matches_fixture(fixtures_dir: Path) -> None:
    """A minimal create_sotransaction equals the SDK's."""
    # given
    doc = SalesTransaction(
        transactiontype="Sales Order",
        datecreated=date(2015, 6, 30),
        customerid="2530",
        lines=(SalesLine(itemid="02354032", quantity=Decimal(1200)),),
    )
    # when
    ours = create_sotransaction(doc, controlid="unittest").element()
    # then
    theirs = fixture(fixtures_dir, "php__OrderEntryTransactionCreateTest__testDefaultParams.xml")
    assert shape(ours) == shape(theirs)


def test_create_sotransaction_full_keeps_fixture_order(fixtures_dir: Path) -> None:
    """Every header element we write sits where the SDK's full example puts it."""
    # given
    doc = SalesTransaction(
        transactiontype="Sales Order",
        datecreated=date(2015, 6, 30),
        customerid="23530",
        lines=(SalesLine(itemid="2390552", quantity=Decimal(223)),),
        datedue=date(2020, 9, 24),
        termname="N30",
        referenceno="234235",
        message="Submit",
        externalid="20394",
        currency=Currency(
            currency="USD",
            basecurr="USD",
            exchratedate=date(2015, 6, 30),
            exchratetype="Intacct Daily Rate",
        ),
        customfields=(("customfield1", "customvalue1"),),
        state="Pending",
        projectid="P2904",
    )
    # when
    ours = create_sotransaction(doc, controlid="unittest").element()
    # then
    ordered_within(
        ours, fixture(fixtures_dir, "php__OrderEntryTransactionCreateTest__testParamOverrides.xml")
    )


def test_sales_line_keeps_fixture_order(fixtures_dir: Path) -> None:
    """A line with dimensions, memo, revenue template and dates keeps the SDK's line order."""
    # given
    line = SalesLine(
        itemid="26323",
        quantity=Decimal(2340),
        price=Decimal("32.35"),
        memo="Memo",
        dimensions={
            "locationid": "SF",
            "departmentid": "Receiving",
            "projectid": "235",
            "customerid": "23423434",
            "classid": "243609",
            "contractid": "9062",
        },
        customfields=(("customfield1", "customvalue1"),),
        revrectemplate="template",
        revrecstartdate=date(2015, 6, 30),
        revrecenddate=date(2015, 7, 31),
    )
    doc = SalesTransaction("Sales Invoice", date(2015, 6, 30), "C", (line,))
    # when
    ours = (
        create_sotransaction(doc, controlid="u")
        .element()
        .find("create_sotransaction/sotransitems/sotransitem")
    )
    # then
    assert ours is not None
    ordered_within(
        ours,
        fixture(fixtures_dir, "php__OrderEntryTransactionLineCreateTest__testParamsOverrides.xml"),
    )


def test_create_invoice_default_matches_fixture(fixtures_dir: Path) -> None:
    """A minimal create_invoice equals the SDK's (an empty glaccountno included)."""
    # given
    doc = ArInvoice(
        customerid="CUSTOMER1",
        datecreated=date(2015, 6, 30),
        termname="N30",
        lines=(ArLine(amount=Decimal("76343.43")),),
    )
    # when
    ours = create_invoice(doc, controlid="unittest").element()
    # then
    assert shape(ours) == shape(
        fixture(fixtures_dir, "php__InvoiceCreateTest__testDefaultParams.xml")
    )


def test_create_invoice_full_keeps_fixture_order(fixtures_dir: Path) -> None:
    """Action, currency, custom fields and line tax entries sit where the SDK puts them."""
    # given
    doc = ArInvoice(
        customerid="CUSTOMER1",
        datecreated=date(2015, 6, 30),
        datedue=date(2020, 9, 24),
        termname="N30",
        action="Submit",
        invoiceno="234",
        description="Some description",
        externalid="20394",
        currency=Currency(
            currency="USD",
            basecurr="USD",
            exchratedate=date(2015, 6, 30),
            exchratetype="Intacct Daily Rate",
        ),
        customfields=(("customfield1", "customvalue1"),),
        lines=(
            ArLine(amount=Decimal("76343.43"), glaccountno="", taxes=(("TaxName", Decimal(10)),)),
        ),
    )
    # when
    ours = create_invoice(doc, controlid="unittest").element()
    # then
    ordered_within(ours, fixture(fixtures_dir, "php__InvoiceCreateTest__testParamOverrides.xml"))


def test_update_sotransaction_state_keeps_fixture_order(fixtures_dir: Path) -> None:
    """Posting an OE draft is an update_sotransaction keyed by document, carrying its state."""
    # when
    ours = update_sotransaction_state(
        key="Sales Order-SO0001", state="Pending", controlid="unittest"
    ).element()
    # then
    theirs = fixture(fixtures_dir, "php__OrderEntryTransactionUpdateTest__testParamOverrides.xml")
    assert ours[0].get("key") == theirs[0].get("key")
    ordered_within(ours, theirs)


def test_amounts_refuse_floats() -> None:
    """A float never reaches an amount element."""
    # when / then
    with pytest.raises(TypeError):
        p.amount(1.5)  # type: ignore[arg-type]
    assert p.amount(Decimal("1E+3")) == "1000"


def test_page_sizes_are_bounded() -> None:
    """Pages of readByQuery hold at most 1000 records, query pages 2000."""
    # when / then
    with pytest.raises(ValueError, match="1000"):
        p.read_by_query(controlid="c", obj="CUSTOMER", pagesize=1001)
    with pytest.raises(ValueError, match="2000"):
        p.query(
            controlid="c",
            obj="CUSTOMER",
            select=["RECORDNO"],
            options=p.QueryOptions(pagesize=2001),
        )


def test_special_characters_are_escaped() -> None:
    """A query with < and & is XML-escaped in the request body."""
    # given
    function = p.read_by_query(controlid="c", obj="CLASS", query="RECORDNO < 2 AND NAME = 'A&B'")
    # when
    body = tostring(function.element())
    # then
    assert b"RECORDNO &lt; 2 AND NAME = 'A&amp;B'" in body
