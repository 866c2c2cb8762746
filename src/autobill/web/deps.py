"""What requests depend on: the app's state (storage, secrets, clock) and a unit of work."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from autobill.db.session import unit_of_work

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy.orm import sessionmaker

    from autobill.web.signing import ReplayGuard
    from autobill.workflows.review import ReviewDesk


@dataclass(frozen=True)
class WebState:
    """Everything the routes need, built once by ``create_app``; secrets are never logged."""

    factory: sessionmaker[Session]
    events_secret: str = ""
    intacct_secret: str = ""
    window_seconds: int = 300
    clock: Callable[[], float] = time.time
    replay: ReplayGuard | None = None
    max_body_bytes: int = 1_048_576
    on_accepted: Callable[[], None] | None = None
    review: ReviewDesk | None = None

    def __repr__(self) -> str:
        return f"WebState(window_seconds={self.window_seconds}, max_body={self.max_body_bytes})"


def web_state(request: Request) -> WebState:
    """Return the app's state."""
    state: WebState = request.app.state.web
    return state


State = Annotated[WebState, Depends(web_state)]


def db_session(state: State) -> Iterator[Session]:
    """Yield a session whose transaction commits when the request succeeds (one per request)."""
    with unit_of_work(state.factory) as session:
        yield session


DbSession = Annotated[Session, Depends(db_session)]
