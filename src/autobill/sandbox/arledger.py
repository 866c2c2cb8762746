"""Writing AR invoices and their lines, for create_invoice and Order Entry posting (§9.16)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from autobill.sandbox import changes
from autobill.sandbox.formats import wire

if TYPE_CHECKING:
    from autobill.sandbox.business import Currencies
    from autobill.sandbox.functions.context import Call


def write_invoice(
    call: Call, header: dict[str, str], lines: list[dict[str, str]], money: Currencies
) -> int:
    """Store an ARINVOICE and its ARINVOICEITEMs, with base and transaction totals; return it."""
    trx = [Decimal(line["TRX_AMOUNT"]) for line in lines]
    base = [money.base(amount) for amount in trx]
    total, trx_total = sum(base, Decimal(0)), sum(trx, Decimal(0))
    fields = {
        **header,
        "BASECURR": money.basecurr,
        "CURRENCY": money.currency,
        "EXCHANGE_RATE": str(money.rate),
        "EXCH_RATE_TYPE_ID": money.ratetype,
        "EXCH_RATE_DATE": wire(money.ratedate),
        "TOTALENTERED": str(total),
        "TRX_TOTALENTERED": str(trx_total),
        "TOTALDUE": str(total),
        "TRX_TOTALDUE": str(trx_total),
        "TOTALPAID": "0",
        "TRX_TOTALPAID": "0",
        **changes.stamps(call, created=True, dated=True),  # WHENCREATED: the invoice date
    }
    recordno = call.store.insert("ARINVOICE", fields, entity=call.session.entity)
    for number, (line, amount) in enumerate(zip(lines, base, strict=True), 1):
        item = {**line, "RECORDKEY": str(recordno), "LINE_NO": str(number), "AMOUNT": str(amount)}
        item |= {"CUSTOMERID": line.get("CUSTOMERID") or header.get("CUSTOMERID", "")}
        call.store.insert("ARINVOICEITEM", item, entity=call.session.entity)
    changes.audit(call, "ARINVOICE", recordno, changes.CREATED, header.get("RECORDID", ""))
    return recordno


def delete_invoice(call: Call, recordno: int) -> None:
    """Remove an AR invoice and its lines (Order Entry recreates its AR invoice on edit)."""
    call.store.delete("ARINVOICE", recordno)
    for line in call.store.where("ARINVOICEITEM", "RECORDKEY", str(recordno)):
        call.store.delete("ARINVOICEITEM", line.recordno)
    changes.audit(call, "ARINVOICE", recordno, changes.DELETED)
