"""The database ports: each call one committed unit of work, repeats changing nothing."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from autobill.audit import repository as audit_repository
from autobill.audit import service as audit_service
from autobill.db.session import session_factory
from autobill.models import Finding, Posting, ReviewDecision
from autobill.workflows.adapters.audit import DatabaseAuditLog
from autobill.workflows.adapters.drafts import DatabaseDraftStore
from autobill.workflows.inputs import (
    AuditInput,
    Decision,
    InvoiceLine,
    InvoiceSnapshot,
    ParkInvoiceInput,
)
from autobill.workflows.inputs import Finding as FindingInput

KEY = "contract:CN-1:2026-11-30"
LATE = FindingInput(kind="late", source="TIMESHEETENTRY:7", message="approved late")


def snapshot() -> InvoiceSnapshot:
    """A one-line invoice of 0.04 USD for CN-1."""
    line = InvoiceLine(
        source="CONTRACTUSAGE:U-1",
        description="API calls",
        quantity=Decimal(3),
        unit_price=Decimal("0.0125"),
        amount=Decimal("0.04"),
        item_id="I-1",
    )
    return InvoiceSnapshot(
        billing_key=KEY,
        company_id="CO-1",
        customer_id="C-1",
        contract_id="CN-1",
        invoice_on=date(2026, 11, 30),
        due_on=date(2026, 12, 30),
        currency="USD",
        lines=(line,),
        subtotal=Decimal("0.04"),
    )


def count(sessions: sessionmaker[Session], model: type[object]) -> int:
    """How many rows a table holds, read in a session of its own."""
    with sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_repeats_store_one_draft_decision_posting_and_finding(fresh_engine: sa.Engine) -> None:
    """Saving, deciding, posting and parking twice each leave one row, committed."""
    # given
    sessions = session_factory(fresh_engine)
    store = DatabaseDraftStore(sessions)
    parked = ParkInvoiceInput(
        billing_key=KEY,
        company_id="CO-1",
        step="post_invoice",
        error_type="intacct_BL01001973",
        message="closed",
        trace_id="t",
    )
    # when
    first = store.save_draft(snapshot(), [LATE], trace_id="t")
    second = store.save_draft(snapshot(), [LATE], trace_id="t")
    store.record_intacct_key(first, "Sales Invoice-INV0001")
    for _ in range(2):
        store.record_decision(first, Decision(approved=True, user="ana"), trace_id="t")
        store.record_posting(first, "Sales Invoice-INV0001")
        store.park(parked.model_copy(update={"draft_id": first}))
    # then
    assert first == second
    assert count(sessions, ReviewDecision) == 1
    assert count(sessions, Posting) == 1
    assert count(sessions, Finding) == 2  # the computation's finding and the parked one
    with sessions() as session:
        posting = session.scalars(sa.select(Posting)).one()
        assert posting.control_id == f"autobill:CO-1:{KEY}:post"


def test_audit_entries_are_committed_and_chained(fresh_engine: sa.Engine) -> None:
    """Each append commits one entry after the head, and the chain verifies."""
    # given
    sessions = session_factory(fresh_engine)
    log = DatabaseAuditLog(sessions)
    # when
    for action in ("invoice.drafted", "invoice.posted"):
        log.append(
            AuditInput(
                actor="autobill", action=action, subject=KEY, trace_id="t", after={"total": "0.04"}
            )
        )
    # then
    with sessions() as session:
        assert audit_service.verify(session) == []
        assert [e.seq for e in audit_repository.entries(session)] == [1, 2]
