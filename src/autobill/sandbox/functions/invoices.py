"""Legacy AR functions: ``create_invoice``, ``update_invoice``, ``create_aradjustment`` (§4.3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final
from xml.etree.ElementTree import Element

from autobill.sandbox import changes
from autobill.sandbox.arledger import write_invoice
from autobill.sandbox.business import (
    RULE_ERRNO,
    Currencies,
    amount_of,
    check_customer,
    check_dimensions,
    check_open_period,
    check_taxes,
    check_unique_number,
    currency_of,
    custom_fields,
    required_date,
)
from autobill.sandbox.formats import legacy_date, parse_date, wire
from autobill.sandbox.functions.context import Outcome, text_of
from autobill.sandbox.xml.errors import GENERIC, REQUIRED_ERRNO, could_not, fail

if TYPE_CHECKING:
    from datetime import date

    from autobill.sandbox.functions.context import Call

OBJ: Final = "arinvoice"
# Line dimensions as the legacy line elements name them → the ARINVOICEITEM field.
LINE_FIELDS: Final = {
    "memo": "ENTRYDESCRIPTION", "locationid": "LOCATIONID", "departmentid": "DEPARTMENTID",
    "projectid": "PROJECTID", "customerid": "CUSTOMERID", "employeeid": "EMPLOYEEID",
    "itemid": "ITEMID", "classid": "CLASSID", "contractid": "CONTRACTID", "taskid": "TASKID",
    "revrectemplate": "REVRECTEMPLATE", "offsetglaccountno": "OFFSETGLACCOUNTNO",
}
ACTIONS: Final = frozenset({"Draft", "Submit"})
LINE_COPIES: Final = frozenset({*LINE_FIELDS.values(), "GLACCOUNTNO", "ACCOUNTNO"})
REVERSAL_COPIES: Final = frozenset({"CUSTOMERID", "CUSTOMERNAME", "TERMNAME", "WHENDUE",
                                    "MODULEKEY", "RECORDID", "TAXSOLUTIONID"})


def key(value: str) -> Element:
    """Build the ``<key>`` a legacy create answers instead of ``<data>`` (§9.15)."""
    element = Element("key")
    element.text = value
    return element


def create_invoice(call: Call, element: Element) -> Outcome:
    """``create_invoice``: a posted (Submit) or Draft AR invoice; answers its RECORDNO."""
    customerid = text_of(element, "customerid")
    customer = check_customer(call, customerid, OBJ)
    created = required_date(element, "datecreated", OBJ)
    action = text_of(element, "action") or "Submit"
    if action not in ACTIONS:
        raise fail(GENERIC, f"Invalid action {action}: use Draft or Submit")
    posted = legacy_date(element.find("dateposted")) or created
    check_open_period(call, created, OBJ)  # a Draft too: Intacct refuses it at create
    if action == "Submit" and posted != created:
        check_open_period(call, posted, OBJ)
    money = currency_of(call, element, created, OBJ)
    number = text_of(element, "invoiceno")
    check_unique_number(call, "ARINVOICE", "RECORDID", number, {})
    solution = text_of(element, "taxsolutionid")
    lines = [_line(call, item, customerid, solution) for item in element.findall(
        "invoiceitems/lineitem")]
    if not lines:
        raise could_not(REQUIRED_ERRNO, "Required field invoiceitems is missing", OBJ)
    header = {
        "RECORDID": number, "CUSTOMERID": customerid, "CUSTOMERNAME": customer.get("NAME", ""),
        "WHENCREATED": wire(created), "WHENPOSTED": wire(posted) if action == "Submit" else "",
        "WHENDUE": wire(_due(call, element, created, customer)),
        "TERMNAME": text_of(element, "termname") or customer.get("TERMNAME", ""),
        "STATE": "Posted" if action == "Submit" else "Draft", "MODULEKEY": "2.AR",
        "DESCRIPTION": text_of(element, "description"), "DOCNUMBER": text_of(element, "ponumber"),
        "SUPDOCID": text_of(element, "supdocid"), "TAXSOLUTIONID": solution,
        "ONHOLD": text_of(element, "onhold") or "false", **custom_fields(call, element, OBJ),
    }
    recordno = write_invoice(call, header, lines, money)
    return Outcome([key(str(recordno))], writes=1)


def _due(call: Call, element: Element, created: date, customer: dict[str, str]) -> date:
    due = legacy_date(element.find("datedue"))
    if due is not None:
        if due < created:
            raise could_not(RULE_ERRNO, "Date Due cannot be earlier than date of transaction", OBJ)
        return due
    term = text_of(element, "termname") or customer.get("TERMNAME", "")
    found = call.store.find("ARTERM", term) if term else None
    if found is None:
        raise could_not(REQUIRED_ERRNO, "Required field datedue is missing (no valid termname)",
                        OBJ)
    return created + timedelta(days=int(found.data.get("DUEDAYS") or 0))


def _line(call: Call, item: Element, customerid: str, solution: str) -> dict[str, str]:
    fields = {name: text_of(item, tag) for tag, name in LINE_FIELDS.items() if text_of(item, tag)}
    check_dimensions(call, fields, customerid, OBJ)
    account = text_of(item, "glaccountno") or text_of(item, "accountlabel")
    if not account and fields.get("ITEMID"):
        found = call.store.find("ITEM", fields["ITEMID"])
        account = found.data.get("GLACCOUNT", "") if found else ""
    if not account:
        raise could_not(RULE_ERRNO, "Line has no associated account", OBJ)
    if call.store.find("GLACCOUNT", account) is None:
        raise could_not(RULE_ERRNO, f"Account {account} is not valid", OBJ)
    check_taxes(call, item, solution, OBJ)
    amount = amount_of(text_of(item, "amount"), OBJ)
    starts = legacy_date(item.find("revrecstartdate"))
    ends = legacy_date(item.find("revrecenddate"))
    return {
        **fields, "GLACCOUNTNO": account, "ACCOUNTNO": account, "TRX_AMOUNT": str(amount),
        "REVRECSTARTDATE": wire(starts), "REVRECENDDATE": wire(ends),
        **custom_fields(call, item, OBJ),
    }


def update_invoice(call: Call, element: Element) -> Outcome:
    """``update_invoice key=RECORDNO``: change header fields; ``action`` Submit posts a draft."""
    target = element.get("key", "")
    row = call.store.get("ARINVOICE", int(target)) if target.isdigit() else None
    if row is None or not call.visible(row):
        raise could_not(GENERIC, f"Cannot find arinvoice with key '{target}' to update.", OBJ,
                        "update")
    fields = dict(row.data)
    if text_of(element, "action") == "Submit" and fields.get("STATE") == "Draft":
        posted = legacy_date(element.find("dateposted")) or legacy_date(
            element.find("datecreated")) or call.now.date()
        check_open_period(call, posted, OBJ)
        fields |= {"STATE": "Posted", "WHENPOSTED": wire(posted)}
    for tag, name in (("description", "DESCRIPTION"), ("termname", "TERMNAME"),
                      ("ponumber", "DOCNUMBER"), ("supdocid", "SUPDOCID")):
        if element.find(tag) is not None:
            fields[name] = text_of(element, tag)
    due = legacy_date(element.find("datedue"))
    if due is not None:
        fields["WHENDUE"] = wire(due)
    fields |= custom_fields(call, element, OBJ) | changes.stamps(call, created=False)
    call.store.replace(type(row)(row.object, row.recordno, row.entity, fields))
    changes.audit(call, "ARINVOICE", row.recordno, changes.MODIFIED, fields.get("RECORDID", ""))
    return Outcome([key(target)], writes=1)


def create_aradjustment(call: Call, element: Element) -> Outcome:
    """``create_aradjustment``: an AR adjustment with its lines; answers its RECORDNO."""
    obj = "aradjustment"
    customerid = text_of(element, "customerid")
    customer = check_customer(call, customerid, obj)
    created = required_date(element, "datecreated", obj)
    check_open_period(call, created, obj)
    posted = legacy_date(element.find("dateposted"))
    if posted is not None and posted != created:
        check_open_period(call, posted, obj)
    money = currency_of(call, element, created, obj)
    items = element.findall("aradjustmentitems/lineitem")
    if not items:
        raise could_not(REQUIRED_ERRNO, "Required field aradjustmentitems is missing", obj)
    lines = [_adjustment_line(call, item, customerid, money) for item in items]
    total = sum(money.base(amount_of(t, obj)) for t in [text_of(i, "amount") for i in items])
    header = {
        "RECORDID": text_of(element, "adjustmentno"), "CUSTOMERID": customerid,
        "CUSTOMERNAME": customer.get("NAME", ""), "WHENCREATED": wire(created),
        "STATE": "Draft" if text_of(element, "action") == "Draft" else "Posted",
        "INVOICENO": text_of(element, "invoiceno"), "DESCRIPTION": text_of(element, "description"),
        "EXTERNALID": text_of(element, "externalid"), "BASECURR": money.basecurr,
        "CURRENCY": money.currency, "TOTALENTERED": str(total),
        **changes.stamps(call, created=True, dated=True),
    }
    recordno = call.store.insert("ARADJUSTMENT", header, entity=call.session.entity)
    for number, line in enumerate(lines, 1):
        line |= {"RECORDKEY": str(recordno), "LINE_NO": str(number)}
        call.store.insert("ARADJUSTMENTITEM", line, entity=call.session.entity)
    changes.audit(call, "ARADJUSTMENT", recordno, changes.CREATED, header["RECORDID"])
    return Outcome([key(str(recordno))], writes=1)


def _adjustment_line(
    call: Call, item: Element, customerid: str, money: Currencies
) -> dict[str, str]:
    fields = _line(call, item, customerid, "")
    amount = amount_of(fields["TRX_AMOUNT"], "aradjustment")
    return {**fields, "AMOUNT": str(money.base(amount)), "MEMO": fields.get("ENTRYDESCRIPTION", "")}


def reverse_invoice(call: Call, element: Element) -> Outcome:
    """``reverse_invoice key=RECORDNO``: a negated copy dated ``datereversed``; answers its key."""
    target = element.get("key", "")
    row = call.store.get("ARINVOICE", int(target)) if target.isdigit() else None
    if row is None or not call.visible(row) or row.data.get("STATE") != "Posted":
        raise could_not(GENERIC, f"Cannot find a posted arinvoice with key '{target}' to "
                        "reverse.", OBJ, "reverse")
    day = required_date(element, "datereversed", OBJ)
    check_open_period(call, day, OBJ)
    lines = [r.data for r in call.store.where("ARINVOICEITEM", "RECORDKEY", target)]
    negated = [{**{k: v for k, v in line.items() if k in LINE_COPIES},
                "TRX_AMOUNT": str(-Decimal(line.get("TRX_AMOUNT") or line["AMOUNT"]))}
               for line in lines]
    header = {k: v for k, v in row.data.items() if k in REVERSAL_COPIES}
    header |= {"STATE": "Reversal", "WHENCREATED": wire(day), "WHENPOSTED": wire(day),
               "DESCRIPTION": f"Reversal of {row.data.get('RECORDID') or target}"}
    money = Currencies(row.data["CURRENCY"], row.data["BASECURR"],
                       Decimal(row.data.get("EXCHANGE_RATE") or "1"),
                       row.data.get("EXCH_RATE_TYPE_ID", ""), parse_date(
                           row.data.get("EXCH_RATE_DATE", "")))
    reversal = write_invoice(call, header, negated, money)
    fields = {**row.data, "STATE": "Reversed", **changes.stamps(call, created=False)}
    call.store.replace(type(row)(row.object, row.recordno, row.entity, fields))
    changes.audit(call, "ARINVOICE", row.recordno, changes.MODIFIED, fields.get("RECORDID", ""))
    return Outcome([key(str(reversal))], writes=1)
