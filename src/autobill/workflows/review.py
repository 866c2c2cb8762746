"""The review desk: drafts for people, and their decisions sent to the waiting InvoiceWorkflow.

The command line (``autobill drafts``) and the API (``/api/drafts``) both go through
:class:`ReviewDesk`. A draft awaits a decision while nobody has decided it and its workflow
(whose id is the billing key) still runs; a decision is the workflow's ``approve`` or ``reject``
update, which answers once the workflow has recorded it (who, when, why) and refuses, before
anything is stored, an invoice that does not await one.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from temporalio.client import WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from autobill.db.session import unit_of_work
from autobill.errors import InvalidState, NotFound
from autobill.invoice import service
from autobill.workflows.inputs import DecisionBy
from autobill.workflows.invoice import InvoiceWorkflow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker
    from temporalio.client import Client

    from autobill.invoice.schemas import DraftDetail, DraftSummary
    from autobill.models import Draft

NOT_IN_REVIEW = "InvoiceNotInReview"


class DraftMissing(NotFound):
    """No draft has the id asked for."""

    kind = "draft_not_found"

    def __init__(self, draft_id: int) -> None:
        super().__init__(f"draft {draft_id} does not exist")
        self.draft_id = draft_id


class DraftNotWaiting(InvalidState):
    """The draft does not await a decision (decided, posted, parked, or no review running)."""

    kind = "draft_not_waiting"

    def __init__(self, draft_id: int, why: str) -> None:
        super().__init__(f"draft {draft_id} does not await a decision: {why}")
        self.draft_id = draft_id


class ReviewDesk:
    """Lists and shows drafts, and approves or rejects the waiting ones.

    Args:
        sessions: our database; every call reads in its own unit of work.
        client: the Temporal client (with the Decimal-safe converter).
    """

    def __init__(self, sessions: sessionmaker[Session], client: Client) -> None:
        self._sessions = sessions
        self._client = client

    async def drafts(self, *, waiting_only: bool = False, limit: int = 100) -> list[DraftSummary]:
        """Return drafts, newest first; only those awaiting a decision with ``waiting_only``."""
        drafts = await asyncio.to_thread(self._read, undecided=waiting_only, limit=limit)
        waiting = await asyncio.gather(*(self._waiting(d) for d in drafts))
        summaries = [service.summary(d, waiting=w) for d, w in zip(drafts, waiting, strict=True)]
        return [s for s in summaries if s.waiting or not waiting_only]

    async def show(self, draft_id: int) -> DraftDetail:
        """Return the draft with its lines, sources, findings, decisions and Intacct key."""
        draft = await asyncio.to_thread(self._draft, draft_id)
        waiting = await self._waiting(draft)
        return await asyncio.to_thread(self._detail, draft_id, waiting=waiting)

    async def decide(
        self, draft_id: int, *, approve: bool, user: str, reason: str | None = None
    ) -> DraftDetail:
        """Approve or reject the waiting draft; return it with the decision recorded.

        Raises:
            DraftMissing: no draft has this id.
            DraftNotWaiting: the draft does not await a decision.
        """
        draft = await asyncio.to_thread(self._draft, draft_id)
        if draft.status != service.UNDECIDED:
            raise DraftNotWaiting(draft_id, f"it is {draft.status}")
        handle = self._client.get_workflow_handle_for(InvoiceWorkflow.run, draft.billing_key)
        update = InvoiceWorkflow.approve if approve else InvoiceWorkflow.reject
        try:
            await handle.execute_update(update, DecisionBy(user=user, reason=reason))
        except WorkflowUpdateFailedError as failed:
            cause = failed.cause
            if isinstance(cause, ApplicationError) and cause.type == NOT_IN_REVIEW:
                raise DraftNotWaiting(draft_id, cause.message) from None
            raise
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise DraftNotWaiting(draft_id, "its workflow has ended") from None
            raise
        return await asyncio.to_thread(self._detail, draft_id, waiting=False)

    async def _waiting(self, draft: Draft) -> bool:
        """Whether the draft is undecided and its review workflow still runs."""
        if draft.status != service.UNDECIDED or draft.intacct_key is None:
            return False
        handle = self._client.get_workflow_handle(draft.billing_key)
        try:
            described = await handle.describe()
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return False
            raise
        return described.status == WorkflowExecutionStatus.RUNNING

    def _read(self, *, undecided: bool, limit: int) -> list[Draft]:
        with unit_of_work(self._sessions) as session:
            if undecided:
                return service.undecided_drafts(session, limit=limit)
            return service.list_drafts(session, limit=limit)

    def _draft(self, draft_id: int) -> Draft:
        with unit_of_work(self._sessions) as session:
            try:
                return service.draft_of(session, draft_id)
            except service.DraftNotFound:
                raise DraftMissing(draft_id) from None

    def _detail(self, draft_id: int, *, waiting: bool) -> DraftDetail:
        with unit_of_work(self._sessions) as session:
            try:
                draft = service.draft_of(session, draft_id)
            except service.DraftNotFound:
                raise DraftMissing(draft_id) from None
            return service.detail(session, draft, waiting=waiting)

