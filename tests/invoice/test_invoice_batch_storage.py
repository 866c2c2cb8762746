"""A batch's drafts and settlements go through the adapters in one transaction each.

The audit entries written with a settlement chain after the head as single appends would,
a repeated settlement (a retried batch) records nothing twice, and concurrent batches keep the
chain whole, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from autobill.audit import service as audit_service
from autobill.db.session import session_factory
from autobill.models import AuditEntry, Draft, DraftLine, Finding, Posting
from autobill.workflows.adapters.audit import DatabaseAuditLog
from autobill.workflows.adapters.drafts import DatabaseDraftStore
from autobill.workflows.inputs import (
    AuditInput,
    InvoiceLine,
    InvoiceSnapshot,
    ParkInvoiceInput,
)
from autobill.workflows.inputs import (
    Finding as FindingInput,
)
from autobill.workflows.ports import Settlement

if TYPE_CHECKING:
    from collections.abc import Callable

ON = date(2026, 11, 30)
FOUND = FindingInput(kind="price_change", source="CONTRACTDETAIL:7", message="up 40%")


def snapshot(key: str) -> InvoiceSnapshot:
    """A two-line invoice of 99.90 keyed ``key``."""
    line = InvoiceLine(
        description="Plan",
        source=f"CONTRACTDETAIL:{key}",
        item_id="PLAN",
        quantity=Decimal(1),
        unit_price=Decimal("49.95"),
        amount=Decimal("49.95"),
        sources=({"object": "CONTRACTDETAIL", "id": key},),
    )
    return InvoiceSnapshot(
        billing_key=key,
        company_id="DEMO",
        customer_id="C-1",
        invoice_on=ON,
        due_on=ON + timedelta(days=30),
        currency="USD",
        lines=(line, line),
        subtotal=Decimal("99.90"),
    )


def entry(key: str, action: str) -> AuditInput:
    """An audit entry of ``action`` about ``key``."""
    return AuditInput(actor="autobill", action=action, subject=key, trace_id="t", after={})


class Commits:
    """Counts the transactions committed on an engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        event.listen(engine, "commit", self._committed)

    def _committed(self, _: object) -> None:
        self.count += 1


def count(engine: sa.Engine, model: type[object]) -> int:
    """How many rows ``model``'s table holds."""
    with Session(engine) as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def settlements(ids: list[str], keys: list[str]) -> list[Settlement]:
    """The first two posted on create with three entries each, the third parked."""
    posted = [
        Settlement(
            ids[n],
            intacct_key=f"INV-{n}",
            posted_by=f"autobill:DEMO:{keys[n]}:draft",
            audit=tuple(entry(keys[n], a) for a in ("drafted", "auto_approved", "posted")),
        )
        for n in range(2)
    ]
    parked = ParkInvoiceInput(
        billing_key=keys[2],
        company_id="DEMO",
        draft_id=ids[2],
        step="draft",
        error_type="intacct_BL01001973",
        message="customer on hold",
        trace_id="t",
    )
    return [*posted, Settlement(ids[2], parked=parked, audit=(entry(keys[2], "parked"),))]


def test_a_batch_is_stored_and_settled_in_one_transaction_each(fresh_engine: sa.Engine) -> None:
    """Saving a batch is one commit, settling it another; a retry repeats nothing."""
    # given
    store = DatabaseDraftStore(session_factory(fresh_engine))
    DatabaseAuditLog(session_factory(fresh_engine)).append(entry("before", "seeded"))
    keys = [f"contract:CN-{n}:{ON}" for n in range(3)]
    invoices = [(snapshot(k), (FOUND,) if k == keys[0] else ()) for k in keys]
    commits = Commits(fresh_engine)
    # when
    stored = store.save_drafts(invoices, trace_id="t")
    ids = [s.draft_id for s in stored]
    store.settle(settlements(ids, keys))
    # then
    assert commits.count == 2
    assert (count(fresh_engine, Draft), count(fresh_engine, DraftLine)) == (3, 6)
    assert (count(fresh_engine, Posting), count(fresh_engine, AuditEntry)) == (2, 1 + 7)
    assert count(fresh_engine, Finding) == 2  # the first one's finding, the third one parked
    # when: the batch is retried whole
    again = store.save_drafts(invoices, trace_id="t")
    store.settle(settlements(ids, keys))
    # then
    assert commits.count == 4
    assert [s.draft_id for s in again] == ids
    assert [(s.intacct_key, s.posted) for s in again] == [
        ("INV-0", True),
        ("INV-1", True),
        (None, False),
    ]
    assert (count(fresh_engine, Draft), count(fresh_engine, DraftLine)) == (3, 6)
    assert (count(fresh_engine, Posting), count(fresh_engine, AuditEntry)) == (2, 8)
    with Session(fresh_engine) as session:
        statuses = session.scalars(sa.select(Draft.status).order_by(Draft.id))
        assert list(statuses) == ["posted", "posted", "parked"]
        assert audit_service.verify(session) == []


def test_concurrent_batches_and_single_appends_keep_one_chain(fresh_engine: sa.Engine) -> None:
    """Batches appended from several threads, among single appends, form one unbroken chain."""
    # given
    log = DatabaseAuditLog(session_factory(fresh_engine))
    batches = [[entry(f"k{t}-{n}", "posted") for n in range(50)] for t in range(4)]

    def append(batch: list[AuditInput]) -> None:
        log.append_many(batch)
        log.append(entry(batch[0].subject, "single"))

    # when
    run_in_threads(append, batches)
    # then
    assert count(fresh_engine, AuditEntry) == 4 * 51
    with Session(fresh_engine) as session:
        assert audit_service.verify(session) == []
        subjects = list(session.scalars(sa.select(AuditEntry.subject).order_by(AuditEntry.seq)))
    # each batch's entries stay together and in order
    for batch in batches:
        start = subjects.index(batch[0].subject)
        assert subjects[start : start + 50] == [e.subject for e in batch]


def run_in_threads(work: Callable[[list[AuditInput]], None], items: list[list[AuditInput]]) -> None:
    """Run ``work`` on each item in a thread of its own, all at once; wait for them all."""
    started = [threading.Thread(target=work, args=(item,)) for item in items]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=60)
