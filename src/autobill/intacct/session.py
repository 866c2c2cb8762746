"""Credentials and API sessions: ``getAPISession`` per entity, sliding expiry, renewal."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from autobill.intacct.errors import IntacctAuthError, IntacctTransportError
from autobill.intacct.payloads import get_api_session, login_auth, session_auth

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET
    from collections.abc import Awaitable, Callable, Sequence

    from autobill.intacct.payloads import Function
    from autobill.intacct.responses import Authentication, Response

    Send = Callable[[str, ET.Element, Sequence[Function]], Awaitable[Response]]

TOP_LEVEL = ""
RENEW_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class SenderCredentials:
    """The Web Services sender (partner) id and password."""

    senderid: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class LoginCredentials:
    """A Web Services user's login; ``entity`` is the default entity (None: top level)."""

    userid: str
    companyid: str
    password: str = field(repr=False)
    entity: str | None = None


@dataclass(frozen=True, slots=True)
class SessionCredentials:
    """An existing API session, e.g. handed over by a Smart Event; cannot be renewed."""

    sessionid: str = field(repr=False)
    endpoint: str | None = None
    entity: str | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """An API session: id, endpoint and entity, with its (sliding) expiry when known."""

    sessionid: str = field(repr=False)
    endpoint: str
    locationid: str
    expires_at: datetime | None = None

    def expiring(self, now: datetime) -> bool:
        """Whether the session expires within the renewal margin."""
        return self.expires_at is not None and now >= self.expires_at - RENEW_MARGIN


def parse_timeout(text: str | None) -> datetime | None:
    """Parse ``sessiontimeout`` (ISO 8601 with an offset).

    Args:
        text: the element's text.

    Returns:
        An aware datetime, or None when absent or unreadable.
    """
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SessionManager:
    """Holds one API session per entity and obtains or renews them with ``getAPISession``.

    Args:
        login: the user's login, or None when only an existing session is given.
        existing: an existing session to use for its entity.
        endpoint: the gateway to log into.
        send: posts a request with an authentication element and functions.
        clock: the current time (injectable for tests).
    """

    def __init__(
        self,
        *,
        login: LoginCredentials | None,
        existing: SessionCredentials | None,
        endpoint: str,
        send: Send,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if login is None and existing is None:
            msg = "give login credentials or an existing session"
            raise ValueError(msg)
        self._login = login
        self._endpoint = endpoint
        self._send = send
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.default_entity = _key(login.entity if login else existing.entity if existing else None)
        if existing is not None:
            given = Session(
                existing.sessionid, existing.endpoint or endpoint, _key(existing.entity)
            )
            self._sessions[given.locationid] = given
        self._base = self._sessions.get(self.default_entity)

    @property
    def renewable(self) -> bool:
        """Whether sessions can be renewed (login credentials were given)."""
        return self._login is not None

    def key(self, entity: str | None) -> str:
        """The session key of an entity: None means the default entity, ``""`` the top level."""
        return self.default_entity if entity is None else entity

    async def get(self, entity: str | None = None) -> Session:
        """Return a live session for an entity, obtaining one when missing or expiring.

        Args:
            entity: the entity id; None for the default entity, ``""`` for the top level.

        Returns:
            The session.
        """
        key = self.key(entity)
        current = self._sessions.get(key)
        if current is not None and not (self.renewable and current.expiring(self._clock())):
            return current
        return await self.renew(key, stale=current)

    async def renew(self, entity: str, *, stale: Session | None) -> Session:
        """Obtain a new session for an entity unless another task already replaced ``stale``.

        Args:
            entity: the entity id (``""`` for the top level).
            stale: the session found invalid or expiring, if any.

        Returns:
            The new session.

        Raises:
            IntacctAuthError: no login credentials to renew an expired session with.
        """
        async with self._locks.setdefault(entity, asyncio.Lock()):
            current = self._sessions.get(entity)
            if current is not None and current is not stale:
                return current
            if stale is not None and not self.renewable:
                msg = "the API session expired and no login credentials were given to renew it"
                raise IntacctAuthError(msg)
            session = await self._obtain(entity)
            self._sessions[entity] = session
            return session

    def touch(self, entity: str | None, auth: Authentication | None) -> None:
        """Slide a session's expiry to the ``sessiontimeout`` a response echoed.

        Args:
            entity: the entity whose session answered.
            auth: the response's authentication echo.
        """
        key = self.key(entity)
        current = self._sessions.get(key)
        expires = parse_timeout(auth.sessiontimeout if auth else None)
        if current is not None and expires is not None:
            self._sessions[key] = replace(current, expires_at=expires)

    async def _obtain(self, entity: str) -> Session:
        controlid = f"session-{uuid.uuid4().hex}"
        if self._login is not None:
            login = self._login
            auth = login_auth(
                userid=login.userid,
                companyid=login.companyid,
                password=login.password,
                locationid=entity or None,
            )
            function = get_api_session(controlid=controlid, locationid=entity or None)
            return await self._request(self._endpoint, auth, function)
        base = self._base
        if base is None:  # pragma: no cover - guarded by the constructor
            msg = "no session to derive an entity session from"
            raise IntacctAuthError(msg)
        function = get_api_session(controlid=controlid, locationid=entity)
        return await self._request(base.endpoint, session_auth(base.sessionid), function)

    async def _request(self, url: str, auth: ET.Element, function: Function) -> Session:
        # getAPISession must be alone in its request (Intacct's API session guidance).
        response = await self._send(url, auth, [function])
        result = response.results[0].raise_for_status() if response.results else None
        api = None if result is None or result.data is None else result.data.find("api")
        if api is None:
            msg = "getAPISession answered without <api>"
            raise IntacctTransportError(msg, retryable=False)
        return Session(
            sessionid=(api.findtext("sessionid") or "").strip(),
            endpoint=self._accept_endpoint((api.findtext("endpoint") or "").strip()),
            locationid=(api.findtext("locationid") or "").strip(),
            expires_at=parse_timeout(response.authentication.sessiontimeout)
            if response.authentication
            else None,
        )

    def _accept_endpoint(self, returned: str) -> str:
        """Follow the endpoint getAPISession names only within the configured gateway's domain.

        Sage's SDKs refuse endpoints outside ``intacct.com``; a sandbox naming the production
        host must never redirect a test run there either.
        """
        host = urlsplit(returned).hostname or ""
        ours = urlsplit(self._endpoint).hostname or ""
        trusted = host == ours or (_is_intacct(ours) and _is_intacct(host))
        return returned if returned and trusted else self._endpoint


def _key(entity: str | None) -> str:
    return entity or TOP_LEVEL


def _is_intacct(host: str) -> bool:
    return host == "intacct.com" or host.endswith(".intacct.com")
