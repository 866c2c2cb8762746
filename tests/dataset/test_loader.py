"""Tests of the dataset loader: the examples load, and every rule of dataset.md rejects bad data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from autobill.core.records import Tier
from autobill.dataset import DatasetError, Problem, load_dataset, parse_dataset

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

Data = dict[str, Any]

VALID = """
format: autobill-dataset/1
COMPANY: {COMPANYID: T, NAME: Test Co, BASECURR: USD}
LOCATION:
  - {LOCATIONID: US, NAME: US, ENTITY: true}
  - {LOCATIONID: US-NY, NAME: New York, PARENTID: US}
GLACCOUNT: [{ACCOUNTNO: "4000", TITLE: Revenue}]
ARTERM: [{NAME: Net 30, DUEDAYS: 30}]
TAXDETAIL: [{DETAILID: NY, VALUE: "4", GLACCOUNT: "4000"}]
TAXSCHEDULEMAP: [{CONTACTTAXGROUP: NY, ITEMTAXGROUP: SAAS, TAXDETAILS: [NY]}]
CUSTOMER: [{CUSTOMERID: C-1, NAME: Bakery, TERMNAME: Net 30, CURRENCY: USD}]
ITEM:
  - {ITEMID: POS, NAME: Subscription, BASEPRICE: "80.00", GLACCOUNT: "4000"}
  - {ITEMID: ORDERS, NAME: Orders}
  - {ITEMID: INSTALL, NAME: Installation}
EMPLOYEE: [{EMPLOYEEID: E-1, NAME: Jo}]
CONTRACT:
  - {CONTRACTID: CN-1, CUSTOMERID: C-1, NAME: Bakery 2026, BEGINDATE: 2026-01-01,
     ENDDATE: 2026-12-31, TERMNAME: Net 30, BILLINGFREQUENCY: Monthly}
CONTRACTDETAIL:
  - {CONTRACTID: CN-1, LINENO: 1, ITEMID: POS, BILLINGMETHOD: Fixed price}
  - {CONTRACTID: CN-1, LINENO: 2, ITEMID: ORDERS, BILLINGMETHOD: Quantity based,
     PRICINGMODEL: Tiered graduated, TIERS: [{UPTO: "1000", PRICE: "0.10"}, {PRICE: "0.05"}]}
  - {CONTRACTID: CN-1, LINENO: 3, ITEMID: INSTALL, BILLINGMETHOD: Fixed price,
     FLATAMOUNT: "400.00", BILLINGTEMPLATENAME: MS}
CONTRACTBILLINGTEMPLATE:
  - {NAME: MS, METHOD: Milestone,
     ENTRIES: [{TASKID: T-1, PERCENT: "40"}, {TASKID: T-2, PERCENT: "60"}]}
CONTRACTUSAGE: [{CONTRACTID: CN-1, LINENO: 2, USAGEDATE: 2026-01-17, QUANTITY: "640"}]
PROJECT:
  - {PROJECTID: P-1, NAME: Rollout, CUSTOMERID: C-1, BILLINGTYPE: Time & Material,
     CONTRACTID: CN-1}
  - {PROJECTID: P-2, NAME: Other, CUSTOMERID: C-1, BILLINGTYPE: Fixed Fee}
TASK:
  - {TASKID: T-1, PROJECTID: P-1, NAME: Install}
  - {TASKID: T-2, PROJECTID: P-1, NAME: Train}
TIMESHEETENTRY:
  - {RECORDNO: 1, EMPLOYEEID: E-1, PROJECTID: P-1, ENTRYDATE: 2026-02-03, QTY: "3"}
EEXPENSESITEM:
  - {RECORDNO: 1, EMPLOYEEID: E-1, PROJECTID: P-1, ENTRYDATE: 2026-02-03, TRX_AMOUNT: "36.40"}
DOCUMENT: [{DOCUMENTID: DOC-1, TITLE: Order form, TEXT: 80.00 a month}]
ARINVOICE:
  - {RECORDNO: 7001, CUSTOMERID: C-1, WHENCREATED: 2025-12-01,
     ARINVOICEITEMS: [{LINE_NO: 1, ACCOUNTNO: "4000", AMOUNT: "75.00"}]}
"""


def _valid() -> Data:
    data: Data = yaml.safe_load(VALID)
    return data


def _set(obj: str, index: int, **fields: object) -> Callable[[Data], None]:
    return lambda data: data[obj][index].update(fields)


def _drop(obj: str, index: int, name: str) -> Callable[[Data], None]:
    return lambda data: data[obj][index].pop(name)


def _add(obj: str, record: Data) -> Callable[[Data], None]:
    return lambda data: data[obj].append(record)


def _tier_price(data: Data) -> None:
    data["CONTRACTDETAIL"][1]["TIERS"][0]["PRICE"] = 0.1


def _tier_order(data: Data) -> None:
    data["CONTRACTDETAIL"][1]["TIERS"] = [
        {"UPTO": "1000", "PRICE": "0.10"},
        {"UPTO": "500", "PRICE": "0.08"},
        {"PRICE": "0.05"},
    ]


def _no_format(data: Data) -> None:
    del data["format"]


def _entry_task(data: Data) -> None:
    data["CONTRACTBILLINGTEMPLATE"][0]["ENTRIES"][0]["TASKID"] = "T-404"


def _invoice_account(data: Data) -> None:
    data["ARINVOICE"][0]["ARINVOICEITEMS"][0]["ACCOUNTNO"] = "9999"


def _percents(data: Data) -> None:
    data["CONTRACTBILLINGTEMPLATE"][0]["ENTRIES"][1]["PERCENT"] = "50"


def _no_basecurr(data: Data) -> None:
    del data["COMPANY"]["BASECURR"]


def _zip(data: Data) -> None:
    from autobill.dataset.values import LooseInt  # noqa: PLC0415 - what the YAML reader makes

    data["CUSTOMER"][0]["DISPLAYCONTACT"] = {"MAILADDRESS": {"ZIP": LooseInt(668, "01234")}}


LINES, USAGE, TIME, TAXMAP = "CONTRACTDETAIL", "CONTRACTUSAGE", "TIMESHEETENTRY", "TAXSCHEDULEMAP"
LINE_1_ID, LINE_2, LINE_3 = (
    "CONTRACTDETAIL CN-1:1",
    "CONTRACTDETAIL CN-1:2",
    "CONTRACTDETAIL CN-1:3",
)
AN_INSTANT = datetime(2026, 1, 17, 10, 0, tzinfo=UTC)
TASK_1 = {"TASKID": "T-1", "PROJECTID": "P-2", "NAME": "Another project's task"}
LINE_1 = {"CONTRACTID": "CN-1", "LINENO": 1, "ITEMID": "POS", "BILLINGMETHOD": "Fixed price"}
CUSTOMER_1 = {"CUSTOMERID": "C-1", "NAME": "Again", "TERMNAME": "Net 30"}
NO_PRICE = {"CONTRACTID": "CN-1", "LINENO": 4, "ITEMID": "ORDERS", "BILLINGMETHOD": "Fixed price"}

MALFORMED = [
    ("float_money", _set(LINES, 0, FLATAMOUNT=12.5), "CONTRACTDETAIL CN-1:1: FLATAMOUNT"),
    ("float_unknown", _set("CUSTOMER", 0, X_SCORE=0.5), "CUSTOMER C-1: X_SCORE"),
    ("float_unknown_nested", _set("CUSTOMER", 0, X=[{"A": 1.5}]), "CUSTOMER C-1: X#1.A"),
    ("float_tier_price", _tier_price, "CONTRACTDETAIL CN-1:2: TIERS#1.PRICE"),
    ("missing_required", _drop("CUSTOMER", 0, "NAME"), "CUSTOMER C-1: NAME"),
    ("null_required", _set("CONTRACT", 0, TERMNAME=None), "CONTRACT CN-1: TERMNAME"),
    ("empty_required", _set("ITEM", 0, NAME=""), "ITEM POS: NAME"),
    ("missing_key", _drop("DOCUMENT", 0, "DOCUMENTID"), "DOCUMENT #1: DOCUMENTID"),
    ("bad_enum", _set("CONTRACT", 0, BILLINGFREQUENCY="Weekly"), "CONTRACT CN-1: BILLINGFREQUENCY"),
    ("bad_date_text", _set("CONTRACT", 0, BEGINDATE="01/01/2026"), "CONTRACT CN-1: BEGINDATE"),
    ("impossible_date", _set(TIME, 0, ENTRYDATE="2026-02-30"), "TIMESHEETENTRY 1: ENTRYDATE"),
    ("datetime", _set(USAGE, 0, USAGEDATE=AN_INSTANT), "CONTRACTUSAGE #1: USAGEDATE"),
    ("bool_for_int", _set("ARTERM", 0, DUEDAYS=True), "ARTERM Net 30: DUEDAYS"),
    ("text_for_int", _set(LINES, 0, LINENO="1"), "CONTRACTDETAIL #1: LINENO"),
    ("nan_text", _set("TAXDETAIL", 0, VALUE="NaN"), "TAXDETAIL NY: VALUE"),
    ("octal_zip", _zip, "CUSTOMER C-1: DISPLAYCONTACT.MAILADDRESS.ZIP"),
    ("fairvalue_zero", _set(LINES, 0, FAIRVALUE="0"), "CONTRACTDETAIL CN-1:1: FAIRVALUE"),
    ("duplicate_customer", _add("CUSTOMER", CUSTOMER_1), "CUSTOMER C-1: CUSTOMERID"),
    ("duplicate_line", _add(LINES, LINE_1), "CONTRACTDETAIL CN-1:1: (CONTRACTID, LINENO)"),
    ("duplicate_task", _add("TASK", TASK_1), "TASK T-1: TASKID"),
    ("dangling_customer", _set("CONTRACT", 0, CUSTOMERID="C-404"), "CONTRACT CN-1: CUSTOMERID"),
    ("dangling_item", _set(LINES, 0, ITEMID="NOPE"), "CONTRACTDETAIL CN-1:1: ITEMID"),
    ("dangling_term", _set("CUSTOMER", 0, TERMNAME="Net 45"), "CUSTOMER C-1: TERMNAME"),
    (
        "dangling_taxdetail",
        _set(TAXMAP, 0, TAXDETAILS=["NY", "NJ"]),
        "TAXSCHEDULEMAP NY/SAAS: TAXDETAILS#2",
    ),
    ("dangling_entry_task", _entry_task, "CONTRACTBILLINGTEMPLATE MS: ENTRIES#1.TASKID"),
    ("dangling_account", _invoice_account, "ARINVOICE 7001: ARINVOICEITEMS#1.ACCOUNTNO"),
    ("dangling_usage_line", _set(USAGE, 0, LINENO=9), "CONTRACTUSAGE #1: LINENO"),
    ("dangling_parent", _set("LOCATION", 1, PARENTID="EU"), "LOCATION US-NY: PARENTID"),
    (
        "dangling_template",
        _set(LINES, 2, BILLINGTEMPLATENAME="X"),
        "CONTRACTDETAIL CN-1:3: BILLINGTEMPLATENAME",
    ),
    ("contract_dates", _set("CONTRACT", 0, ENDDATE=date(2025, 12, 31)), "CONTRACT CN-1: ENDDATE"),
    (
        "line_end_default_begin",
        _set(LINES, 0, ENDDATE=date(2025, 12, 31)),
        "CONTRACTDETAIL CN-1:1: ENDDATE",
    ),
    ("fixed_without_price", _add(LINES, NO_PRICE), "CONTRACTDETAIL CN-1:4: FLATAMOUNT"),
    (
        "package_without_size",
        _set(LINES, 1, PRICINGMODEL="Package", PRICE="5"),
        "CONTRACTDETAIL CN-1:2: PACKAGESIZE",
    ),
    ("tiers_not_ascending", _tier_order, "CONTRACTDETAIL CN-1:2: TIERS#2.UPTO"),
    ("percents_not_100", _percents, "CONTRACTBILLINGTEMPLATE MS: ENTRIES"),
    ("usage_three_decimals", _set(USAGE, 0, QUANTITY="1.005"), "CONTRACTUSAGE #1: QUANTITY"),
    ("project_currency", _set("PROJECT", 0, CURRENCY="EUR"), "PROJECT P-1: CURRENCY"),
    ("expense_currency", _set("EEXPENSESITEM", 0, CURRENCY="CAD"), "EEXPENSESITEM 1: CURRENCY"),
    ("document_without_text", _drop("DOCUMENT", 0, "TEXT"), "DOCUMENT DOC-1: TEXT"),
    ("document_path_escapes", _set("DOCUMENT", 0, PATH="../secret.txt"), "DOCUMENT DOC-1: PATH"),
    ("document_path_absolute", _set("DOCUMENT", 0, PATH="/etc/passwd"), "DOCUMENT DOC-1: PATH"),
    ("missing_format", _no_format, "dataset: format"),
    ("wrong_format", lambda data: data.update(format="autobill-dataset/2"), "dataset: format"),
    ("missing_basecurr", _no_basecurr, "COMPANY: BASECURR"),
    ("object_not_list", lambda data: data.update(ITEM={"ITEMID": "X"}), "ITEM"),
]


def test_minimal_example_loads(shared_dir: Path) -> None:
    """The minimal example loads every object, converting decimals, dates and defaults."""
    # given
    path = shared_dir / "spec" / "examples" / "minimal.yaml"
    # when
    data = load_dataset(path)
    # then
    assert data.company.basecurr == "USD"
    counts = (len(data.locations), len(data.glaccounts), len(data.items), len(data.contractlines))
    assert counts == (2, 6, 5, 3)
    assert (len(data.tasks), len(data.contractusage), len(data.documents)) == (2, 1, 1)
    assert data.items[0].baseprice == Decimal("80.00")
    assert data.contracts[0].begindate == date(2026, 1, 1)
    assert data.contractlines[1].billingoptions == "Use billing template"
    assert data.tasks[1].ismilestone is False
    assert data.customers[0].displaycontact is not None
    assert data.customers[0].displaycontact["MAILADDRESS"]["ZIP"] == "12207"
    assert data.billingtemplates[0].entries[0].percent == Decimal(100)
    assert data.arinvoices[0].arinvoiceitems[0].amount == Decimal("75.00")


def test_upgrade_example_loads(shared_dir: Path) -> None:
    """The upgrade example loads, with the record's raw fields kept read-only."""
    # given
    path = shared_dir / "spec" / "examples" / "upgrade.yaml"
    # when
    data = load_dataset(path)
    # then
    assert [line.flatamount for line in data.contractlines] == [Decimal("300.00"), Decimal(600)]
    assert data.contractlines[0].enddate == date(2026, 11, 15)
    assert data.timesheetentries[0].recordno == 812
    assert data.timesheetentries[0].billable is True
    assert data.projects[0].billingpricing == "Employee rate"
    assert isinstance(data.contracts[0].raw, MappingProxyType)
    assert data.contracts[0].raw["BEGINDATE"] == date(2026, 11, 1)


def test_valid_dict_parses_with_nested_values() -> None:
    """The test's valid dataset parses, building tiers, tuples and unknown fields immutably."""
    # given
    raw = _valid()
    raw["CUSTOMER"][0]["X_TAGS"] = ["a", {"b": 1}]
    # when
    data = parse_dataset(raw)
    # then
    assert data.contractlines[1].tiers == (
        Tier(Decimal("0.10"), Decimal(1000)),
        Tier(Decimal("0.05")),
    )
    assert data.taxschedulemaps[0].taxdetails == ("NY",)
    assert data.customers[0].raw is not None
    assert data.customers[0].raw["X_TAGS"] == ("a", MappingProxyType({"b": 1}))


def test_json_dataset_loads(tmp_path: Path) -> None:
    """A JSON dataset loads like YAML, with dates as strings and integers accepted as decimals."""
    # given
    raw = _valid()
    raw["TIMESHEETENTRY"][0]["QTY"] = 3
    path = tmp_path / "data.json"
    path.write_text(json.dumps(raw, default=str), encoding="utf-8")
    # when
    data = load_dataset(path)
    # then
    assert data.contracts[0].enddate == date(2026, 12, 31)
    assert data.timesheetentries[0].qty == Decimal(3)


def test_json_float_is_rejected(tmp_path: Path) -> None:
    """A JSON number with a fraction is rejected like a YAML float, quoting it as written."""
    # given
    raw = _valid()
    path = tmp_path / "data.json"
    text = json.dumps(raw, default=str).replace('"QTY": "3"', '"QTY": 3.50')
    path.write_text(text, encoding="utf-8")
    # when
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    # then
    [problem] = caught.value.problems
    assert (problem.object, problem.record, problem.field) == ("TIMESHEETENTRY", "1", "QTY")
    assert problem.message == '3.50 is a float; write decimals as strings ("3.50")'


def _where(problem: Problem) -> str:
    """Return a problem's object, record and field as one text: ``OBJECT RECORD: FIELD``."""
    record = "" if problem.record is None else f" {problem.record}"
    field = "" if problem.field is None else f": {problem.field}"
    return f"{problem.object}{record}{field}"


@pytest.mark.parametrize(("_case", "edit", "where"), MALFORMED)
def test_malformed_dataset_is_rejected(
    _case: str, edit: Callable[[Data], None], where: str
) -> None:
    """Each broken rule fails the whole load with one problem naming its place."""
    # given
    raw = _valid()
    edit(raw)
    # when
    with pytest.raises(DatasetError) as caught:
        parse_dataset(raw)
    # then
    assert [_where(problem) for problem in caught.value.problems] == [where]


def test_problem_reads_as_object_record_field_message() -> None:
    """A problem renders as OBJECT RECORD: FIELD: message, and the error counts them first."""
    # given
    raw = _valid()
    raw["CONTRACTDETAIL"][2]["FLATAMOUNT"] = 12.5
    # when
    with pytest.raises(DatasetError) as caught:
        parse_dataset(raw)
    # then
    expected = (
        'CONTRACTDETAIL CN-1:3: FLATAMOUNT: 12.5 is a float; write decimals as strings ("12.5")'
    )
    assert str(caught.value.problems[0]) == expected
    assert str(caught.value).splitlines() == ["1 problem:", f"  {expected}"]


def test_all_problems_are_reported_at_once() -> None:
    """Problems in several objects and phases are all reported by one error."""
    # given
    raw = _valid()
    raw["ITEM"][0]["BASEPRICE"] = 80.5
    raw["CONTRACT"][0]["CUSTOMERID"] = "C-404"
    raw["TASK"][1]["TASKID"] = "T-1"
    raw["CONTRACTUSAGE"][0]["QUANTITY"] = "0.001"
    del raw["format"]
    # when
    with pytest.raises(DatasetError) as caught:
        parse_dataset(raw)
    # then
    assert {(p.object, p.field) for p in caught.value.problems} == {
        ("dataset", "format"),
        ("ITEM", "BASEPRICE"),
        ("CONTRACT", "CUSTOMERID"),
        ("TASK", "TASKID"),
        ("CONTRACTUSAGE", "QUANTITY"),
        ("CONTRACTBILLINGTEMPLATE", "ENTRIES#2.TASKID"),
    }
    assert str(caught.value).startswith("6 problems:\n")


def test_duplicate_yaml_key_is_reported_with_its_line(tmp_path: Path) -> None:
    """A key written twice in one YAML mapping is a problem naming the file and line."""
    # given
    path = tmp_path / "data.yaml"
    path.write_text(
        "format: autobill-dataset/1\n"
        "COMPANY: {BASECURR: USD}\n"
        "ARTERM:\n"
        "  - NAME: Net 30\n"
        "    DUEDAYS: 30\n"
        "    DUEDAYS: 45\n",
        encoding="utf-8",
    )
    # when
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    # then
    assert caught.value.problems == (
        Problem(str(path), "line 6", "DUEDAYS", "repeated key (first on line 5)"),
    )


def test_unreadable_file_is_one_problem_naming_it(tmp_path: Path) -> None:
    """A file that cannot be read fails with one problem that names the file."""
    # given
    path = tmp_path / "missing.yaml"
    # when
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    # then
    [problem] = caught.value.problems
    assert problem.object == str(path)
    assert "cannot read" in problem.message


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    """A YAML syntax error fails with one problem naming the file and the line."""
    # given
    path = tmp_path / "broken.yml"
    path.write_text("format: autobill-dataset/1\nCOMPANY: {BASECURR: USD\nITEM: []\n", "utf-8")
    # when
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    # then
    [problem] = caught.value.problems
    assert problem.object == str(path)
    assert problem.record is not None
    assert problem.record.startswith("line ")
