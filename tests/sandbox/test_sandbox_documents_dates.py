"""Transactions keep their own date (WHENCREATED), and a closed period refuses them at create."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from sandbox_helpers import envelope, errornos, function, only_result, post

from autobill.sandbox import SandboxConfig

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from httpx import Client

    from autobill.sandbox import Store

# The books are closed through January 2026 and the requests arrive on January 20th: a
# transaction dated February 1st is open, whatever the day it is written on.
CLOSED_THROUGH = date(2026, 1, 31)
NOW = datetime(2026, 1, 20, 9, 30, tzinfo=UTC)
OPEN_DAY = "<year>2026</year><month>02</month><day>01</day>"
CLOSED_DAY = "<year>2026</year><month>01</month><day>15</day>"
CLOSED_WORDING = "Date must be on or after 02/01/2026"
POSTING_ERRNOS = ["BL01001973", "BL01001973"]  # the rule's errno, then the wrapper


@pytest.fixture
def config() -> SandboxConfig:
    """Books closed through January 2026; the clock on January 20th."""
    return SandboxConfig(close_date=CLOSED_THROUGH, clock=lambda: NOW)


def run(client: Client, body: str, controlid: str = "f1") -> Element:
    """Run one function and return its result."""
    return only_result(post(client, envelope(function(body, controlid))))


def sales_invoice(day: str, state: str, doctype: str = "Sales Invoice") -> str:
    """Return a create_sotransaction of one line with a revenue schedule, dated ``day``."""
    return (f"<create_sotransaction><transactiontype>{doctype}</transactiontype><datecreated>"
            f"{day}</datecreated><customerid>C-1</customerid><state>{state}</state>"
            "<sotransitems><sotransitem><itemid>POS</itemid><quantity>1</quantity>"
            "<price>120</price><revrectemplate>On invoice</revrectemplate></sotransitem>"
            "</sotransitems></create_sotransaction>")


def ar_invoice(day: str, action: str = "Submit", posted: str = "") -> str:
    """Return a create_invoice of one line, dated ``day``."""
    return (f"<create_invoice><customerid>C-1</customerid><datecreated>{day}</datecreated>"
            f"{posted}<termname>Net 30</termname><action>{action}</action><invoiceitems>"
            "<lineitem><glaccountno>4000</glaccountno><amount>80.00</amount></lineitem>"
            "</invoiceitems></create_invoice>")


def adjustment(day: str, posted: str = "") -> str:
    """Return a create_aradjustment of one line, dated ``day``."""
    return (f"<create_aradjustment><customerid>C-1</customerid><datecreated>{day}"
            f"</datecreated>{posted}<aradjustmentitems><lineitem><glaccountno>4000"
            "</glaccountno><amount>-10.00</amount></lineitem></aradjustmentitems>"
            "</create_aradjustment>")


def created_on(store: Store, obj: str, key: str) -> str:
    """Return the WHENCREATED of a record stored under its id or RECORDNO."""
    row = store.find(obj, key) if obj == "SODOCUMENT" else store.get(obj, int(key))
    assert row is not None
    return row.data["WHENCREATED"]


def test_a_draft_document_keeps_its_date_and_posts_in_an_open_period(
    client: Client, store: Store
) -> None:
    """A Draft dated Feb 1st written on Jan 20th keeps Feb 1st; posting it checks Feb 1st."""
    # given
    key = run(client, sales_invoice(OPEN_DAY, "Draft")).findtext("key") or ""
    assert created_on(store, "SODOCUMENT", key) == "02/01/2026"
    # when
    result = run(client, f'<update_sotransaction key="{key}"><state>Pending</state>'
                         "</update_sotransaction>", "f2")
    # then
    assert result.findtext("status") == "success"
    document = store.find("SODOCUMENT", key)
    assert document is not None
    assert (document.data["WHENCREATED"], document.data["WHENPOSTED"]) == ("02/01/2026",) * 2
    assert document.data["CREATEDBY"] == "admin"
    assert document.data["WHENMODIFIED"] == "01/20/2026 09:30:00"
    ar = store.get("ARINVOICE", int(document.data["PRRECORDKEY"]))
    assert ar is not None
    assert (ar.data["WHENCREATED"], ar.data["WHENPOSTED"]) == ("02/01/2026",) * 2
    (schedule,) = store.scan("REVRECSCHEDULE")
    assert schedule.data["DOCUMENTDATE"] == "02/01/2026"


def test_document_dates_read_back_as_sent(client: Client) -> None:
    """A read answers the document's date as WHENCREATED, not the time it was written."""
    # given
    run(client, sales_invoice(OPEN_DAY, "Pending"))
    # when
    result = run(client, "<readByQuery><object>SODOCUMENT</object><query/><fields>DOCID,"
                         "WHENCREATED</fields></readByQuery>", "r1")
    # then
    assert result.findtext("data/sodocument/WHENCREATED") == "02/01/2026"


@pytest.mark.parametrize(("_case", "body", "obj"), [
    ("create_invoice Submit", ar_invoice(OPEN_DAY), "ARINVOICE"),
    ("create_invoice Draft", ar_invoice(OPEN_DAY, "Draft"), "ARINVOICE"),
    ("create_aradjustment", adjustment(OPEN_DAY), "ARADJUSTMENT"),
])
def test_ar_transactions_keep_their_date(
    client: Client, store: Store, _case: str, body: str, obj: str
) -> None:
    """An AR invoice's or adjustment's WHENCREATED is its <datecreated>."""
    # when
    result = run(client, body)
    # then
    assert result.findtext("status") == "success"
    assert created_on(store, obj, result.findtext("key") or "") == "02/01/2026"


@pytest.mark.parametrize(("_case", "body", "obj"), [
    ("Draft Sales Invoice", sales_invoice(CLOSED_DAY, "Draft"), "SODOCUMENT"),
    ("Pending Sales Invoice", sales_invoice(CLOSED_DAY, "Pending"), "SODOCUMENT"),
    ("Sales Order", sales_invoice(CLOSED_DAY, "Pending", "Sales Order"), "SODOCUMENT"),
    ("create_invoice Draft", ar_invoice(CLOSED_DAY, "Draft"), "ARINVOICE"),
    ("create_invoice Submit", ar_invoice(CLOSED_DAY), "ARINVOICE"),
    ("create_invoice posted in an open period",
     ar_invoice(CLOSED_DAY, posted=f"<dateposted>{OPEN_DAY}</dateposted>"), "ARINVOICE"),
    ("create_aradjustment", adjustment(CLOSED_DAY), "ARADJUSTMENT"),
    ("create_aradjustment posted in an open period",
     adjustment(CLOSED_DAY, f"<dateposted>{OPEN_DAY}</dateposted>"), "ARADJUSTMENT"),
])
def test_a_closed_period_refuses_the_create(
    client: Client, store: Store, _case: str, body: str, obj: str
) -> None:
    """A transaction dated in a closed period is refused at create, Draft too, storing nothing."""
    # given
    before = len(store.scan(obj)), len(store.scan("ARINVOICE"))
    # when
    result = run(client, body)
    # then
    assert result.findtext("status") == "failure"
    assert errornos(result) == POSTING_ERRNOS
    description = result.findtext("errormessage/error/description2") or ""
    assert description == ("The transaction date 01/15/2026 is in a period that's been closed. "
                           f"{CLOSED_WORDING}.")
    assert (len(store.scan(obj)), len(store.scan("ARINVOICE"))) == before


def test_a_create_in_a_closed_period_fails_as_posting_does(client: Client, store: Store) -> None:
    """The create-time refusal has the shape of the refusal when a Draft is posted."""
    # given: a Draft of an open day, moved into the closed period by an update
    key = run(client, sales_invoice(OPEN_DAY, "Draft")).findtext("key") or ""
    # when
    posting = run(client, f'<update_sotransaction key="{key}"><datecreated>{CLOSED_DAY}'
                          "</datecreated><state>Pending</state></update_sotransaction>", "f2")
    creating = run(client, sales_invoice(CLOSED_DAY, "Draft"), "f3")
    # then
    assert errornos(posting) == errornos(creating) == POSTING_ERRNOS
    assert [e.text for e in posting.iter("description2")] == [
        e.text for e in creating.iter("description2")]
    document = store.find("SODOCUMENT", key)
    assert document is not None
    assert (document.data["STATE"], document.data["WHENCREATED"]) == ("Draft", "02/01/2026")
