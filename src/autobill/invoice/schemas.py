"""What the API and the command line show of drafts: money as decimal strings with a currency."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from autobill.core.money import Money


class Schema(BaseModel):
    """Base of the drafts' views: immutable."""

    model_config = ConfigDict(frozen=True)


class Amount(Schema):
    """An amount in major units, exact, with its currency."""

    amount: Decimal
    currency: str

    @classmethod
    def of_minor(cls, minor: int, currency: str) -> Self:
        """Build from a count of minor units of ``currency``."""
        return cls(amount=Money.from_minor(minor, currency).amount, currency=currency)


class DraftSummary(Schema):
    """A draft in a list: who is billed what, and where it stands."""

    id: int
    company_id: str
    billing_key: str
    status: str
    customer_id: str
    invoice_on: date
    total: Amount
    intacct_key: str | None
    waiting: bool


class DraftLineView(Schema):
    """One line of a draft with the source records it was billed from."""

    position: int
    kind: str
    description: str
    item_id: str | None
    quantity: Decimal
    unit_price: Decimal | None
    amount: Amount
    period_start_on: date | None
    period_end_on: date | None
    gl_account: str | None
    sources: list[Any]


class FindingView(Schema):
    """A finding on a draft or its billing key."""

    kind: str
    source: str
    message: str
    severity: str


class DecisionView(Schema):
    """A recorded review decision: who, when and why."""

    decision: str
    decided_by: str
    decided_at: datetime
    reason: str | None


class DraftDetail(Schema):
    """A draft with its lines, findings, decisions and Intacct key."""

    summary: DraftSummary
    subtotal: Amount
    tax: Amount
    due_on: date
    lines: list[DraftLineView]
    findings: list[FindingView]
    decisions: list[DecisionView]
