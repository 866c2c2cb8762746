"""The API under ``/api``; for now its health check (drafts and the dashboard come later)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(prefix="/api", tags=["api"])


class Health(BaseModel):
    """The health check's answer."""

    status: str


@router.get("/health")
async def health() -> Health:
    """Answer that the app is up."""
    return Health(status="ok")
