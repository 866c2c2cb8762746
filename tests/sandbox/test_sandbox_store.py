"""The SQLite store and seeding from a dataset: all or nothing, RECORDNOs never reused."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from autobill.sandbox import Store
from autobill.sandbox.seed import StoreNotEmpty, flatten, seed
from fixtures.sandbox_server import MINIMAL, cached_dataset

if TYPE_CHECKING:
    from pathlib import Path


def test_seed_stores_every_object_with_intacct_values(store: Store) -> None:
    """Seeding writes each dataset object, in Intacct's formats, with the owning entity."""
    # when
    customer = store.find("CUSTOMER", "C-1")
    invoice = store.get("ARINVOICE", 1)
    # then
    assert customer is not None
    assert (customer.entity, customer.data["TAXABLE"]) == ("US", "true")
    assert customer.data["DISPLAYCONTACT.MAILADDRESS.ZIP"] == "12207"
    assert invoice is not None
    assert (invoice.data["WHENCREATED"], invoice.data["TOTALENTERED"]) == ("12/01/2025", "75.00")
    assert store.counts()["ARINVOICEITEM"] == 1


def test_seed_is_all_or_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure part way through seeding leaves the store empty."""
    # given
    empty = Store()
    original = Store.insert
    calls = {"n": 0}

    def failing(self: Store, obj: str, data: dict[str, str], *, entity: str = "") -> int:
        calls["n"] += 1
        if calls["n"] == 10:
            raise RuntimeError
        return original(self, obj, data, entity=entity)

    monkeypatch.setattr(Store, "insert", failing)
    # when
    with pytest.raises(RuntimeError):
        seed(empty, cached_dataset(MINIMAL))
    # then
    assert empty.is_empty()


def test_seed_refuses_a_store_with_records(store: Store) -> None:
    """A second dataset is refused rather than merged."""
    # when / then
    with pytest.raises(StoreNotEmpty):
        seed(store, cached_dataset(MINIMAL))


def test_recordnos_are_never_reused(tmp_path: Path) -> None:
    """After a delete, the next record gets a new RECORDNO, also across reopening the file."""
    # given
    path = str(tmp_path / "s.db")
    first = Store(path)
    with first.transaction():
        first.insert("CLASS", {"CLASSID": "A"})
        second = first.insert("CLASS", {"CLASSID": "B"})
        first.delete("CLASS", second)
    first.close()
    reopened = Store(path)
    # when
    with reopened.transaction():
        third = reopened.insert("CLASS", {"CLASSID": "C"})
    # then
    assert third == second + 1


def test_flatten_writes_nested_mappings_as_dotted_names() -> None:
    """Nested mappings become dotted field names; lists of ids join with Intacct's #~#."""
    # when
    flat = flatten({"A": {"B": {"C": 1}}, "D": ("x", "y"), "E": True})
    # then
    assert flat == {"A.B.C": "1", "D": "x#~#y", "E": "true"}


def _lines(store: Store) -> None:
    with store.transaction():
        for header, number in (("7", "0"), ("8", "0"), ("7", "1")):
            store.insert("SODOCUMENTENTRY", {"DOCHDRNO": header, "LINE_NO": number})


def test_indexed_lookups_agree_with_a_scan() -> None:
    """``where``, ``exists``, ``count`` and ``distinct`` answer as scanning every record would."""
    # given
    store = Store()
    _lines(store)
    # when
    found = store.where("SODOCUMENTENTRY", "DOCHDRNO", "7")
    scanned = [r for r in store.scan("SODOCUMENTENTRY") if r.data["DOCHDRNO"] == "7"]
    # then
    assert found == scanned
    assert [r.data["LINE_NO"] for r in found] == ["0", "1"]
    assert store.exists("SODOCUMENTENTRY", "DOCHDRNO", "8")
    assert not store.exists("SODOCUMENTENTRY", "DOCHDRNO", "9")
    assert (store.count("SODOCUMENTENTRY"), store.distinct("SODOCUMENTENTRY", "DOCHDRNO")) == (3, 2)
    assert store.where("SODOCUMENTENTRY", "LINE_NO", "1") == found[1:]  # not indexed: a scan


def test_indexes_follow_replace_delete_and_rollback() -> None:
    """The indexes change with the records, and a rolled-back savepoint undoes both."""
    # given
    store = Store()
    _lines(store)
    # when
    with store.transaction():
        row = store.where("SODOCUMENTENTRY", "DOCHDRNO", "8")[0]
        moved = {**row.data, "DOCHDRNO": "7"}
        store.replace(type(row)(row.object, row.recordno, row.entity, moved))
        mark = store.savepoint()
        store.delete("SODOCUMENTENTRY", 1)
        store.insert("SODOCUMENTENTRY", {"DOCHDRNO": "9", "LINE_NO": "0"})
        store.rollback_to(mark)
    # then
    assert [r.recordno for r in store.where("SODOCUMENTENTRY", "DOCHDRNO", "7")] == [1, 2, 3]
    assert not store.exists("SODOCUMENTENTRY", "DOCHDRNO", "8")
    assert (store.count("SODOCUMENTENTRY"), store.distinct("SODOCUMENTENTRY", "DOCHDRNO")) == (3, 1)
    with store.transaction():
        store.delete("SODOCUMENTENTRY", 2)
    assert (store.count("SODOCUMENTENTRY"), store.distinct("SODOCUMENTENTRY", "DOCHDRNO")) == (2, 1)


def test_a_store_written_before_the_indexes_is_indexed_on_opening(tmp_path: Path) -> None:
    """Reopening a file whose records predate the indexes rebuilds them."""
    # given
    path = str(tmp_path / "s.db")
    first = Store(path)
    _lines(first)
    with first.transaction():
        first._db.execute("DELETE FROM record_fields")  # noqa: SLF001 - an older store's file
        first._db.execute("DELETE FROM tallies")  # noqa: SLF001
        first._db.execute("PRAGMA user_version = 0")  # noqa: SLF001
    first.close()
    # when
    reopened = Store(path)
    # then
    assert len(reopened.where("SODOCUMENTENTRY", "DOCHDRNO", "7")) == 2
    assert reopened.count("SODOCUMENTENTRY") == 3


def test_distinct_document_numbers_are_counted_through_deletes_and_rollbacks() -> None:
    """The count of distinct DOCNOs follows inserts, deletes and rolled-back savepoints."""
    # given
    store = Store()
    with store.transaction():
        for docno in ("A", "A", "B"):
            store.insert("SODOCUMENT", {"DOCNO": docno})
    # when
    with store.transaction():
        store.delete("SODOCUMENT", 1)
        kept = store.distinct("SODOCUMENT", "DOCNO")
        mark = store.savepoint()
        store.delete("SODOCUMENT", 2)
        store.insert("SODOCUMENT", {"DOCNO": "C"})
        inside = store.distinct("SODOCUMENT", "DOCNO")
        store.rollback_to(mark)
    # then
    assert (kept, inside) == (2, 2)
    assert store.distinct("SODOCUMENT", "DOCNO") == 2
    assert store.exists("SODOCUMENT", "DOCNO", "A")
    assert not store.exists("SODOCUMENT", "DOCNO", "C")
