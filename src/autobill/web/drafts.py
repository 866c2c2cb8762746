"""``/api/drafts``: the drafts for people, and their approval or rejection."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from autobill.invoice.schemas import DraftDetail, DraftSummary  # noqa: TC001 - FastAPI reads them
from autobill.web.deps import State  # noqa: TC001 - FastAPI resolves the dependency at run time
from autobill.workflows.review import ReviewDesk

router = APIRouter(prefix="/api/drafts", tags=["drafts"])


class DecisionRequest(BaseModel):
    """Who decides, and why."""

    model_config = ConfigDict(extra="forbid")

    by: str = Field(min_length=1, max_length=255)
    reason: str | None = None


def review_desk(state: State) -> ReviewDesk:
    """Return the app's review desk (the drafts router is mounted only with one)."""
    desk = state.review
    if desk is None:  # pragma: no cover - create_app mounts this router only with a desk
        msg = "the web app was built without Temporal"
        raise RuntimeError(msg)
    return desk


Desk = Annotated[ReviewDesk, Depends(review_desk)]


@router.get("")
async def list_drafts(
    desk: Desk,
    *,
    waiting: Annotated[bool, Query(description="Only drafts awaiting a decision.")] = False,
) -> list[DraftSummary]:
    """List drafts, newest first (only those awaiting a decision with ``waiting``)."""
    return await desk.drafts(waiting_only=waiting)


@router.get("/{draft_id}")
async def show_draft(draft_id: int, desk: Desk) -> DraftDetail:
    """Show a draft with its lines and their sources, findings, decisions and Intacct key."""
    return await desk.show(draft_id)


@router.post("/{draft_id}/approve")
async def approve_draft(draft_id: int, decision: DecisionRequest, desk: Desk) -> DraftDetail:
    """Approve a waiting draft; its workflow records the decision and posts it."""
    return await desk.decide(draft_id, approve=True, user=decision.by, reason=decision.reason)


@router.post("/{draft_id}/reject")
async def reject_draft(draft_id: int, decision: DecisionRequest, desk: Desk) -> DraftDetail:
    """Reject a waiting draft; its workflow records the decision."""
    return await desk.decide(draft_id, approve=False, user=decision.by, reason=decision.reason)
