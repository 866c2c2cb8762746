"""A milestone template's ENTRIES: readable, and in the form billing's converter reads."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, cast

import pytest
from sandbox_helpers import envelope, function, only_result, post

from autobill.billing.reader import EVERY_OBJECT
from autobill.billing.records import to_dataset
from autobill.intacct.responses import parse
from fixtures.sandbox_server import MINIMAL, cached_dataset

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from httpx import Client

    from autobill.billing.records import IntacctRecord, Records

ENTRIES = [{"TASKID": "T-INSTALL", "PERCENT": "100"}]  # minimal.yaml's INSTALL-MS


def run(client: Client, body: str, controlid: str = "f1") -> Element:
    """Run one function and return its result."""
    return only_result(post(client, envelope(function(body, controlid))))


READ_BY_QUERY = ("<readByQuery><object>CONTRACTBILLINGTEMPLATE</object><query>NAME = "
                 "'INSTALL-MS'</query><fields>NAME,ENTRIES</fields></readByQuery>")
QUERY = ("<query><object>CONTRACTBILLINGTEMPLATE</object><select><field>NAME</field>"
         "<field>ENTRIES</field></select></query>")
READ_BY_NAME = ("<readByName><object>CONTRACTBILLINGTEMPLATE</object><keys>INSTALL-MS</keys>"
                "<fields>*</fields></readByName>")


@pytest.mark.parametrize(("_case", "body", "path"), [
    ("readByQuery", READ_BY_QUERY, "data/contractbillingtemplate/ENTRIES"),
    ("query", QUERY, "data/CONTRACTBILLINGTEMPLATE/ENTRIES"),
    ("readByName", READ_BY_NAME, "data/CONTRACTBILLINGTEMPLATE/ENTRIES"),
])
def test_entries_is_a_field_of_the_template(
    client: Client, _case: str, body: str, path: str
) -> None:
    """ENTRIES can be asked for by name or with ``*``: the JSON text of the entry list."""
    # when
    result = run(client, body)
    # then
    assert result.findtext("status") == "success"
    assert json.loads(result.findtext(path) or "") == ENTRIES


def test_read_templates_convert_back_to_the_seeded_dataset(client: Client) -> None:
    """What billing reads (every object, ``*``) converts back to the seeded billing templates."""
    # given
    body = "".join(
        function(f"<readByQuery><object>{obj}</object><query/><fields>*</fields>"
                 "<pagesize>1000</pagesize></readByQuery>", obj)
        for obj in EVERY_OBJECT
    )
    # when
    response = parse(client.post("/ia/xml/xmlgw.phtml", content=envelope(body)).content)
    records: Records = {
        obj: tuple(cast("list[IntacctRecord]", result.records()))
        for obj, result in zip(EVERY_OBJECT, response.results, strict=True)
    }
    # then
    assert to_dataset(records).billingtemplates == cached_dataset(MINIMAL).billingtemplates


def test_a_created_template_reads_back_its_entries(client: Client) -> None:
    """A generic create with ENTRIES as JSON text stores it; reads answer the same text."""
    # given
    entries = json.dumps([{"TASKID": "T-INSTALL", "PERCENT": "40"},
                          {"TASKID": "T-INSTALL", "PERCENT": "60"}])
    created = run(client, "<create><CONTRACTBILLINGTEMPLATE><NAME>SPLIT</NAME><METHOD>Milestone"
                          f"</METHOD><ENTRIES>{entries}</ENTRIES></CONTRACTBILLINGTEMPLATE>"
                          "</create>", "c1")
    assert created.findtext("status") == "success"
    # when
    result = run(client, "<readByQuery><object>CONTRACTBILLINGTEMPLATE</object><query>NAME = "
                         "'SPLIT'</query><fields>ENTRIES</fields></readByQuery>", "r1")
    # then
    assert result.findtext("data/contractbillingtemplate/ENTRIES") == entries
