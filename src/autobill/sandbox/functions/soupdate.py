"""``update_sotransaction key="<docparid>-<docno>"``: header fields, lines, and state (§4.4)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from autobill.sandbox import changes
from autobill.sandbox.arledger import delete_invoice
from autobill.sandbox.business import Currencies, custom_fields
from autobill.sandbox.formats import legacy_date, wire
from autobill.sandbox.functions.context import Outcome, text_of
from autobill.sandbox.functions.invoices import key
from autobill.sandbox.functions.sotransactions import (
    OBJ,
    check_state,
    currencies_of,
    lines_of,
    move_to,
    parse_line,
)
from autobill.sandbox.xml.errors import GENERIC, could_not

if TYPE_CHECKING:
    from autobill.sandbox.functions.context import Call
    from autobill.sandbox.store import Row

HEADER = {"referenceno": "PONUMBER", "termname": "TERMNAME", "message": "MESSAGE",
          "supdocid": "SUPDOCID", "projectid": "PROJECTID"}


def update_sotransaction(call: Call, element: Element) -> Outcome:
    """Update a sales document; a posted one gets a new AR invoice (§9.16)."""
    docid = element.get("key", "")
    row = call.store.find("SODOCUMENT", docid)
    if row is None or not call.visible(row):
        raise could_not(GENERIC, f"Cannot find sodocument with key '{docid}' to update.", OBJ,
                        "update")
    posted = bool(row.data.get("PRRECORDKEY"))
    if posted:
        _unpost(call, row)
    fields = _header(call, element, dict(row.data))
    call.store.replace(type(row)(row.object, row.recordno, row.entity, fields))
    _update_lines(call, element, row.recordno, fields)
    state = check_state(text_of(element, "state") or fields["STATE"])
    move_to(call, row.recordno, state)
    changes.audit(call, "SODOCUMENT", row.recordno, changes.MODIFIED, docid)
    return Outcome([key(docid)], writes=1)


def _header(call: Call, element: Element, fields: dict[str, str]) -> dict[str, str]:
    for tag, name in HEADER.items():
        if element.find(tag) is not None:
            fields[name] = text_of(element, tag)
    for tag, name in (("datecreated", "WHENCREATED"), ("datedue", "WHENDUE")):
        day = legacy_date(element.find(tag))
        if day is not None:
            fields[name] = wire(day)
    fields |= {"PRRECORDKEY": "", "ARINVOICE.RECORDNO": ""}
    return fields | custom_fields(call, element, OBJ) | changes.stamps(call, created=False)


def _update_lines(call: Call, element: Element, header: int, fields: dict[str, str]) -> None:
    container = element.find("updatesotransitems")
    if container is None:
        return
    money = currencies_of(fields)
    existing = lines_of(call, header)
    added: list[dict[str, str]] = []
    for item in container:
        if item.tag == "sotransitem":
            added.append(parse_line(call, item, fields["CUSTVENDID"], money))
            continue
        _change_line(call, item, existing, fields, money)
    for number, line in enumerate(added, len(existing)):
        call.store.insert("SODOCUMENTENTRY", {
            **line, "DOCHDRNO": str(header), "DOCHDRID": fields["DOCID"], "LINE_NO": str(number),
            "DOCPARID": fields["DOCPARID"]}, entity=call.session.entity)


def _change_line(
    call: Call, item: Element, existing: list[Row], fields: dict[str, str], money: Currencies
) -> None:
    number = item.get("line_num", "")
    if not number.isdigit() or not 1 <= int(number) <= len(existing):
        raise could_not(GENERIC, f"Invalid line_num '{number}'", OBJ, "update")
    row = existing[int(number) - 1]
    current = row.data
    if item.find("itemid") is None:
        item.insert(0, _element("itemid", current["ITEMID"]))
    if item.find("quantity") is None:
        item.append(_element("quantity", current["QUANTITY"]))
    if item.find("price") is None:
        item.append(_element("price", current["PRICE"]))
    line = parse_line(call, item, fields["CUSTVENDID"], money)
    merged = {**current, **{k: v for k, v in line.items() if v}}
    call.store.replace(type(row)(row.object, row.recordno, row.entity, merged))


def _element(tag: str, text: str) -> Element:
    node = Element(tag)
    node.text = text
    return node


def _unpost(call: Call, row: Row) -> None:
    """Delete the AR invoice and revenue schedules a posted document created."""
    delete_invoice(call, int(row.data["PRRECORDKEY"]))
    for schedule in call.store.where("REVRECSCHEDULE", "DOCHDRKEY", str(row.recordno)):
        call.store.delete("REVRECSCHEDULE", schedule.recordno)
        key = str(schedule.recordno)
        for entry in call.store.where("REVRECSCHEDULEENTRY", "REVRECSCHEDULEKEY", key):
            call.store.delete("REVRECSCHEDULEENTRY", entry.recordno)
