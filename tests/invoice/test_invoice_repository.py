"""Drafts are stored once per (company, billing key), with exact amounts and their sources."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from autobill.invoice import repository as invoice_repository
from autobill.invoice.mapping import minor
from autobill.models import Draft, DraftLine
from fixtures.drafts import add_draft, invoice

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KEY = "contract:CN-1:2026-11"
SOURCES = [[{"record": "CONTRACTUSAGE", "id": "U-1"}, {"record": "CONTRACTUSAGE", "id": "U-2"}]]


def save(session: Session, *, company_id: str = "CO-1", lines: int = 2) -> tuple[Draft, bool]:
    """Save the factory invoice as the draft for ``KEY``."""
    return invoice_repository.save_invoice(
        session,
        company_id=company_id,
        billing_key=KEY,
        invoice=invoice(lines=lines),
        sources=SOURCES,
        trace_id="trace-1",
    )


class TestSaveInvoice:
    """Storing a core invoice as a draft."""

    def test_a_new_invoice_is_stored_with_its_lines(self, session: Session) -> None:
        """The draft has the totals in minor units and the lines with exact prices and sources."""
        # when
        draft, created = save(session)
        session.expire_all()
        # then
        stored = invoice_repository.get(session, draft.id)
        assert stored is not None
        assert created
        assert (stored.currency, stored.total_amount_minor, stored.trace_id) == (
            "USD",
            8,
            "trace-1",
        )
        line = stored.lines[0]
        assert (line.quantity, line.unit_price, line.line_amount_minor) == (
            Decimal(3),
            Decimal("0.0125"),
            4,
        )
        assert [line.sources for line in stored.lines] == [
            SOURCES[0],
            [{"source": "CONTRACTUSAGE:U-1", "kind": "usage"}],
        ]

    def test_saving_the_same_billing_key_again_returns_the_existing_draft(
        self, session: Session
    ) -> None:
        """A second save for the same company and key creates nothing and returns the first."""
        # given
        first, _ = save(session)
        # when
        again, created = save(session, lines=5)
        # then
        assert (again.id, created) == (first.id, False)
        assert session.scalar(sa.select(sa.func.count()).select_from(DraftLine)) == 2

    def test_another_company_gets_its_own_draft_for_the_same_key(self, session: Session) -> None:
        """Billing keys are unique per company, not globally."""
        # given
        first, _ = save(session, company_id="CO-1")
        # when
        other, created = save(session, company_id="CO-2")
        # then
        assert created
        assert other.id != first.id


def test_the_database_refuses_a_second_draft_for_a_billing_key(session: Session) -> None:
    """Even bypassing the repository, a duplicate (company, billing key) cannot be stored."""
    # given
    add_draft(session, billing_key=KEY)
    # when / then
    with pytest.raises(IntegrityError), session.begin_nested():
        add_draft(session, billing_key=KEY)


def test_minor_refuses_an_amount_with_too_many_decimals() -> None:
    """An amount with more decimals than the currency has is refused, not rounded here."""
    # when / then
    with pytest.raises(ValueError, match="more than 2 decimals"):
        minor(Decimal("0.125"), 2)
