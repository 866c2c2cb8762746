"""Every recorded gateway response parses into the right values or the right error type."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import httpx
import pytest

from autobill.intacct import (
    IntacctAuthError,
    IntacctError,
    IntacctRateLimited,
    IntacctRequestError,
    IntacctTransportError,
)
from autobill.intacct._transport import classify
from autobill.intacct.responses import parse

if TYPE_CHECKING:
    from pathlib import Path


def read(fixtures_dir: Path, name: str) -> bytes:
    """A fixture's bytes."""
    return (fixtures_dir / name).read_bytes()


def test_every_response_fixture_is_understood(fixtures_dir: Path) -> None:
    """Each response fixture parses, or raises an IntacctError subclass, never anything else."""
    # given
    names = [f.name for f in fixtures_dir.glob("*.xml") if b"<response>" in f.read_bytes()]
    # when / then
    assert len(names) >= 25
    for name in names:
        with contextlib.suppress(IntacctError):
            parse(read(fixtures_dir, name))


def test_api_session_response(fixtures_dir: Path) -> None:
    """A getAPISession answer gives the session id, endpoint and the sliding timeout."""
    # when
    response = parse(read(fixtures_dir, "php__OnlineResponseTest__testGetters.xml"))
    # then
    (result,) = response.results
    assert result.ok
    assert result.function == "getAPISession"
    assert result.data is not None
    assert result.data.findtext("api/sessionid") == "fAkESesSiOnId.."
    assert response.authentication is not None
    assert response.authentication.sessiontimeout == "2015-10-23T20:58:27-07:00"


def test_read_by_query_page(fixtures_dir: Path) -> None:
    """A readByQuery page exposes its records and its paging attributes."""
    # when
    (result,) = parse(read(fixtures_dir, "php__ResultTest__testLegacyReadByQueryClass.xml")).results
    # then
    assert result.attr("numremaining") == "1"
    assert result.attr("resultId") == "myResultId"
    (record,) = result.records()
    assert record["CLASSID"] == "C1234"
    assert record["DESCRIPTION"] == ""


def test_read_by_query_with_many_records(fixtures_dir: Path) -> None:
    """Several records come back in document order."""
    # when
    name = "js__ResultTest__should_parse_readByQuery_response_with_multiple_records.xml"
    (result,) = parse(read(fixtures_dir, name)).results
    # then
    assert [r["CLASSID"] for r in result.records()] == ["C1234", "C1235"]


def test_read_response(fixtures_dir: Path) -> None:
    """A read returns upper-case record elements."""
    # when
    (result,) = parse(read(fixtures_dir, "php__ResultTest__testReadClass.xml")).results
    # then
    assert result.records() == [{"RECORDNO": "149", "CUSTOMERID": "10074", "STATUS": "active"}]


def test_legacy_create_returns_key(fixtures_dir: Path) -> None:
    """A legacy create answers with <key>."""
    # when
    (result,) = parse(read(fixtures_dir, "php__ResultTest__testLegacyCreateClassKey.xml")).results
    # then
    assert result.key == "C1234"


def test_generic_create_returns_records(fixtures_dir: Path) -> None:
    """A generic create lists each created record's RECORDNO."""
    # when
    (result,) = parse(read(fixtures_dir, "php__ClassObjTest__testCreateSuccess.xml")).results
    # then
    assert [r["RECORDNO"] for r in result.records()] == ["5", "6"]


def test_function_failure_carries_all_errors(fixtures_dir: Path) -> None:
    """A failed create becomes a request error with every error record."""
    # given
    (result,) = parse(read(fixtures_dir, "php__ClassObjTest__testCreateFailure.xml")).results
    # when
    error = result.error()
    # then
    assert not result.ok
    assert isinstance(error, IntacctRequestError)
    assert error.errno == "BL34000061"
    assert error.correction == "Use a unique value instead."
    assert [e.errorno for e in error.errors] == ["BL34000061", "BL01001973", "BL01001973"]
    with pytest.raises(IntacctRequestError):
        result.raise_for_status()


@pytest.mark.parametrize(
    ("_case", "name", "errno"),
    [
        ("unknown object", "php__ResultTest__testStatusFailure.xml", "XXX"),
        ("query failed", "php__IntacctClientTest__testReadByQueryFailure.xml", "DL02000001"),
        ("bad resultId", "php__IntacctClientTest__testReadMoreFailure.xml", "readMore failed"),
        ("delete unknown", "php__ClassObjTest__testDeleteFailure.xml", "BL01001973"),
        ("no such user", "php__UserTest__testGetUserPermissionsFailure.xml", "BL03000025"),
    ],
)
def test_function_failures(fixtures_dir: Path, _case: str, name: str, errno: str) -> None:
    """Function-level failures are values with their errno, not raised by parsing."""
    # when
    (result,) = parse(read(fixtures_dir, name)).results
    # then
    assert result.status == "failure"
    assert result.error().errno == errno


def test_aborted_result(fixtures_dir: Path) -> None:
    """An aborted function (transaction rolled back) reports status aborted and XL03000009."""
    # when
    (result,) = parse(read(fixtures_dir, "php__ResultTest__testStatusAbort.xml")).results
    # then
    error = result.error()
    assert error.status == "aborted"
    assert "XL03000009" in [e.errorno for e in error.errors]


def test_transaction_results_keep_order(fixtures_dir: Path) -> None:
    """In a rolled-back transaction the results come back in request order, aborted then failed."""
    # when
    name = "php__OnlineClientTest__testExecuteBatchTransactionResultException.xml"
    results = parse(read(fixtures_dir, name)).results
    # then
    assert [(r.controlid, r.status) for r in results] == [
        ("func1UnitTest", "aborted"),
        ("func2UnitTest", "failure"),
    ]


def test_several_results_in_order(fixtures_dir: Path) -> None:
    """Three functions give three results in order, legacy and generic shapes alike."""
    # when
    name = "net__MessageFormatterTest__RequestAndResponseRemovalTest.xml"
    results = parse(read(fixtures_dir, name)).results
    # then
    assert [r.controlid for r in results] == ["test1", "test2", "test3"]
    assert results[1].records()[0]["VENDORID"] == "V0004"


def test_control_failure_is_a_request_error(fixtures_dir: Path) -> None:
    """A control-level failure (no operation block) raises a request error."""
    # when / then
    with pytest.raises(IntacctRequestError) as caught:
        parse(read(fixtures_dir, "php__ResponseExceptionTest__testGetErrors.xml"))
    assert caught.value.errno == "XL03000006"
    assert caught.value.description2 == "test is not a valid transport policy."


def test_expired_demo_company(fixtures_dir: Path) -> None:
    """An expired demo company is a request error with its errno."""
    # when / then
    with pytest.raises(IntacctRequestError) as caught:
        parse(read(fixtures_dir, "php__OnlineResponseTest__testResponseExceptionWithErrors.xml"))
    assert caught.value.errno == "PL04000055"


def test_authentication_failure(fixtures_dir: Path) -> None:
    """Wrong sign-in is an auth error, not a renewable session expiry."""
    # when / then
    with pytest.raises(IntacctAuthError) as caught:
        parse(read(fixtures_dir, "php__ResponseExceptionTest__testGetAuthErrors.xml"))
    assert caught.value.errors[0].errorno == "XL03000006"
    assert not caught.value.session_expired


def test_xml_error_body_with_http_401(fixtures_dir: Path) -> None:
    """A 401 carrying an XML error body is parsed, and is an auth error."""
    # given
    body = read(fixtures_dir, "php__RequestHandlerTest__testMock400LevelErrorWithXmlResponse.xml")
    reply = httpx.Response(401, content=body, headers={"content-type": "text/xml"})
    # when / then
    with pytest.raises(IntacctAuthError) as caught:
        classify(reply)
    assert caught.value.errors[0].errorno == "XMLGW_JPP0002"


def test_asynchronous_acknowledgement_is_refused(fixtures_dir: Path) -> None:
    """An offline acknowledgement is not a synchronous answer: not retryable transport error."""
    # when / then
    with pytest.raises(IntacctTransportError) as caught:
        parse(read(fixtures_dir, "php__OfflineResponseTest__testGetAcknowledgement.xml"))
    assert not caught.value.retryable


@pytest.mark.parametrize(
    ("_case", "reply", "kind", "retryable"),
    [
        (
            "rate limited",
            httpx.Response(429, headers={"retry-after": "3"}),
            IntacctRateLimited,
            True,
        ),
        ("bad gateway", httpx.Response(502, text="<html/>"), IntacctTransportError, True),
        ("unavailable", httpx.Response(503), IntacctTransportError, True),
        ("still processing", httpx.Response(524), IntacctTransportError, False),
        (
            "html at 200",
            httpx.Response(200, text="<html>cf-error-details"),
            IntacctTransportError,
            True,
        ),
        ("forbidden html", httpx.Response(403, text="<html/>"), IntacctTransportError, False),
    ],
)
def test_http_failures(
    _case: str,
    reply: httpx.Response,
    kind: type[IntacctError],
    retryable: bool,  # noqa: FBT001
) -> None:
    """HTTP-level failures map to the error tree with the right retryability."""
    # when / then
    with pytest.raises(kind) as caught:
        classify(reply)
    assert caught.value.retryable is retryable


def test_rate_limit_in_body() -> None:
    """GW-0010 in a control failure is a rate limit."""
    # given
    body = (
        b"<response><control><status>failure</status></control><errormessage><error>"
        b"<errorno>GW-0010</errorno><description>Rate limit exceeded</description>"
        b"</error></errormessage></response>"
    )
    # when / then
    with pytest.raises(IntacctRateLimited):
        parse(body)


@pytest.mark.parametrize(
    ("_case", "body"),
    [
        (
            "billion laughs",
            (
                b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                b"<response>&lol2;</response>"
            ),
        ),
        (
            "external entity",
            (
                b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b"<response>&x;</response>"
            ),
        ),
        (
            "DTD in UTF-16",
            (
                '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "a">]>'
                "<response>&a;</response>"
            ).encode("utf-16"),
        ),
        (
            "DTD in UTF-16 without its declaration",
            '<!DOCTYPE r [<!ENTITY a "a">]><response>&a;</response>'.encode("utf-16"),
        ),
        (
            "DTD after a UTF-8 byte order mark",
            (
                b'\xef\xbb\xbf<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "a">]>'
                b"<response>&a;</response>"
            ),
        ),
        (
            "DTD in Latin-1",
            (
                b'<?xml version="1.0" encoding="ISO-8859-1"?><!DOCTYPE r [<!ENTITY a "a">]>'
                b"<response>&a;</response>"
            ),
        ),
    ],
)
def test_xml_bombs_are_refused(_case: str, body: bytes) -> None:
    """DTDs and entities in a response are refused and never retried."""
    # when / then
    with pytest.raises(IntacctTransportError) as caught:
        parse(body)
    assert not caught.value.retryable


def test_a_response_in_utf_16_without_a_dtd_is_read() -> None:
    """Another encoding is parsed through the refusing builder, and read like UTF-8."""
    # given
    body = (
        '<?xml version="1.0" encoding="UTF-16"?><response><control><status>failure</status>'
        "</control><errormessage><error><errorno>GW-0010</errorno><description>Ré</description>"
        "</error></errormessage></response>"
    ).encode("utf-16")
    # when / then
    with pytest.raises(IntacctRateLimited):
        parse(body)


def test_support_id_is_decoded() -> None:
    """The URL-encoded Support ID suffix of description2 is decoded."""
    # given
    body = (
        b"<response><control><status>success</status></control><operation><authentication>"
        b"<status>success</status></authentication><result><status>failure</status>"
        b"<function>create</function><controlid>c</controlid><errormessage><error>"
        b"<errorno>BL01001973</errorno><description2>Bad [Support ID: a%7Eb]</description2>"
        b"</error></errormessage></result></operation></response>"
    )
    # when
    (result,) = parse(body).results
    # then
    assert result.errors[0].description2 == "Bad [Support ID: a~b]"
