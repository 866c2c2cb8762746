"""API sessions (§3 "Sessions", §9.8): sliding expiry, one user, company and entity per session."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime, timedelta


@dataclass(slots=True)
class Session:
    """A live session: who it is for, its entity ('' = top level) and when it times out."""

    sessionid: str
    userid: str
    companyid: str
    entity: str
    started: datetime
    expires: datetime


class Sessions:
    """The live sessions of one sandbox, in memory, as Intacct keeps them on its side."""

    def __init__(self, clock: Callable[[], datetime], timeout: timedelta) -> None:
        self._clock = clock
        self._timeout = timeout
        self._live: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open(self, userid: str, companyid: str, entity: str) -> Session:
        """Start a session, keep it for later requests, and return it."""
        session = self.transient(userid, companyid, entity)
        with self._lock:
            self._live = {k: s for k, s in self._live.items() if s.expires > session.started}
            self._live[session.sessionid] = session
        return session

    def transient(self, userid: str, companyid: str, entity: str) -> Session:
        """Return a session for one login-authenticated request; it is not kept."""
        now = self._clock()
        return Session(
            f"{secrets.token_urlsafe(24)}..", userid, companyid, entity, now, now + self._timeout
        )

    def touch(self, sessionid: str) -> Session | None:
        """Return the live session and push its timeout out again, or None if it has expired.

        "If a call occurs before the projected timeout, it is reset to the current time plus
        the session duration" (DOC-SESS, §3).
        """
        now = self._clock()
        with self._lock:
            session = self._live.get(sessionid)
            if session is None or now >= session.expires:
                self._live.pop(sessionid, None)
                return None
            session.expires = now + self._timeout
            return session
