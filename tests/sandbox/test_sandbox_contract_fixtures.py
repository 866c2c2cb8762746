"""Contract tests: the sandbox answers the fixtures' requests in the fixtures' structure.

For the requests behind ../shared/intacct-fixtures, the responses have the recorded elements, order,
statuses, attributes and error fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from defusedxml.ElementTree import fromstring
from sandbox_helpers import envelope, function, post, session_of

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from httpx import Client

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "intacct-fixtures"


def fixture(name: str) -> Element:
    """Parse one recorded fixture."""
    root: Element = fromstring((FIXTURES / name).read_bytes())
    return root


def subsequence(expected: list[str], actual: list[str]) -> bool:
    """Return whether ``expected`` appears within ``actual`` in the same order."""
    remaining = iter(actual)
    return all(tag in remaining for tag in expected)


def assert_same_structure(expected: Element, actual: Element) -> None:
    """Compare two responses level by level, as far as the fixture shows them."""
    assert [c.tag for c in actual] == [c.tag for c in expected]
    assert_block(expected.find("control"), actual.find("control"))
    assert_errors(expected.find("errormessage"), actual.find("errormessage"))
    for op_expected, op_actual in zip(
        expected.findall("operation"), actual.findall("operation"), strict=True
    ):
        assert_block(op_expected.find("authentication"), op_actual.find("authentication"))
        assert_errors(op_expected.find("errormessage"), op_actual.find("errormessage"))
        pairs = zip(op_expected.findall("result"), op_actual.findall("result"), strict=True)
        for result_expected, result_actual in pairs:
            assert_result(result_expected, result_actual)


def assert_block(expected: Element | None, actual: Element | None) -> None:
    """A block has the fixture's children in order, and the same status."""
    if expected is None:
        assert actual is None
        return
    assert actual is not None
    assert subsequence([c.tag for c in expected], [c.tag for c in actual])
    assert actual.findtext("status") == expected.findtext("status")


def assert_result(expected: Element, actual: Element) -> None:
    """A result matches in children, status, function, data attributes and record shape."""
    assert [c.tag for c in actual] == [c.tag for c in expected]
    assert actual.findtext("status") == expected.findtext("status")
    assert actual.findtext("function") == expected.findtext("function")
    data_expected, data_actual = expected.find("data"), actual.find("data")
    if data_expected is not None:
        assert data_actual is not None
        assert sorted(data_actual.attrib) == sorted(data_expected.attrib)
        assert data_actual.get("listtype") == data_expected.get("listtype")
        tags = {c.tag for c in data_expected}
        assert tags == {c.tag for c in data_actual} or not len(data_expected)
        if data_expected.get("listtype") == "objects":
            for rec_expected, rec_actual in zip(data_expected, data_actual, strict=False):
                assert [c.tag for c in rec_actual] == [c.tag for c in rec_expected]
    assert_errors(expected.find("errormessage"), actual.find("errormessage"))


def assert_errors(expected: Element | None, actual: Element | None) -> None:
    """Error lists have the same fields per error, and the same codes where the fixture has one."""
    if expected is None:
        assert actual is None
        return
    assert actual is not None
    errors_expected, errors_actual = expected.findall("error"), actual.findall("error")
    assert len(errors_actual) == len(errors_expected)
    for error_expected, error_actual in zip(errors_expected, errors_actual, strict=True):
        assert subsequence([c.tag for c in error_expected], [c.tag for c in error_actual])
        code = error_expected.findtext("errorno") or ""
        if code[:2] in {"XL", "BL", "DL", "GW"}:
            assert error_actual.findtext("errorno") == code


def two_classes(client: Client) -> None:
    """Add a second class so that CLASS has two records."""
    post(client, envelope(function(
        "<create><CLASS><CLASSID>ENT</CLASSID><NAME>Enterprise</NAME></CLASS></create>"
    )))


CASES: list[tuple[str, str, dict[str, object]]] = [
    ("php__OnlineClientTest__testExecute.xml", "<getAPISession/>", {}),
    ("php__OnlineResponseTest__testGetters.xml", "<getAPISession/>", {}),
    ("php__SessionProviderTest__testFromLoginCredentialsWithEntity.xml",
     "<getSession/>", {"location": "US"}),
    ("php__OnlineClientTest__testLogger.xml",
     ("<readByQuery><object>CUSTOMER</object><fields>CUSTOMERID,NAME</fields><query/>"
     "</readByQuery>"), {}),
    ("php__ResultTest__testReadClass.xml",
     ("<read><object>CUSTOMER</object><keys>1</keys><fields>RECORDNO,CUSTOMERID,STATUS</fields>"
     "</read>"), {}),
    ("php__ResultTest__testLegacyReadByQueryClass.xml",
     "<readByQuery><object>CLASS</object><query/><pagesize>1</pagesize></readByQuery>",
     {"setup": two_classes}),
    ("js__ResultTest__should_parse_readByQuery_response_with_multiple_records.xml",
     "<readByQuery><object>CLASS</object><query/><pagesize>1</pagesize></readByQuery>",
     {"setup": two_classes}),
    ("php__AccountTest__testGetAllByQuerySuccess.xml",
     ("<readByQuery><object>GLACCOUNT</object><fields>RECORDNO,ACCOUNTNO,TITLE</fields>"
     "<query/><pagesize>5</pagesize></readByQuery>"), {}),
    ("php__ClassObjTest__testCreateSuccess.xml",
     ("<create><CLASS><CLASSID>UT01</CLASSID><NAME>One</NAME></CLASS>"
     "<CLASS><CLASSID>UT02</CLASSID><NAME>Two</NAME></CLASS></create>"), {}),
    ("php__ClassObjTest__testCreateFailure.xml",
     "<create><CLASS><CLASSID>SMB</CLASSID><NAME>Dup</NAME></CLASS></create>", {}),
    ("php__ClassObjTest__testDeleteFailure.xml",
     "<delete><object>CLASS</object><keys>UT01</keys></delete>", {}),
    ("php__ResultTest__testStatusFailure.xml",
     "<read><object>VENDOR2</object><keys>1</keys></read>", {}),
    ("php__IntacctClientTest__testReadByQueryFailure.xml",
     "<readByQuery><object>CUSTOMER</object><query>NAME='x'</query></readByQuery>", {}),
    ("php__IntacctClientTest__testReadMoreFailure.xml",
     "<readMore><resultId>bad</resultId></readMore>", {}),
    ("php__ResponseExceptionTest__testGetAuthErrors.xml",
     "<getAPISession/>", {"user_password": "wrong"}),
    ("InspectClassResponse.xml", '<inspect detail="1"><object>CUSTOMER</object></inspect>', {}),
    ("php__ResponseExceptionTest__testGetErrors.xml",
     "<getAPISession/>", {"extra_control": "<policyid>test</policyid>"}),
]


@pytest.mark.parametrize(("name", "body", "options"), CASES, ids=[c[0] for c in CASES])
def test_response_has_the_fixture_structure(
    client: Client, name: str, body: str, options: dict[str, object]
) -> None:
    """The sandbox's answer to the fixture's request has the fixture's structure."""
    # given
    options = dict(options)
    setup = options.pop("setup", None)
    if callable(setup):
        setup(client)
    # when
    actual = post(client, envelope(function(body), **options))  # type: ignore[arg-type]
    # then
    assert_same_structure(fixture(name), actual)


def test_read_more_page_has_the_fixture_structure(client: Client) -> None:
    """ReadMore's last page matches the recorded second page (numremaining 0, same resultId)."""
    # given
    sessionid = session_of(client)
    first = post(client, envelope(function(
        "<readByQuery><object>GLACCOUNT</object><fields>RECORDNO,ACCOUNTNO,TITLE</fields>"
        "<query/><pagesize>5</pagesize></readByQuery>"), session=sessionid))
    result_id = first.find("operation/result/data").get("resultId")  # type: ignore[union-attr]
    # when
    actual = post(client, envelope(function(
        f"<readMore><resultId>{result_id}</resultId></readMore>", "readMore"), session=sessionid))
    # then
    assert_same_structure(fixture("php__AccountTest__testGetAllByQuerySuccess__2.xml"), actual)
    assert actual.find("operation/result/data").get("resultId") == result_id  # type: ignore[union-attr]


def test_transaction_failure_has_the_fixture_structure(client: Client) -> None:
    """A failing function in a transaction: the others aborted, XL03000009 on every result."""
    # given
    body = function("<getAPISession/>", "func1UnitTest") + function(
        "<getAPISession><locationid>MARS</locationid></getAPISession>", "func2UnitTest")
    # when
    actual = post(client, envelope(body, transaction=True))
    # then
    expected = fixture("php__OnlineClientTest__testExecuteBatchTransactionResultException.xml")
    assert_same_structure(expected, actual)


def test_inspect_lists_every_field_of_the_recorded_customer(client: Client) -> None:
    """Inspect detail="1" on CUSTOMER names every field the recorded real inspect names."""
    # given
    recorded = {e.text for e in fixture("InspectClassResponse.xml").iter("Name")}
    # when
    actual = post(client, envelope(function(
        '<inspect detail="1"><object>CUSTOMER</object></inspect>')))
    # then
    assert recorded <= {e.text for e in actual.iter("Name")}
    first = actual.find(".//Field")
    expected = fixture("InspectClassResponse.xml").find(".//Field")
    assert [c.tag for c in first] == [c.tag for c in expected]  # type: ignore[union-attr]


def test_the_sdks_complete_envelope_is_parsed(client: Client) -> None:
    """The PHP SDK's whole request (iso-8859-1, one line) parses; its test sender is refused."""
    # given
    body = (FIXTURES / "php__RequestBlockTest__testWriteXml.xml").read_bytes()
    # when
    root = post(client, body)
    # then
    assert root.findtext("control/senderid") == "testsenderid"
    assert root.findtext("control/controlid") == "unittest"
    assert [e.findtext("errorno") for e in root.iter("error")] == ["XL03000006"]
