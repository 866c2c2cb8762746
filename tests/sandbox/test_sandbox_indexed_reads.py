"""readByQuery, read and readByName through the indexes answer exactly what a scan answers."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING
from xml.etree.ElementTree import tostring

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from query_strategies import VALUES, queries, records_of
from sandbox_helpers import envelope, function, in_process, only_result, post, session_of

from autobill.dataset import load_dataset
from autobill.demo import dataset_path
from autobill.sandbox import SandboxConfig, Store, indexes
from autobill.sandbox.functions.read import candidates
from autobill.sandbox.query import compile_query
from autobill.sandbox.seed import seed

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from httpx import Client

OBJECT = "PROJECT"  # PROJECTID (its id field) and CONTRACTID are indexed, the others are not
FIELDS = ("PROJECTID", "CONTRACTID", "CUSTOMERID", "NAME")
Change = tuple[str, int, dict[str, str]]  # ("replace" | "delete", index of a record, new fields)
CHANGES = st.lists(
    st.tuples(st.sampled_from(["replace", "delete"]), st.integers(0, 11), records_of(FIELDS)),
    max_size=4,
)
STORED = st.lists(st.tuples(records_of(FIELDS), st.sampled_from(["", "US", "UK"])), max_size=12)


def _store(stored: list[tuple[dict[str, str], str]], changes: list[Change]) -> Store:
    """Return a store holding the records, then replaced and deleted as the changes say."""
    store = Store()
    with store.transaction():
        numbers = [store.insert(OBJECT, data, entity=entity) for data, entity in stored]
        for kind, index, data in changes:
            row = store.get(OBJECT, numbers[index % len(numbers)]) if numbers else None
            if row is not None and kind == "delete":
                store.delete(OBJECT, row.recordno)
            elif row is not None:
                store.replace(type(row)(row.object, row.recordno, row.entity, {**data}))
    return store


@settings(max_examples=300, deadline=None)
@given(stored=STORED, changes=CHANGES, text=queries(FIELDS))
@example(stored=[({}, "")], changes=[], text="PROJECTID = ''")
@example(
    stored=[({"PROJECTID": "P-1"}, "")], changes=[("replace", 0, {})], text="PROJECTID = 'P-1'"
)
def test_a_query_selects_the_same_records_through_an_index_as_by_a_scan(
    stored: list[tuple[dict[str, str], str]], changes: list[Change], text: str
) -> None:
    """For any records and query, the indexed candidates filtered give the scan's records."""
    # given
    store = _store(stored, changes)
    predicate = compile_query(text, frozenset(FIELDS) | {"RECORDNO"})
    # when
    indexed = [row for row in candidates(store, OBJECT, text) if predicate(row.data)]
    # then
    assert indexed == [row for row in store.scan(OBJECT) if predicate(row.data)]


@settings(max_examples=100, deadline=None)
@given(stored=STORED, changes=CHANGES, wanted=st.sets(st.sampled_from(VALUES), max_size=4))
def test_lookups_by_values_ids_and_recordnos_agree_with_a_scan(
    stored: list[tuple[dict[str, str], str]], changes: list[Change], wanted: set[str]
) -> None:
    """``where_in``, ``with_ids`` and ``with_recordnos`` find what a scan finds, in its order."""
    # given
    store = _store(stored, changes)
    scanned = store.scan(OBJECT)
    numbers = {int(v) for v in wanted if v.isdigit()}
    # when / then
    for field in FIELDS:
        expected = [row for row in scanned if row.data.get(field) in wanted]
        assert store.where_in(OBJECT, field, wanted) == expected
    by_id = [row for row in scanned if row.data.get("PROJECTID") in wanted - {""}]
    assert store.with_ids(OBJECT, wanted - {""}) == by_id
    assert store.with_recordnos(OBJECT, numbers) == [r for r in scanned if r.recordno in numbers]


def test_a_store_indexed_by_the_previous_version_is_reindexed_on_opening(tmp_path: Path) -> None:
    """A file whose indexes predate the query fields gets them when it is opened."""
    # given
    path = str(tmp_path / "v1.db")
    first = Store(path)
    with first.transaction():
        for project in ("P-1", "P-2", "P-1"):
            first.insert("TIMESHEETENTRY", {"PROJECTID": project})
        db = first._db  # noqa: SLF001 - writing the file as version 1 left it
        db.execute("DELETE FROM record_fields WHERE object = 'TIMESHEETENTRY'")
        db.execute("PRAGMA user_version = 1")
    first.close()
    # when
    reopened = Store(path)
    # then
    found = reopened.where_in("TIMESHEETENTRY", "PROJECTID", ["P-1"])
    assert [row.recordno for row in found] == [1, 3]
    (version,) = reopened._db.execute("PRAGMA user_version").fetchone()  # noqa: SLF001
    assert (version, reopened.count("TIMESHEETENTRY")) == (indexes.VERSION, 3)
    with reopened.transaction():
        assert reopened.insert("TIMESHEETENTRY", {"PROJECTID": "P-3"}) == 4


@pytest.fixture(scope="module")
def demo() -> Iterator[Store]:
    """Return a store seeded with the demo company, plus sales documents of two kinds."""
    store = Store()
    seed(store, load_dataset(dataset_path()))
    with store.transaction():
        for docno, docparid, entity in [("D-1", "Sales Invoice", "US"), ("D-1", "Sales Order", "")]:
            store.insert("SODOCUMENT", {"DOCNO": docno, "DOCPARID": docparid}, entity=entity)
    yield store
    store.close()


@pytest.fixture
def demo_client(demo: Store) -> Iterator[Client]:
    """Return a client of an in-process sandbox over the demo store."""
    with in_process(SandboxConfig(), demo) as client:
        yield client


def _pages(client: Client, session: str, body: str) -> list[tuple[object, ...]]:
    """Return every page of a readByQuery and its readMores: counts, whether more, records."""
    result = only_result(
        post(client, envelope(function(f"<readByQuery>{body}</readByQuery>"), session=session))
    )
    pages: list[tuple[object, ...]] = []
    while (data := result.find("data")) is not None:
        more = data.get("resultId", "")
        counts = tuple(data.get(name) for name in ("count", "totalcount", "numremaining"))
        pages.append((*counts, bool(more), [tostring(record) for record in data]))
        if not more:
            break
        request = function(f"<readMore><resultId>{more}</resultId></readMore>")
        result = only_result(post(client, envelope(request, session=session)))
    return pages


QUERIES = [
    ("TIMESHEETENTRY", "PROJECTID = 'P-3015'", ""),
    ("TIMESHEETENTRY", "PROJECTID in ('P-3015','P-3001','P-3007')", ""),
    ("TIMESHEETENTRY", "projectid IN ('P-3001') and RECORDNO > 100", ""),
    ("TIMESHEETENTRY", "PROJECTID = 'P-3001' OR PROJECTID = 'P-3015'", ""),
    ("CONTRACTDETAIL", "CONTRACTID = 'CN-2019' AND LINENO = '1'", ""),
    ("PROJECT", "CONTRACTID = 'CN-2013'", ""),
    ("ARINVOICEITEM", "RECORDKEY in ('7001','7002','7003')", ""),
    ("SODOCUMENT", "DOCNO = 'D-1'", "<docparid>Sales Invoice</docparid>"),
]


@pytest.mark.parametrize("location", [None, "US"])
def test_gateway_answers_are_the_same_through_the_index(
    demo_client: Client, location: str | None
) -> None:
    """Every page, count, record and resultId presence equals the scan's, per entity session."""
    # given
    session = session_of(demo_client, location)
    bodies = [
        f"<object>{obj}</object><query>{text}</query><pagesize>7</pagesize>{extra}"
        for obj, text, extra in QUERIES
    ]
    # when
    indexed = [_pages(demo_client, session, body) for body in bodies]
    with pytest.MonkeyPatch.context() as patch:
        # The package exports a function named ``read``: reach the module itself.
        patch.setattr(import_module(candidates.__module__), "exact_conditions", lambda _: [])
        scanned = [_pages(demo_client, session, body) for body in bodies]
    # then
    assert indexed == scanned
    assert [pages[0][1] for pages in indexed].count("0") == 0  # each query finds records
    assert max(len(pages) for pages in indexed) > 2  # and some page through readMore


def test_reads_by_query_and_key_decode_only_what_they_select(
    demo_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With scans forbidden, the billing reader's queries and reads by key still answer."""
    # given
    session = session_of(demo_client, "US")

    def forbidden(_store: Store, obj: str) -> None:
        raise AssertionError(obj)

    monkeypatch.setattr(Store, "scan", forbidden)
    body = "<object>TIMESHEETENTRY</object><query>PROJECTID = 'P-3015'</query>"
    keys = "<object>PROJECT</object><keys>P-3015,nope,P-3015</keys><fields>PROJECTID</fields>"
    # when
    pages = _pages(demo_client, session, body)
    by_name = only_result(
        post(demo_client, envelope(function(f"<readByName>{keys}</readByName>"), session=session))
    )
    # then
    assert pages[0][1] != "0"
    assert [e.text for e in by_name.iter("PROJECTID")] == ["P-3015"]


KEYED = [
    ("read", "TIMESHEETENTRY", "1,01,+2,x,²,-3,3,3,999,2000", "RECORDNO"),
    ("readByName", "PROJECT", "P-3015, P-3001,nope,P-3015", "PROJECTID"),
    ("readByName", "TIMESHEETENTRY", "1,5", "RECORDNO"),  # no id field: by RECORDNO
]


@pytest.mark.parametrize("case", KEYED, ids=[f"{c[0]}-{c[1]}" for c in KEYED])
@pytest.mark.parametrize("location", [None, "UK"])
def test_reads_by_key_answer_what_a_scan_selects(
    demo: Store, demo_client: Client, case: tuple[str, str, str, str], location: str | None
) -> None:
    """Read and readByName answer the visible records whose key column is listed, in order."""
    # given
    name, obj, keys, column = case
    session = session_of(demo_client, location)
    wanted = [key.strip() for key in keys.split(",")]
    visible = [row for row in demo.scan(obj) if location is None or row.entity in {"", location}]
    expected = [str(row.recordno) for row in visible if row.data.get(column) in wanted]
    body = f"<object>{obj}</object><keys>{keys}</keys><fields>RECORDNO</fields>"
    # when
    request = envelope(function(f"<{name}>{body}</{name}>"), session=session)
    result = only_result(post(demo_client, request))
    # then
    assert [e.text for e in result.iter("RECORDNO")] == expected
