"""The envelope, status model and authentication of the XML gateway (§9.1 to 9.4, §9.8 to 9.9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sandbox_helpers import (
    envelope,
    errornos,
    function,
    in_process,
    only_result,
    post,
    results,
    session_of,
)

from autobill.sandbox import SandboxConfig

if TYPE_CHECKING:
    from httpx import Client as TestClient

    from autobill.sandbox import Store


def test_malformed_xml_fails_at_control_level_with_no_operation(client: TestClient) -> None:
    """A body that is not XML gets control failure XL03000003 and no operation block."""
    # given
    body = b"<request><control><senderid>x</senderid></request>"
    # when
    root = post(client, body)
    # then
    assert root.findtext("control/status") == "failure"
    assert root.find("operation") is None
    assert errornos(root) == ["XL03000003"]


def test_xml_bomb_is_refused(client: TestClient) -> None:
    """A document declaring entities (a billion-laughs bomb) is refused as a parse error."""
    # given
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><request>&lol2;</request>'
    )
    # when
    root = post(client, bomb)
    # then
    assert errornos(root) == ["XL03000003"]
    assert root.find("operation") is None


def test_xml_bomb_in_another_encoding_is_refused(client: TestClient) -> None:
    """A DTD is refused whatever the body's encoding (the parser's doctype hook)."""
    # given
    bomb = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><request>&lol2;</request>'
    ).encode("utf-16")
    # when
    root = post(client, bomb)
    # then
    assert errornos(root) == ["XL03000003"]
    assert "DTDForbidden" in (root.findtext("errormessage/error/description2") or "")


def test_wrong_sender_fails_at_control_level(client: TestClient) -> None:
    """A wrong sender password is a control failure XL03000006, echoing the sender id."""
    # when
    root = post(client, envelope(function("<getAPISession/>"), sender=("autobill", "nope")))
    # then
    assert root.findtext("control/status") == "failure"
    assert root.findtext("control/senderid") == "autobill"
    assert errornos(root) == ["XL03000006"]
    assert root.find("operation") is None


def test_wrong_user_password_fails_authentication_with_no_results(client: TestClient) -> None:
    """Bad login credentials fail authentication: an errormessage and no result."""
    # when
    root = post(client, envelope(function("<getAPISession/>"), user_password="wrong"))  # noqa: S106
    # then
    assert root.findtext("control/status") == "success"
    assert root.findtext("operation/authentication/status") == "failure"
    assert results(root) == []
    assert errornos(root.find("operation/errormessage")) == ["XL03000006"]  # type: ignore[arg-type]


def test_control_fields_are_echoed(client: TestClient) -> None:
    """senderid, controlid, uniqueid and dtdversion come back in the response's control."""
    # when
    root = post(client, envelope(function("<getAPISession/>"), uniqueid="false"))
    # then
    control = root.find("control")
    assert control is not None
    assert [c.tag for c in control] == ["status", "senderid", "controlid", "uniqueid", "dtdversion"]
    assert [c.text for c in control] == ["success", "autobill", "ctl-1", "false", "3.0"]


def test_results_come_in_request_order_with_their_controlids(client: TestClient) -> None:
    """Each function gets a result, in request order, echoing its name and controlid."""
    # given
    body = function("<read><object>CUSTOMER</object><keys>1</keys></read>", "a") + function(
        "<read><object>NOPE</object><keys>1</keys></read>", "b"
    ) + function("<readByQuery><object>ITEM</object><query/></readByQuery>", "c")
    # when
    found = results(post(client, envelope(body)))
    # then
    assert [(r.findtext("controlid"), r.findtext("status")) for r in found] == [
        ("a", "success"), ("b", "failure"), ("c", "success")
    ]
    assert [r.findtext("function") for r in found] == ["read", "read", "readByQuery"]


def test_session_authenticates_later_requests(client: TestClient) -> None:
    """A session id from getAPISession authenticates, echoing user, company and timeout."""
    # given
    sessionid = session_of(client)
    # when
    root = post(client, envelope(function("<read><object>ITEM</object><keys/></read>"),
                                 session=sessionid))
    # then
    auth = root.find("operation/authentication")
    assert auth is not None
    assert [c.tag for c in auth] == [
        "status", "userid", "companyid", "locationid", "sessiontimestamp", "sessiontimeout"
    ]
    assert auth.findtext("userid") == "admin"
    assert auth.findtext("companyid") == "DEMO"


def test_unknown_session_fails_authentication(client: TestClient) -> None:
    """An unknown session id fails authentication with XL03000006."""
    # when
    root = post(client, envelope(function("<getAPISession/>"), session="nope.."))
    # then
    assert root.findtext("operation/authentication/status") == "failure"
    assert "XL03000006" in errornos(root)


class Clock:
    """A settable clock for session timeout tests."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        """Return the current time of the test."""
        return self.now


@pytest.fixture
def clock() -> Clock:
    """Return a clock the test moves by hand."""
    return Clock()


@pytest.mark.parametrize(("_case", "gaps", "alive"), [
    ("used within the timeout each time", [50, 50, 50], True),
    ("idle past the timeout", [61], False),
])
def test_session_timeout_slides_with_use(
    store: Store, clock: Clock, _case: str, gaps: list[int], alive: bool  # noqa: FBT001
) -> None:
    """Each call pushes the timeout out again; a session idle past it is invalid (§9.8)."""
    # given
    config = SandboxConfig(session_timeout=timedelta(minutes=60), clock=clock)
    with in_process(config, store) as client:
        sessionid = session_of(client)
        status = ""
        # when
        for minutes in gaps:
            clock.now += timedelta(minutes=minutes)
            root = post(client, envelope(function("<getAPISession/>"), session=sessionid))
            status = root.findtext("operation/authentication/status") or ""
    # then
    assert (status == "success") is alive


def test_entity_session_sees_its_entity_and_top_level(client: TestClient) -> None:
    """An entity session echoes its locationid and sees its entity's records (§9.9)."""
    # given
    sessionid = session_of(client, location="US")
    # when
    root = post(client, envelope(
        function("<readByQuery><object>CUSTOMER</object><query/></readByQuery>"),
        session=sessionid,
    ))
    # then
    assert root.findtext("operation/authentication/locationid") == "US"
    assert only_result(root).findtext("data/customer/MEGAENTITYID") == "US"


def test_entity_login_with_unknown_entity_fails(client: TestClient) -> None:
    """A login naming an entity that does not exist fails authentication."""
    # when
    root = post(client, envelope(function("<getAPISession/>"), location="MARS"))
    # then
    assert root.findtext("operation/authentication/status") == "failure"


def test_get_api_session_returns_endpoint_and_locationid(client: TestClient) -> None:
    """GetAPISession answers sessionid, the endpoint to use next, and the entity (§9.8)."""
    # when
    result = only_result(post(client, envelope(function(
        "<getAPISession><locationid>US</locationid></getAPISession>"))))
    # then
    api = result.find("data/api")
    assert api is not None
    assert [c.tag for c in api] == ["sessionid", "endpoint", "locationid"]
    assert api.findtext("endpoint", "").endswith("/ia/xml/xmlgw.phtml")
    assert api.findtext("locationid") == "US"


def test_get_is_not_allowed(client: TestClient) -> None:
    """HTTP GET on the gateway is refused; Intacct accepts POST only (§1.1)."""
    # when
    response = client.get("/ia/xml/xmlgw.phtml")
    # then
    assert response.status_code == 405


def test_records_created_in_an_entity_belong_to_it(client: TestClient) -> None:
    """A record created in an entity session carries that entity; another entity cannot see it."""
    # given
    post(client, envelope(function("<create><LOCATION><LOCATIONID>UK</LOCATIONID><NAME>UK"
                                   "</NAME><ENTITY>true</ENTITY></LOCATION></create>")))
    us, uk = session_of(client, location="US"), session_of(client, location="UK")
    post(client, envelope(function("<create><CLASS><CLASSID>USONLY</CLASSID><NAME>U</NAME>"
                                   "</CLASS></create>"), session=us))
    query = function("<readByQuery><object>CLASS</object><query>CLASSID = 'USONLY'</query>"
                     "<fields>CLASSID,MEGAENTITYID</fields></readByQuery>")
    # when
    from_us = only_result(post(client, envelope(query, session=us)))
    from_uk = only_result(post(client, envelope(query, session=uk)))
    from_top = only_result(post(client, envelope(query)))
    # then
    assert from_us.findtext("data/class/MEGAENTITYID") == "US"
    assert from_uk.find("data").get("count") == "0"  # type: ignore[union-attr]
    assert from_top.find("data").get("count") == "1"  # type: ignore[union-attr]


def test_business_errors_are_http_200_text_xml(client: TestClient) -> None:
    """A failing function still answers HTTP 200 with Intacct's text/xml content type (§9.1)."""
    # when
    response = client.post("/ia/xml/xmlgw.phtml", content=envelope(function(
        "<read><object>NOPE</object><keys>1</keys></read>")))
    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")


def test_empty_values_are_written_as_open_and_close_tags(client: TestClient) -> None:
    """Null values are empty elements written as <x></x>, as Intacct writes them (§9.14)."""
    # when
    response = client.post("/ia/xml/xmlgw.phtml", content=envelope(function(
        "<read><object>CUSTOMER</object><keys>1</keys><fields>CUSTOMERID,PARENTID</fields></read>"
    )))
    # then
    assert b"<PARENTID></PARENTID>" in response.content
    assert b"<locationid></locationid>" in response.content


def test_showprivate_widens_an_entity_query(client: TestClient) -> None:
    """Query with showprivate sees other entities' records from an entity session (§9.9)."""
    # given
    post(client, envelope(function("<create><LOCATION><LOCATIONID>UK</LOCATIONID><NAME>UK"
                                   "</NAME><ENTITY>true</ENTITY></LOCATION></create>")))
    uk = session_of(client, location="UK")
    select = ("<query><object>CUSTOMER</object><select><field>CUSTOMERID</field></select>"
              "{options}</query>")
    # when
    plain = only_result(post(client, envelope(function(select.format(options="")), session=uk)))
    private = only_result(post(client, envelope(function(select.format(
        options="<options><showprivate>true</showprivate></options>")), session=uk)))
    # then
    assert plain.find("data").get("count") == "0"  # type: ignore[union-attr]
    assert private.find("data").get("count") == "1"  # type: ignore[union-attr]
