"""The independent client: the PyPI ``sageintacctsdk`` drives the sandbox over real HTTP.

The SDK hard-codes Intacct's endpoint in each API object's constructor, so the test points every
API object at the sandbox before use; after ``getAPISession`` it follows the returned endpoint on
its own. Nothing else of the SDK is changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sageintacctsdk import SageIntacctSDK
from sageintacctsdk.apis.api_base import ApiBase

if TYPE_CHECKING:
    from fixtures.sandbox_server import RunningSandbox


@pytest.fixture
def sdk(sandbox_server: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> SageIntacctSDK:
    """Return the SDK logged in to the sandbox with the demo tenant's credentials."""
    original = ApiBase.__init__

    def pointed(self: ApiBase, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self._ApiBase__api_url = sandbox_server.xml_url  # type: ignore[attr-defined]

    monkeypatch.setattr(ApiBase, "__init__", pointed)
    return SageIntacctSDK(
        sender_id="autobill", sender_password="sandbox", user_id="admin",  # noqa: S106
        company_id="DEMO", user_password="admin",  # noqa: S106
    )


def test_sdk_opens_a_session(sdk: SageIntacctSDK) -> None:
    """The SDK's login and getAPISession succeed and yield a session id."""
    # then
    assert sdk.api_base._ApiBase__session_id.endswith("..")  # type: ignore[attr-defined]  # noqa: SLF001


@pytest.mark.parametrize(("_case", "api", "field", "expected"), [
    ("customers", "customers", "CUSTOMERID", "C-1"),
    ("contracts", "contracts", "CONTRACTID", "CN-1"),
    ("contract lines", "contract_lines", "CONTRACTID", "CN-1"),
    ("projects", "projects", "PROJECTID", "P-1"),
    ("tasks", "tasks", "TASKID", "T-INSTALL"),
])
def test_sdk_reads_every_record_with_its_long_field_lists(
    sdk: SageIntacctSDK, _case: str, api: str, field: str, expected: str
) -> None:
    """get_all (count, then query pages with the SDK's long field lists) returns the records."""
    # when
    records = getattr(sdk, api).get_all()
    # then
    assert expected in [r[field] for r in records]


@pytest.mark.parametrize("api", ["customers", "contracts", "projects", "tasks"])
def test_sdk_read_by_query(sdk: SageIntacctSDK, api: str) -> None:
    """ReadByQuery with every field answers success with the records."""
    # when
    result = getattr(sdk, api).read_by_query()
    # then
    assert result["status"] == "success"
    assert int(result["data"]["@totalcount"]) >= 1


def test_sdk_get_by_field(sdk: SageIntacctSDK) -> None:
    """The SDK's get (readByQuery with a quoted condition) finds a customer."""
    # when
    data = sdk.customers.get(field="CUSTOMERID", value="C-1")
    # then
    assert data["customer"]["NAME"] == "Example Bakery LLC"


def test_sdk_creates_a_customer(sdk: SageIntacctSDK, sandbox_server: RunningSandbox) -> None:
    """A generic create through the SDK stores the customer."""
    # when
    result = sdk.customers.post({
        "CUSTOMERID": "C-SDK", "NAME": "SDK Customer", "DISPLAYCONTACT": {"PRINTAS": "SDK Co"},
    })
    # then
    assert result["status"] == "success"
    assert sandbox_server.store.find("CUSTOMER", "C-SDK") is not None


def test_sdk_posts_an_ar_invoice_and_reads_it_back(sdk: SageIntacctSDK) -> None:
    """create_invoice through the SDK answers a key; reading ARINVOICE by it returns the invoice."""
    # given
    payload = {
        "customerid": "C-1",
        "datecreated": {"year": "2026", "month": "02", "day": "01"},
        "termname": "Net 30",
        "action": "Submit",
        "invoiceno": "SDK-1",
        "invoiceitems": {"lineitem": [
            {"glaccountno": "4000", "amount": "80.00", "memo": "POS February"},
            {"glaccountno": "4100", "amount": "345.00", "projectid": "P-1"},
        ]},
    }
    # when
    created = sdk.ar_invoices.post(payload)
    found = sdk.ar_invoices.get(field="RECORDNO", value=created["key"])
    lines = sdk.ar_invoice_items.get(field="RECORDKEY", value=created["key"])
    # then
    assert created["status"] == "success"
    invoice = found["arinvoice"]
    assert (invoice["RECORDID"], invoice["TOTALENTERED"], invoice["STATE"]) == (
        "SDK-1", "425.00", "Posted")
    assert [line["AMOUNT"] for line in lines["arinvoiceitem"]] == ["80.00", "345.00"]


def test_sdk_lookup_lists_the_fields(sdk: SageIntacctSDK) -> None:
    """The SDK's get_lookup (the lookup function) lists the object's fields."""
    # when
    data = sdk.contract_lines.get_lookup()
    # then
    fields = [field["ID"] for field in data["Type"]["Fields"]["Field"]]
    assert data["Type"]["@Name"] == "CONTRACTDETAIL"
    assert {"CONTRACTID", "BILLINGMETHOD", "FLATAMOUNT", "REVENUETEMPLATENAME"} <= set(fields)


def test_sdk_posts_a_sales_invoice_and_reads_its_revenue_schedule(sdk: SageIntacctSDK) -> None:
    """create_sotransaction through the SDK posts; its schedule reads back through the SDK."""
    # given
    payload = {
        "transactiontype": "Sales Invoice",
        "datecreated": {"year": "2026", "month": "03", "day": "01"},
        "customerid": "C-1",
        "state": "Pending",
        "sotransitems": {"sotransitem": [{
            "itemid": "POS", "quantity": "12", "price": "80",
            "revrectemplate": "Straight line",
            "revrecstartdate": {"year": "2026", "month": "03", "day": "01"},
            "revrecenddate": {"year": "2027", "month": "02", "day": "28"},
        }, {
            "itemid": "INSTALL", "quantity": "1", "price": "400",
            "revrectemplate": "On invoice",
        }]},
    }
    # when
    created = sdk.order_entry_transactions.post(payload)
    schedules = sdk.rev_rec_schedules.get_all()
    entries = sdk.rev_rec_schedule_entries.get_all()
    # then
    assert created["key"] == "Sales Invoice-INV0001"
    # (with one record the SDK's readByQuery helpers return a dict, so two lines are posted)
    assert [s["REVRECTEMPLATEID"] for s in schedules] == ["Straight line", "On invoice"]
    assert [entry["AMOUNT"] for entry in entries] == ["80.00"] * 12 + ["400.00"]
