"""readByQuery, readMore, read and query over HTTP (§9.10, §9.11, §9.13, §9.14)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sandbox_helpers import envelope, errornos, function, only_result, post, session_of

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from httpx import Client


def run(client: Client, body: str, session: str | None = None) -> Element:
    """Run one function and return its result."""
    return only_result(post(client, envelope(function(body), session=session)))


def test_read_by_query_uses_lower_case_records_and_intacct_formats(client: Client) -> None:
    """ReadByQuery answers lower-case record elements with mm/dd/yyyy dates (§9.13, §9.14)."""
    # when
    result = run(client, "<readByQuery><object>CONTRACT</object><query>CONTRACTID = 'CN-1'"
                         "</query><fields>*</fields></readByQuery>")
    # then
    data = result.find("data")
    assert data is not None
    assert data.get("listtype") == "contract"
    assert data.findtext("contract/BEGINDATE") == "01/01/2026"
    assert data.findtext("contract/BILLINARREARS") == "false"
    assert data.find("contract/RENEWALMACRO") is not None  # unmodelled fields come back empty
    assert data.findtext("contract/RENEWALMACRO") in {None, ""}


def test_read_by_query_nests_dotted_fields(client: Client) -> None:
    """A customer's DISPLAYCONTACT comes back as nested elements."""
    # when
    result = run(client, "<readByQuery><object>CUSTOMER</object><query/><fields>CUSTOMERID,"
                         "DISPLAYCONTACT.MAILADDRESS.CITY</fields></readByQuery>")
    # then
    assert result.findtext("data/customer/DISPLAYCONTACT/MAILADDRESS/CITY") == "Albany"


def test_indented_and_compact_answers_hold_the_same_records(client: Client) -> None:
    """Records written straight to text (compact answers) match the indented answer's."""
    # given
    body = envelope(function("<readByQuery><object>CUSTOMER</object><query/><fields>*</fields>"
                             "</readByQuery>"))
    indented = body.replace(b"<includewhitespace>false", b"<includewhitespace>true")
    # when
    compact, pretty = (client.post("/ia/xml/xmlgw.phtml", content=b).text for b in (body, indented))
    # then
    assert "\n    " in pretty
    assert "\n" not in compact.split("\n", 1)[1]
    assert "".join(line.strip() for line in pretty.splitlines()) == "".join(compact.splitlines())
    assert "<DISPLAYCONTACT><" in compact
    assert "<MAILADDRESS><" in compact


def test_paging_with_read_more_visits_every_record_once(client: Client) -> None:
    """ReadByQuery then readMore by resultId returns each record once, then resultId ends."""
    # given
    sessionid = session_of(client)
    first = run(client, "<readByQuery><object>GLACCOUNT</object><query/><pagesize>4</pagesize>"
                        "<fields>ACCOUNTNO</fields></readByQuery>", sessionid)
    data = first.find("data")
    assert data is not None
    seen = [e.text for e in data.iter("ACCOUNTNO")]
    # when
    more = run(client, f"<readMore><resultId>{data.get('resultId')}</resultId></readMore>",
               sessionid)
    again = run(client, f"<readMore><resultId>{data.get('resultId')}</resultId></readMore>",
                sessionid)
    # then
    assert (data.get("count"), data.get("totalcount"), data.get("numremaining")) == ("4", "6", "2")
    page = more.find("data")
    assert page is not None
    assert page.get("numremaining") == "0"
    seen += [e.text for e in page.iter("ACCOUNTNO")]
    assert sorted(seen) == ["2200", "2500", "4000", "4050", "4100", "4200"]
    assert again.findtext("status") == "failure"


def test_read_more_by_object_continues_the_last_query(client: Client) -> None:
    """ReadMore by object continues the session's last readByQuery on it."""
    # given
    sessionid = session_of(client)
    run(client, "<readByQuery><object>GLACCOUNT</object><query/><pagesize>5</pagesize>"
                "</readByQuery>", sessionid)
    # when
    more = run(client, "<readMore><object>GLACCOUNT</object></readMore>", sessionid)
    # then
    assert more.find("data").get("count") == "1"  # type: ignore[union-attr]


def test_last_page_has_an_empty_result_id(client: Client) -> None:
    """When nothing remains, readByQuery's resultId is empty."""
    # when
    result = run(client, "<readByQuery><object>ITEM</object><query/></readByQuery>")
    # then
    assert result.find("data").get("resultId") == ""  # type: ignore[union-attr]


@pytest.mark.parametrize("pagesize", ["0", "1001", "ten"])
def test_read_by_query_page_size_is_one_to_a_thousand(client: Client, pagesize: str) -> None:
    """A pagesize outside 1 to 1000 fails the function."""
    # when
    result = run(client, f"<readByQuery><object>ITEM</object><query/><pagesize>{pagesize}"
                         "</pagesize></readByQuery>")
    # then
    assert result.findtext("status") == "failure"


def test_unknown_field_in_fields_list_fails(client: Client) -> None:
    """Naming a field the object lacks fails with "Invalid fields list"."""
    # when
    result = run(client, "<readByQuery><object>ITEM</object><query/><fields>NOPE</fields>"
                         "</readByQuery>")
    # then
    assert "Invalid fields list NOPE" in (result.findtext(".//description2") or "")


def test_unknown_object_fails(client: Client) -> None:
    """An unknown object fails with "Object definition ... not found"."""
    # when
    result = run(client, "<readByQuery><object>VENDOR9</object><query/></readByQuery>")
    # then
    assert result.findtext(".//description2") == "Object definition VENDOR9 not found"


def test_read_by_keys_uses_upper_case_records(client: Client) -> None:
    """Read returns the object's name as listtype and record element."""
    # when
    result = run(client, "<read><object>CUSTOMER</object><keys>1</keys><fields>*</fields></read>")
    # then
    assert result.find("data").get("listtype") == "CUSTOMER"  # type: ignore[union-attr]
    assert result.findtext("data/CUSTOMER/CUSTOMERID") == "C-1"


def test_read_by_name_uses_the_id_field(client: Client) -> None:
    """ReadByName looks records up by their id field."""
    # when
    result = run(client, "<readByName><object>ITEM</object><keys>POS,HOURS</keys>"
                         "<fields>ITEMID</fields></readByName>")
    # then
    assert [e.text for e in result.iter("ITEMID")] == ["POS", "HOURS"]


def test_query_pages_by_offset_and_orders(client: Client) -> None:
    """query: offset and pagesize pick a page of the ordered, filtered records (§9.11)."""
    # when
    result = run(client, """<query><object>GLACCOUNT</object>
        <select><field>ACCOUNTNO</field><field>TITLE</field></select>
        <filter><and><greaterthanorequalto><field>ACCOUNTNO</field><value>4000</value>
        </greaterthanorequalto><notequalto><field>ACCOUNTNO</field><value>4050</value>
        </notequalto></and></filter>
        <orderby><order><field>ACCOUNTNO</field><descending/></order></orderby>
        <pagesize>2</pagesize><offset>1</offset></query>""")
    # then
    data = result.find("data")
    assert data is not None
    assert dict(data.attrib) == {
        "listtype": "GLACCOUNT", "totalcount": "3", "offset": "1", "count": "2",
        "numremaining": "0",
    }
    assert [e.text for e in data.iter("ACCOUNTNO")] == ["4100", "4000"]


def test_query_case_insensitive_option(client: Client) -> None:
    """The caseinsensitive option folds case in comparisons."""
    # when
    result = run(client, """<query><object>CUSTOMER</object><select><field>CUSTOMERID</field>
        </select><filter><like><field>NAME</field><value>example%</value></like></filter>
        <options><caseinsensitive>true</caseinsensitive></options></query>""")
    # then
    assert result.find("data").get("count") == "1"  # type: ignore[union-attr]


@pytest.mark.parametrize(("_case", "body"), [
    ("no select", "<query><object>ITEM</object></query>"),
    ("pagesize over 2000",
     ("<query><object>ITEM</object><select><field>ITEMID</field></select>"
     "<pagesize>2001</pagesize></query>")),
    ("unknown filter field",
     ("<query><object>ITEM</object><select><field>ITEMID</field></select>"
     "<filter><equalto><field>X</field><value>1</value></equalto></filter></query>")),
])
def test_query_refuses_bad_requests(client: Client, _case: str, body: str) -> None:
    """Query fails without a select, with pagesize over 2000, or on an unknown field."""
    # when
    result = run(client, body)
    # then
    assert result.findtext("status") == "failure"
    assert errornos(result) == ["DL02000001"]
