"""The audit log's hash chain verifies, and shows where any tampering happened."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

from autobill.audit import service as audit_service
from autobill.audit.canonical import canonical_json
from autobill.audit.service import BreakKind
from autobill.db.session import session_factory, unit_of_work
from autobill.models import AuditEntry
from fixtures.audit import append_entries, delete, swap, tamper

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

H = BreakKind.HASH_MISMATCH
P = BreakKind.PREV_HASH_MISMATCH
GAP = BreakKind.GAP
HEAD = BreakKind.HEAD_MISMATCH


def found(session: Session) -> list[tuple[int, BreakKind]]:
    """Return the breaks verify reports, as (position, kind)."""
    return [(b.position, b.kind) for b in audit_service.verify(session)]


class TestAppend:
    """Appending entries to the chain."""

    def test_entries_link_to_the_one_before(self, session: Session) -> None:
        """Each entry takes the next position and stores the previous entry's hash."""
        # when
        entries = append_entries(session, 3)
        # then
        assert [e.seq for e in entries] == [1, 2, 3]
        assert entries[0].prev_hash == "0" * 64
        assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]

    def test_decimals_are_stored_as_exact_strings(self, session: Session) -> None:
        """A Decimal in before/after is stored as its string, so the hash can be recomputed."""
        # when
        append_entries(session, 2)
        session.expire_all()
        # then
        stored = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [e.after for e in stored] == [
            {"total": "0.0125", "lines": [1]},
            {"total": "0.0250", "lines": [2]},
        ]
        assert found(session) == []

    def test_canonical_json_sorts_keys_and_writes_iso_times(self) -> None:
        """Canonical JSON has sorted keys, no spaces, ISO timestamps."""
        # when
        text = canonical_json({"b": 1, "a": datetime(2026, 11, 30, 12, tzinfo=UTC)})
        # then
        assert text == '{"a":"2026-11-30T12:00:00+00:00","b":1}'


class TestVerify:
    """Verifying the chain."""

    def test_an_empty_log_verifies(self, session: Session) -> None:
        """A log with no entries has no breaks."""
        assert found(session) == []

    def test_an_untouched_chain_verifies(self, session: Session) -> None:
        """A chain written only through append has no breaks."""
        # given
        append_entries(session, 5)
        # when / then
        assert found(session) == []

    @pytest.mark.parametrize(
        ("_case", "tampering", "expected"),
        [
            ("edit a field", lambda s: tamper(s, 3, actor="mallory"), [(3, H)]),
            ("edit before/after", lambda s: tamper(s, 2, after={"total": "0"}), [(2, H)]),
            (
                "edit the time",
                lambda s: tamper(s, 4, at=datetime(2020, 1, 1, tzinfo=UTC)),
                [(4, H)],
            ),
            ("edit the hash", lambda s: tamper(s, 3, hash="f" * 64), [(3, H), (4, P)]),
            ("delete one", lambda s: delete(s, 3), [(4, GAP), (4, P)]),
            ("delete the first", lambda s: delete(s, 1), [(2, GAP), (2, P)]),
            ("delete the last", lambda s: delete(s, 5), [(5, HEAD)]),
            ("reorder two", lambda s: swap(s, 2, 3), [(2, P), (2, H), (3, P), (3, H), (4, P)]),
        ],
    )
    def test_tampering_is_found_at_its_position(
        self,
        session: Session,
        _case: str,
        tampering: Callable[[Session], None],
        expected: list[tuple[int, BreakKind]],
    ) -> None:
        """Any edited, deleted or reordered entry is reported with its position."""
        # given
        append_entries(session, 5)
        # when
        tampering(session)
        # then
        assert found(session) == expected


def test_concurrent_appends_form_one_chain(fresh_engine: sa.Engine) -> None:
    """Appends from many threads at once are serialized into one unbroken chain."""
    # given
    factory = session_factory(fresh_engine)

    def work() -> None:
        for _ in range(5):
            with unit_of_work(factory) as session:
                append_entries(session, 1)

    threads = [threading.Thread(target=work) for _ in range(6)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    with unit_of_work(factory) as session:
        count = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        assert (count, audit_service.verify(session)) == (30, [])
