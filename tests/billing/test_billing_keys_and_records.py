"""Billing keys, and Intacct's text records turned back into the core's dataset."""

from datetime import date
from decimal import Decimal

import pytest

from autobill.billing.errors import BillingError
from autobill.billing.keys import BillingKey, SourceKind, parse
from autobill.billing.records import IntacctRecord, to_dataset
from autobill.core.billing import InvoiceKey

TEMPLATE: IntacctRecord = {
    "NAME": "INSTALL-MS",
    "METHOD": "Milestone",
    "ENTRIES": '[{"TASKID": "T-1", "PERCENT": "100"}]',
}


def test_a_key_names_its_source_and_invoice_date() -> None:
    """``contract:CN-1:2026-11-30`` parses, prints back and matches that day's invoice."""
    # when
    key = parse("contract:CN-1:2026-11-30")
    # then
    assert key == BillingKey(SourceKind.CONTRACT, "CN-1", date(2026, 11, 30))
    assert str(key) == "contract:CN-1:2026-11-30"
    assert key.matches(InvoiceKey(date(2026, 11, 30), "C-1", "CN-1", None, "USD"))
    assert not key.matches(InvoiceKey(date(2026, 11, 30), "C-1", None, "CN-1", "USD"))


@pytest.mark.parametrize(
    ("_case", "text"),
    [
        ("unknown kind", "order:O-1:2026-11-30"),
        ("no date", "project:P-7"),
        ("no id", "project::2026-11-30"),
    ],
)
def test_a_malformed_key_is_a_business_error(_case: str, text: str) -> None:
    """A malformed billing key is refused for good (retrying cannot fix it)."""
    # when
    with pytest.raises(BillingError) as refused:
        parse(text)
    # then
    assert refused.value.kind == "bad_billing_key"
    assert refused.value.retryable is False


def test_intacct_text_becomes_typed_records() -> None:
    """Dates, booleans, integers, ``#~#`` lists and JSON lists of mappings are read back."""
    # given
    records: dict[str, tuple[IntacctRecord, ...]] = {
        "COMPANY": ({"BASECURR": "USD", "COMPANYID": "DEMO", "RECORDNO": "1"},),
        "ARTERM": ({"NAME": "Net 30", "DUEDAYS": "30"},),
        "TAXDETAIL": ({"DETAILID": "NY", "VALUE": "4"},),
        "TAXSCHEDULEMAP": ({"CONTACTTAXGROUP": "NY", "ITEMTAXGROUP": "S", "TAXDETAILS": "NY"},),
        "CUSTOMER": (
            {
                "CUSTOMERID": "C-1",
                "NAME": "Bakery",
                "TERMNAME": "Net 30",
                "TAXABLE": "true",
                "DISPLAYCONTACT": {"EMAIL1": "ap@x", "PRINTAS": ""},
            },
        ),
        "PROJECT": (
            {
                "PROJECTID": "P-1",
                "NAME": "Rollout",
                "CUSTOMERID": "C-1",
                "BILLINGTYPE": "Fixed Fee",
                "BEGINDATE": "01/05/2026",
            },
        ),
        "TASK": ({"TASKID": "T-1", "PROJECTID": "P-1", "NAME": "Install"},),
        "CONTRACTBILLINGTEMPLATE": (TEMPLATE,),
    }
    # when
    data = to_dataset(records)
    # then
    (customer,) = data.customers
    assert customer.taxable is True
    assert data.arterms[0].duedays == 30
    assert data.projects[0].begindate == date(2026, 1, 5)
    assert data.taxschedulemaps[0].taxdetails == ("NY",)
    assert data.billingtemplates[0].entries[0].percent == Decimal(100)
