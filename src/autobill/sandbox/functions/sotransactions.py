"""Order Entry: ``create_sotransaction`` and ``update_sotransaction`` (§4.4, §9.15, §9.16).

A document's key is ``<docparid>-<docno>``. State Draft keeps a Sales Invoice off the ledger;
Pending posts it, which creates its AR invoice (MODULEKEY ``8.SO``, linked both ways) and the
revenue schedules of lines with a revenue template. Editing a posted document deletes its AR
invoice and creates a new one, with a new RECORDNO, as Intacct does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from autobill.core.money import Money
from autobill.sandbox import changes
from autobill.sandbox.arledger import write_invoice
from autobill.sandbox.business import (
    Currencies,
    amount_of,
    check_customer,
    check_dimensions,
    check_open_period,
    check_unique_number,
    currency_of,
    custom_fields,
    required_date,
)
from autobill.sandbox.formats import legacy_date, parse_date, wire
from autobill.sandbox.functions.context import Outcome, text_of
from autobill.sandbox.functions.invoices import key
from autobill.sandbox.schedules import revenue_span, write_schedule
from autobill.sandbox.xml.errors import GENERIC, REQUIRED_ERRNO, could_not, fail

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from autobill.sandbox.functions.context import Call
    from autobill.sandbox.store import Row

OBJ: Final = "sodocument"
PREFIXES: Final = {"Sales Invoice": "INV", "Sales Order": "SO", "Sales Quote": "SQ"}
STATES: Final = frozenset({"Draft", "Pending", "Closed"})
LINE_FIELDS: Final = {
    "itemdesc": "ITEMDESC", "memo": "MEMO", "locationid": "LOCATIONID",
    "departmentid": "DEPARTMENTID", "projectid": "PROJECTID", "customerid": "CUSTOMERID",
    "employeeid": "EMPLOYEEID", "classid": "CLASSID", "contractid": "CONTRACTID",
    "taskno": "TASKID", "revrectemplate": "REVRECTEMPLATE", "unit": "UNIT",
    "billingtemplate": "BILLINGTEMPLATE",
}


def create_sotransaction(call: Call, element: Element) -> Outcome:
    """Create a sales document; answers its key ``<docparid>-<docno>``."""
    docpar = text_of(element, "transactiontype")
    if docpar not in PREFIXES:
        raise fail(GENERIC, f"Invalid transaction definition '{docpar}'")
    customerid = text_of(element, "customerid")
    customer = check_customer(call, customerid, OBJ)
    created = required_date(element, "datecreated", OBJ)
    check_open_period(call, created, OBJ)  # whatever the state: Draft too (§9.20)
    state = check_state(text_of(element, "state") or "Pending")
    money = currency_of(call, element, created, OBJ)
    number = text_of(element, "documentno")
    if number:
        check_unique_number(call, "SODOCUMENT", "DOCNO", number, {"DOCPARID": docpar})
    else:
        number = _next_number(call, docpar)  # a free number: no need to check it
    header_dims = {"PROJECTID": text_of(element, "projectid")}
    check_dimensions(call, header_dims, customerid, OBJ)
    items = element.findall("sotransitems/sotransitem")
    if not items:
        raise could_not(REQUIRED_ERRNO, "Required field sotransitems is missing", OBJ)
    lines = [parse_line(call, item, customerid, money) for item in items]
    header = {
        "DOCID": f"{docpar}-{number}", "DOCNO": number, "DOCPARID": docpar, "STATE": "Draft",
        "CUSTVENDID": customerid, "CUSTVENDNAME": customer.get("NAME", ""),
        "WHENCREATED": wire(created), "WHENDUE": wire(legacy_date(element.find("datedue"))),
        "TERMNAME": text_of(element, "termname") or customer.get("TERMNAME", ""),
        "PONUMBER": text_of(element, "referenceno"), "MESSAGE": text_of(element, "message"),
        "CURRENCY": money.currency, "BASECURR": money.basecurr, "EXCHRATE": str(money.rate),
        "EXCHRATETYPE": money.ratetype, "EXCHRATEDATE": wire(money.ratedate),
        "SUPDOCID": text_of(element, "supdocid"), "EXTERNALID": text_of(element, "externalid"),
        "CREATEDFROM": text_of(element, "createdfrom"), **header_dims,
        **custom_fields(call, element, OBJ), **changes.stamps(call, created=True, dated=True),
    }
    if state == "Draft":
        # Stored as move_to would leave it (fields in the same order), without rewriting it.
        header["RECORDNO"] = str(call.store.next_recordno("SODOCUMENT"))
        header |= _total_fields([line["TRX_VALUE"] for line in lines],
                                [line["VALUE"] for line in lines])
    recordno = call.store.insert("SODOCUMENT", header, entity=call.session.entity)
    store_lines(call, recordno, header["DOCID"], lines)
    changes.audit(call, "SODOCUMENT", recordno, changes.CREATED, header["DOCID"])
    if state != "Draft":
        move_to(call, recordno, state)
    return Outcome([key(header["DOCID"])], writes=1)


def check_state(value: str) -> str:
    """Return a valid document state, or fail."""
    if value not in STATES:
        raise fail(GENERIC, f"Invalid state '{value}': use Draft, Pending or Closed")
    return value


def _next_number(call: Call, docpar: str) -> str:
    # One past the number of document numbers in use (every SODOCUMENT has a DOCNO), then the
    # first of this type's numbers still free.
    number = call.store.distinct("SODOCUMENT", "DOCNO") + 1
    while call.store.exists("SODOCUMENT", "DOCNO", f"{PREFIXES[docpar]}{number:04d}"):
        number += 1
    return f"{PREFIXES[docpar]}{number:04d}"


def parse_line(call: Call, item: Element, customerid: str, money: Currencies) -> dict[str, str]:
    """Validate one ``sotransitem`` and return its SODOCUMENTENTRY fields, priced."""
    fields = _line_fields(item)
    fields["ITEMID"] = text_of(item, "itemid")
    if not fields["ITEMID"]:
        raise could_not(REQUIRED_ERRNO, "Required field itemid is missing", OBJ)
    check_dimensions(call, fields, customerid, OBJ)
    product = call.store.find("ITEM", fields["ITEMID"])
    assert product is not None  # noqa: S101 - check_dimensions refused unknown items
    price_text = text_of(item, "price") or product.data.get("BASEPRICE", "")
    if not price_text:
        raise could_not(REQUIRED_ERRNO, f"Item {fields['ITEMID']} has no price: give a price", OBJ)
    quantity = amount_of(text_of(item, "quantity"), OBJ, "quantity")
    price = amount_of(price_text, OBJ, "price")
    discount = amount_of(text_of(item, "discountpercent") or "0", OBJ, "discountpercent")
    value = Money.of(quantity * price * (100 - discount) / 100, money.currency).amount
    fields |= {
        "QUANTITY": str(quantity), "PRICE": str(price), "UIPRICE": str(price),
        "DISCOUNTPERCENT": str(discount), "TRX_VALUE": str(value), "UIVALUE": str(value),
        "VALUE": str(money.base(value)), "GLACCOUNT": product.data.get("GLACCOUNT", ""),
        "REVRECSTARTDATE": wire(legacy_date(item.find("revrecstartdate"))),
        "REVRECENDDATE": wire(legacy_date(item.find("revrecenddate"))),
        **custom_fields(call, item, OBJ),
    }
    if fields.get("REVRECTEMPLATE"):
        revenue_span(fields["REVRECTEMPLATE"], fields, OBJ)
    return fields


def _line_fields(item: Element) -> dict[str, str]:
    """Return the non-empty ``LINE_FIELDS`` of a line, in that order (the first of each tag)."""
    texts: dict[str, str] = {}
    for child in item:
        if child.tag in LINE_FIELDS and child.tag not in texts:
            texts[child.tag] = (child.text or "").strip()
    return {name: texts[tag] for tag, name in LINE_FIELDS.items() if texts.get(tag)}


def store_lines(call: Call, header: int, docid: str, lines: list[dict[str, str]]) -> None:
    """Store a new document's lines."""
    # read returns LINE_NO 0-based while update_sotransaction's line_num is 1-based (§4.1).
    for number, line in enumerate(lines):
        entry = {**line, "DOCHDRNO": str(header), "DOCHDRID": docid, "LINE_NO": str(number)}
        entry["DOCPARID"] = docid.split("-", 1)[0]
        call.store.insert("SODOCUMENTENTRY", entry, entity=call.session.entity)


def lines_of(call: Call, header: int) -> list[Row]:
    """Return a document's lines in LINE_NO order."""
    rows = call.store.where("SODOCUMENTENTRY", "DOCHDRNO", str(header))
    return sorted(rows, key=lambda r: int(r.data["LINE_NO"]))


def move_to(call: Call, recordno: int, state: str) -> None:
    """Set the state; leaving Draft posts a Sales Invoice (AR invoice and revenue schedules)."""
    row = call.store.get("SODOCUMENT", recordno)
    assert row is not None  # noqa: S101 - the caller just stored or found it
    fields = dict(row.data)
    if fields["STATE"] != "Draft" and state == "Draft":
        raise fail(GENERIC, "A posted transaction cannot be returned to Draft")
    lines = lines_of(call, recordno)
    fields["STATE"] = state
    fields |= _total_fields([r.data["TRX_VALUE"] for r in lines], [r.data["VALUE"] for r in lines])
    if state != "Draft" and fields["DOCPARID"] == "Sales Invoice":
        day = parse_date(fields["WHENCREATED"])
        assert day is not None  # noqa: S101 - stored from a valid legacy date
        check_open_period(call, day, OBJ)
        ar = _post(call, fields, lines)
        fields |= {"PRRECORDKEY": str(ar), "ARINVOICE.RECORDNO": str(ar), "WHENPOSTED": wire(day)}
    call.store.replace(type(row)(row.object, row.recordno, row.entity, fields))


def _total_fields(trx_values: list[str], base_values: list[str]) -> dict[str, str]:
    """The header's totals of lines' transaction and base values."""
    trx = sum((amount_of(value, OBJ) for value in trx_values), amount_of("0", OBJ))
    base = sum((amount_of(value, OBJ) for value in base_values), amount_of("0", OBJ))
    return {"TRX_TOTAL": str(trx), "TOTAL": str(base), "TRX_SUBTOTAL": str(trx),
            "SUBTOTAL": str(base)}


def currencies_of(document: dict[str, str]) -> Currencies:
    """Return a stored document's currencies and exchange rate."""
    rate = amount_of(document["EXCHRATE"], OBJ)
    return Currencies(document["CURRENCY"], document["BASECURR"], rate,
                      document["EXCHRATETYPE"], parse_date(document.get("EXCHRATEDATE", "")))


def _post(call: Call, document: dict[str, str], lines: list[Row]) -> int:
    """Create the AR invoice of a posted Sales Invoice, and its lines' revenue schedules."""
    money = currencies_of(document)
    header = {
        "RECORDID": document["DOCNO"], "CUSTOMERID": document["CUSTVENDID"],
        "CUSTOMERNAME": document.get("CUSTVENDNAME", ""), "STATE": "Posted",
        "WHENCREATED": document["WHENCREATED"], "WHENPOSTED": document["WHENCREATED"],
        "WHENDUE": document.get("WHENDUE", ""), "TERMNAME": document.get("TERMNAME", ""),
        "MODULEKEY": "8.SO", "DOCHDRKEY": document["RECORDNO"], "PROJECTID":
        document.get("PROJECTID", ""), "SUPDOCID": document.get("SUPDOCID", ""),
    }
    items = [_ar_line(row.data) for row in lines]
    ar = write_invoice(call, header, items, money)
    for row in lines:
        if row.data.get("REVRECTEMPLATE"):
            write_schedule(call, document, row.data, row.recordno)
    return ar


def _ar_line(line: dict[str, str]) -> dict[str, str]:
    dims = ("ITEMID", "LOCATIONID", "DEPARTMENTID", "PROJECTID", "CUSTOMERID", "CLASSID",
            "CONTRACTID", "TASKID", "EMPLOYEEID", "REVRECTEMPLATE", "REVRECSTARTDATE",
            "REVRECENDDATE")
    account = line.get("GLACCOUNT", "")
    return {
        **{name: line[name] for name in dims if line.get(name)}, "TRX_AMOUNT": line["TRX_VALUE"],
        "GLACCOUNTNO": account, "ACCOUNTNO": account, "ENTRYDESCRIPTION": line.get("MEMO", ""),
    }
