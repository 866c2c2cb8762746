"""Generic create, update and delete; transactions; replay protection (§9.5 to 9.7, §9.17)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sandbox_helpers import envelope, errornos, function, only_result, post, results

from autobill.sandbox import SandboxConfig

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from httpx import Client

    from autobill.sandbox import Store


def run(client: Client, body: str, controlid: str = "f1", **options: object) -> Element:
    """Run one function and return its result."""
    return only_result(post(client, envelope(function(body, controlid), **options)))  # type: ignore[arg-type]


def test_create_answers_recordno_and_id_and_audits(client: Client, store: Store) -> None:
    """A create answers the new RECORDNO and id, stores the record and audits it as api."""
    # when
    result = run(client, "<create><DEPARTMENT><DEPARTMENTID>FIN</DEPARTMENTID>"
                         "<TITLE>Finance</TITLE></DEPARTMENT></create>")
    # then
    assert result.findtext("status") == "success"
    assert result.findtext("data/department/DEPARTMENTID") == "FIN"
    row = store.find("DEPARTMENT", "FIN")
    assert row is not None
    assert row.data["CREATEDBY"] == "admin"
    trail = [a.data for a in store.scan("AUDITHISTORY")]
    assert trail[-1]["OBJECTTYPE"] == "department"
    assert (trail[-1]["ACCESSMODE"], trail[-1]["SOURCE"]) == ("Created", "api")


def test_create_with_nested_fields_and_custom_field(client: Client, store: Store) -> None:
    """Nested elements are stored as dotted fields; a custom field is accepted in any case."""
    # when
    result = run(client, "<create><CUSTOMER><CUSTOMERID>C-9</CUSTOMERID><NAME>Nine</NAME>"
                         "<DISPLAYCONTACT><PRINTAS>Nine Inc</PRINTAS></DISPLAYCONTACT>"
                         "<customfield1>hello</customfield1></CUSTOMER></create>")
    # then
    assert result.findtext("status") == "success"
    row = store.find("CUSTOMER", "C-9")
    assert row is not None
    assert row.data["DISPLAYCONTACT.PRINTAS"] == "Nine Inc"
    assert row.data["CUSTOMFIELD1"] == "hello"


def test_customer_without_id_is_numbered(client: Client) -> None:
    """A customer created without CUSTOMERID gets one (document sequencing)."""
    # when
    result = run(client, "<create><CUSTOMER><NAME>No id</NAME></CUSTOMER></create>")
    # then
    assert result.findtext("data/customer/CUSTOMERID")


@pytest.mark.parametrize(("_case", "record", "text"), [
    ("unknown field", "<CLASS><CLASSID>X</CLASSID><NAME>X</NAME><COLOUR>red</COLOUR></CLASS>",
     "Invalid field COLOUR"),
    ("lower-case standard field", "<CLASS><classid>X</classid><NAME>X</NAME></CLASS>",
     "Invalid field classid"),
    ("required field missing", "<CLASS><CLASSID>X</CLASSID></CLASS>", "Required field NAME"),
    ("date not mm/dd/yyyy",
     ("<CONTRACT><CONTRACTID>K</CONTRACTID><CUSTOMERID>C-1</CUSTOMERID><NAME>K</NAME>"
     "<BEGINDATE>2026-01-01</BEGINDATE></CONTRACT>"), "Invalid date"),
    ("unknown customer",
     ("<PROJECT><NAME>P</NAME><PROJECTCATEGORY>Contract</PROJECTCATEGORY>"
     "<CUSTOMERID>NOBODY</CUSTOMERID></PROJECT>"), "Customer 'NOBODY' specified is not valid."),
])
def test_create_refuses_bad_records(client: Client, _case: str, record: str, text: str) -> None:
    """Bad records fail the create with an error and Intacct's "Could not create" wrapper."""
    # when
    result = run(client, f"<create>{record}</create>")
    # then
    assert result.findtext("status") == "failure"
    assert text in (result.findtext(".//description2") or "")
    assert errornos(result)[-1] == "BL01001973"


def test_generic_create_of_an_invoice_is_refused(client: Client) -> None:
    """ARINVOICE has no generic create: only create_invoice writes it (§4.3)."""
    # when
    result = run(client, "<create><ARINVOICE><CUSTOMERID>C-1</CUSTOMERID></ARINVOICE></create>")
    # then
    assert result.findtext("status") == "failure"


def test_multi_record_create_keeps_records_before_the_failure(
    client: Client, store: Store
) -> None:
    """Without a transaction, records before the failing one stay, and data counts them (§9.6)."""
    # when
    result = run(client, "<create><CLASS><CLASSID>A1</CLASSID><NAME>A</NAME></CLASS>"
                         "<CLASS><CLASSID>SMB</CLASSID><NAME>dup</NAME></CLASS>"
                         "<CLASS><CLASSID>A3</CLASSID><NAME>C</NAME></CLASS></create>")
    # then
    assert result.findtext("status") == "failure"
    assert result.find("data").get("count") == "1"  # type: ignore[union-attr]
    assert errornos(result)[0] == "BL34000061"
    assert store.find("CLASS", "A1") is not None
    assert store.find("CLASS", "A3") is None


def test_update_sets_fields_and_delete_removes(client: Client, store: Store) -> None:
    """Update changes a record found by id; delete by RECORDNO removes it."""
    # when
    updated = run(client, "<update><ITEM><ITEMID>POS</ITEMID><NAME>POS v2</NAME></ITEM></update>")
    recordno = updated.findtext("data/item/RECORDNO")
    deleted = run(client, f"<delete><object>ITEM</object><keys>{recordno}</keys></delete>", "f2")
    # then
    assert updated.findtext("status") == "success"
    assert deleted.findtext("status") == "success"
    assert [c.tag for c in deleted] == ["status", "function", "controlid"]
    assert store.find("ITEM", "POS") is None
    modes = [a.data["ACCESSMODE"] for a in store.scan("AUDITHISTORY")]
    assert modes[-2:] == ["Modified", "Deleted"]


def test_update_of_unknown_record_fails(client: Client) -> None:
    """Updating a record that does not exist fails."""
    # when
    result = run(client, "<update><ITEM><ITEMID>NOPE</ITEMID><NAME>x</NAME></ITEM></update>")
    # then
    assert result.findtext("status") == "failure"


def test_transaction_rolls_everything_back(client: Client, store: Store) -> None:
    """transaction="true": one failure rolls back all; others aborted with XL03000009 (§9.5)."""
    # given
    body = (
        function("<create><CLASS><CLASSID>T1</CLASSID><NAME>T1</NAME></CLASS></create>", "a")
        + function("<create><CLASS><CLASSID>SMB</CLASSID><NAME>dup</NAME></CLASS></create>", "b")
        + function("<create><CLASS><CLASSID>T3</CLASSID><NAME>T3</NAME></CLASS></create>", "c")
    )
    # when
    found = results(post(client, envelope(body, transaction=True)))
    # then
    assert [r.findtext("status") for r in found] == ["aborted", "failure", "aborted"]
    assert all(errornos(r)[-1] == "XL03000009" for r in found)
    assert errornos(found[1])[0] == "BL34000061"
    assert store.find("CLASS", "T1") is None
    assert store.find("CLASS", "T3") is None


def test_without_transaction_functions_are_independent(client: Client, store: Store) -> None:
    """transaction="false": a failing function does not undo the others."""
    # given
    body = (
        function("<create><CLASS><CLASSID>T1</CLASSID><NAME>T1</NAME></CLASS></create>", "a")
        + function("<create><CLASS><CLASSID>SMB</CLASSID><NAME>dup</NAME></CLASS></create>", "b")
    )
    # when
    found = results(post(client, envelope(body)))
    # then
    assert [r.findtext("status") for r in found] == ["success", "failure"]
    assert store.find("CLASS", "T1") is not None


def test_replayed_controlid_creates_nothing_and_fails(client: Client, store: Store) -> None:
    """uniqueid=true: a function controlid seen before fails and creates no second record (§9.7)."""
    # given
    body = "<create><CLASS><CLASSID>R1</CLASSID><NAME>R</NAME></CLASS></create>"
    first = run(client, body, "write-1", uniqueid="true")
    run(client, "<delete><object>CLASS</object><keys>R1</keys></delete>", "del", uniqueid="false")
    # when
    again = run(client, body, "write-1", uniqueid="true")
    # then
    assert first.findtext("status") == "success"
    assert again.findtext("status") == "failure"
    assert errornos(again) == ["XL03000013"]
    assert store.find("CLASS", "R1") is None


def test_missing_uniqueid_means_true(client: Client) -> None:
    """A request without uniqueid is protected, as the docs give true as the default (§2.1)."""
    # given
    body = "<create><CLASS><CLASSID>R2</CLASSID><NAME>R</NAME></CLASS></create>"
    run(client, body, "w", uniqueid=None)
    # when
    again = run(client, body, "w", uniqueid=None)
    # then
    assert errornos(again) == ["XL03000013"]


def test_uniqueid_false_lets_a_controlid_repeat(client: Client) -> None:
    """uniqueid=false: the same controlid runs again (here failing as a duplicate id)."""
    # given
    body = "<create><CLASS><CLASSID>R3</CLASSID><NAME>R</NAME></CLASS></create>"
    run(client, body, "w")
    # when
    again = run(client, body, "w")
    # then
    assert errornos(again)[0] == "BL34000061"


def test_a_rolled_back_write_does_not_burn_its_controlid(client: Client) -> None:
    """A controlid whose function was rolled back may run again."""
    # given
    ok = function("<create><CLASS><CLASSID>R4</CLASSID><NAME>R</NAME></CLASS></create>", "w4")
    bad = function("<read><object>NOPE</object><keys>1</keys></read>", "bad")
    post(client, envelope(ok + bad, transaction=True, uniqueid="true"))
    # when
    again = results(post(client, envelope(ok, uniqueid="true")))
    # then
    assert again[0].findtext("status") == "success"


@pytest.fixture
def config() -> SandboxConfig:
    """Use a different replay errno, to show it is configurable."""
    return SandboxConfig(replay_errno="XL03000013")
