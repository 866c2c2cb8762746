"""Accounting validations of transactions, with the wording integrators match on (§6, §9.20)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from autobill.core.money import Money
from autobill.sandbox.formats import legacy_date, parse_date, parse_number, wire
from autobill.sandbox.functions.context import text_of
from autobill.sandbox.validate import REFERENCE_ERRNO, REFERENCES, invalid_reference
from autobill.sandbox.xml.errors import (
    FIELD_ERRNO,
    REQUIRED_ERRNO,
    ErrorRecord,
    FunctionFailed,
    could_not,
)

if TYPE_CHECKING:
    from datetime import date
    from xml.etree.ElementTree import Element

    from autobill.sandbox.functions.context import Call

# Errnos of these business rules are unverified (§6 "Not found"): the wrapper errno is used.
RULE_ERRNO: Final = REFERENCE_ERRNO
SCHEMA_ERRNO: Final = "XL03000003"


@dataclass(frozen=True, slots=True)
class Currencies:
    """A transaction's currencies: transaction currency, base currency and the rate between."""

    currency: str
    basecurr: str
    rate: Decimal
    ratetype: str
    ratedate: date | None

    def base(self, amount: Decimal) -> Decimal:
        """Convert a transaction amount to base currency, rounded half up to cents."""
        return Money.of(amount * self.rate, self.basecurr).amount


def required_date(element: Element, name: str, obj: str) -> date:
    """Return a legacy ``<year><month><day>`` date that must be there, or fail."""
    found = legacy_date(element.find(name))
    if found is None:
        raise could_not(REQUIRED_ERRNO, f"Required field {name} is missing or not a date", obj)
    return found


def check_open_period(call: Call, day: date, obj: str) -> None:
    """Fail when a date falls in a closed period (on or before the configured close date)."""
    closed = call.config.close_date
    if closed is not None and day <= closed:
        after = wire(closed + timedelta(days=1))
        raise could_not(RULE_ERRNO, f"The transaction date {wire(day)} is in a period that's "
                        f"been closed. Date must be on or after {after}.", obj)


def check_customer(call: Call, customerid: str, obj: str) -> dict[str, str]:
    """Return an active customer's fields, or fail as Intacct does for a bad customer."""
    found = call.store.find("CUSTOMER", customerid) if customerid else None
    if found is None or not call.visible(found):
        target = "CUSTOMER"
        raise invalid_reference(target, customerid, obj)
    if found.data.get("STATUS") == "inactive":
        raise could_not(RULE_ERRNO, f"Customer '{customerid}' is inactive. Activate the "
                        "customer, then try again.", obj)
    return found.data


def check_dimensions(call: Call, fields: dict[str, str], customerid: str, obj: str) -> None:
    """Fail on an unknown or inactive dimension, or a project of another customer (§9.20)."""
    for name, target in REFERENCES.items():
        value = fields.get(name, "")
        if not value:
            continue
        found = call.store.find(target, value)
        if found is None:
            raise invalid_reference(target, value, obj)
        if found.data.get("STATUS") == "inactive":
            raise could_not(RULE_ERRNO, f"{target.title()} '{value}' is inactive", obj)
        owner = found.data.get("CUSTOMERID", "")
        if target == "PROJECT" and customerid and owner and owner != customerid:
            raise could_not(RULE_ERRNO, f"The project dimension you selected, {value}, is not "
                            "related to your header-level Customer ID value "
                            f"{customerid}.", obj)


def amount_of(text: str, obj: str, name: str = "amount") -> Decimal:
    """Return a plain decimal amount (no separators, §9.14), or fail."""
    value = parse_number(text.strip())
    if value is None:
        raise could_not(SCHEMA_ERRNO, f"Invalid {name} '{text}': use digits and a decimal point "
                        "without separators", obj)
    return value


def currency_of(call: Call, element: Element, day: date, obj: str) -> Currencies:
    """Resolve the currency block: exchratetype xor exchrate, and a rate for foreign amounts."""
    base = text_of(element, "basecurr") or base_currency(call)
    currency = text_of(element, "currency") or base
    ratetype, rate_text = text_of(element, "exchratetype"), text_of(element, "exchrate")
    if ratetype and rate_text:  # the gateway refuses this first (xml/schema.py)
        raise could_not(SCHEMA_ERRNO, "Use either exchratetype or exchrate, not both", obj)
    ratedate = legacy_date(element.find("exchratedate")) or day
    if currency == base:
        return Currencies(currency, base, Decimal(1), ratetype, None)
    rate = amount_of(rate_text, obj, "exchrate") if rate_text else _rate(call, currency, base,
                                                                          ratedate)
    if rate is None:
        raise could_not(RULE_ERRNO, f"No exchange rate is available from {currency} to {base} "
                        f"on {wire(ratedate)}. Enter an exchange rate, and try again.", obj)
    return Currencies(currency, base, rate, ratetype or "Intacct Daily Rate", ratedate)


def base_currency(call: Call) -> str:
    """Return the session entity's base currency, else the company's."""
    entity = call.store.find("LOCATION", call.session.entity) if call.session.entity else None
    if entity is not None and entity.data.get("CURRENCY"):
        return entity.data["CURRENCY"]
    company = call.store.first("COMPANY")
    return company.data.get("BASECURR", "USD") if company else "USD"


def _rate(call: Call, currency: str, base: str, day: date) -> Decimal | None:
    best: tuple[date, Decimal] | None = None
    for row in call.store.where("EXCHANGERATE", "FROMCURRENCY", currency):
        data = row.data
        on = parse_date(data.get("RATEDATE", ""))
        if (data.get("FROMCURRENCY"), data.get("TOCURRENCY")) != (currency, base) or on is None:
            continue
        if on <= day and (best is None or on > best[0]):
            best = (on, Decimal(data["RATE"]))
    return None if best is None else best[1]


def check_unique_number(
    call: Call, obj: str, field: str, number: str, scope: dict[str, str]
) -> None:
    """Fail when a document number is already used (by the same document type)."""
    if not number:
        return
    for row in call.store.where(obj, field, number):
        if all(row.data.get(k) == v for k, v in scope.items()):
            raise could_not(RULE_ERRNO, f"Transaction with the number '{number}' already exists",
                            obj.lower())


def custom_fields(call: Call, element: Element, obj: str) -> dict[str, str]:
    """Read legacy ``<customfields>`` (name/value pairs) as upper-case fields (§5)."""
    found: dict[str, str] = {}
    for item in element.findall("customfields/customfield"):
        name = text_of(item, "customfieldname").upper()
        if name not in call.config.custom_fields:
            raise could_not(FIELD_ERRNO, f"Invalid custom field {name}", obj)
        found[name] = text_of(item, "customfieldvalue")
    return found


def check_taxes(call: Call, line: Element, solution: str, obj: str) -> None:
    """Fail on an unknown tax detail, or one outside the transaction's tax solution (§5)."""
    for entry in line.findall("taxentries/taxentry"):
        detail = text_of(entry, "detailid")
        found = call.store.find("TAXDETAIL", detail)
        if found is None:
            raise could_not(RULE_ERRNO, f"Tax detail {detail} is not valid.", obj)
        owner = found.data.get("TAXSOLUTIONID", "")
        if solution and owner and owner != solution:
            raise FunctionFailed([ErrorRecord(
                RULE_ERRNO, f"Tax detail {detail} cannot be used in this transaction because it "
                f"does not belong to tax solution {solution}.",
                correction="Use tax details that belong to the tax solution.")])
