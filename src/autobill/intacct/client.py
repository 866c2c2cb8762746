"""The async XML gateway client: sessions, batching, idempotent writes, bulk reads, paging."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Self

import httpx

from autobill.intacct._transport import RetryPolicy, XmlTransport
from autobill.intacct.errors import (
    IntacctAuthError,
    IntacctTransportError,
)
from autobill.intacct.idempotency import ReadBack, ReplayPolicy
from autobill.intacct.limits import DEFAULT_CONCURRENCY, limiter_for
from autobill.intacct.meter import Meter, Usage
from autobill.intacct.paging import more_pages, query_pages, read_by_query_pages
from autobill.intacct.payloads import Control, envelope, read_by_query, session_auth
from autobill.intacct.query import IN_LIST_MAX, in_list
from autobill.intacct.session import SessionManager
from autobill.intacct.writes import Sent, Write, WriteOutcome, outcome

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET
    from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
    from types import TracebackType

    from autobill.intacct.payloads import Function, QueryOptions
    from autobill.intacct.responses import Record, Response, Result
    from autobill.intacct.session import (
        LoginCredentials,
        SenderCredentials,
        Session,
        SessionCredentials,
    )

PRODUCTION_ENDPOINT = "https://api.intacct.com/ia/xml/xmlgw.phtml"
SANDBOX_ENDPOINT = "http://127.0.0.1:8765/ia/xml/xmlgw.phtml"
DEFAULT_BATCH = 50
PREPARE_AHEAD = 2  # requests prepared per concurrency slot, so serialising overlaps waiting


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Tuning of a client: endpoint, batch cap, tier concurrency, retries, replay recognition."""

    endpoint: str = SANDBOX_ENDPOINT
    batch_size: int = DEFAULT_BATCH
    concurrency: int = DEFAULT_CONCURRENCY
    tier_key: str | None = None
    retry: RetryPolicy = dataclasses.field(default_factory=RetryPolicy)
    replay: ReplayPolicy = dataclasses.field(default_factory=ReplayPolicy)
    timeout: float = 300.0
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


class IntacctClient:
    """Talks to the XML gateway for one company; see the package docstring for the errors.

    Args:
        sender: the Web Services sender credentials.
        login: the user's login (sessions are obtained and renewed with it).
        session: an existing session, used when no login is given.
        options: endpoint, batching, concurrency tier, retry and replay settings.
        http: an httpx client to use (tests pass a mock transport); closed by the caller.
        meter: a meter shared with other clients (e.g. the XML and REST clients of a tenant).
    """

    def __init__(  # noqa: PLR0913 - keyword-only credentials and shared parts
        self,
        *,
        sender: SenderCredentials,
        login: LoginCredentials | None = None,
        session: SessionCredentials | None = None,
        options: ClientOptions | None = None,
        http: httpx.AsyncClient | None = None,
        meter: Meter | None = None,
    ) -> None:
        self.options = options or ClientOptions()
        self._sender = sender
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(timeout=self.options.timeout)
        company = login.companyid if login else "session"
        self.limiter = limiter_for(self.options.tier_key or company, limit=self.options.concurrency)
        self.meter = meter or Meter()
        self._transport = XmlTransport(self._http, self.limiter, self.meter, self.options.retry)
        self.sessions = SessionManager(
            login=login,
            existing=session,
            endpoint=self.options.endpoint,
            send=self._send_raw,
            clock=self.options.clock,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client when this client created it."""
        if self._own_http:
            await self._http.aclose()

    def usage(self) -> Usage:
        """Return the API transactions and round trips spent so far.

        Returns:
            The meter's snapshot.
        """
        return self.meter.usage()

    async def execute(
        self, functions: Iterable[Function], *, transaction: bool = False, entity: str | None = None
    ) -> list[Result]:
        """Run functions in as few requests as the batch cap allows; results keep their order.

        Requests are prepared a few at a time while others are in flight, so a lazy iterable
        (e.g. a generator mapping invoices) is mapped and serialised during network waits.

        Args:
            functions: the functions; writes must carry deterministic controlids.
            transaction: all-or-nothing; the functions must then fit in one request.
            entity: the entity to run in; None for the default, ``""`` for the top level.

        Returns:
            One result per function, in the order given.

        Raises:
            ValueError: a transaction larger than the batch cap.
        """
        cap = self.options.batch_size
        if transaction:
            chunk = list(functions)
            if len(chunk) > cap:
                msg = f"a transaction of {len(chunk)} functions exceeds the batch cap of {cap}"
                raise ValueError(msg)
            return list(await self._request(chunk, transaction=True, entity=entity))
        replies: dict[int, tuple[Result, ...]] = {}
        chunks = _Chunks(functions, cap)

        async def worker() -> None:
            # Workers share one feed: each pulls (and so maps) its next chunk only when free.
            while (pulled := await chunks.next()) is not None:
                index, chunk = pulled
                replies[index] = await self._request(chunk, transaction=False, entity=entity)

        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(self.limiter.limit * PREPARE_AHEAD):
                    group.create_task(worker())
        except ExceptionGroup as failed:
            # Callers catch the error tree, not a group: the first failure stops the batch.
            raise failed.exceptions[0] from None
        return [result for index in sorted(replies) for result in replies[index]]

    async def _request(
        self, functions: Sequence[Function], *, transaction: bool, entity: str | None
    ) -> tuple[Result, ...]:
        session = await self.sessions.get(entity)
        try:
            response = await self._post(session, functions, transaction=transaction)
        except IntacctAuthError as exc:
            if not (exc.session_expired and self.sessions.renewable):
                raise
            fresh = await self.sessions.renew(self.sessions.key(entity), stale=session)
            response = await self._post(fresh, functions, transaction=transaction)
        self.sessions.touch(entity, response.authentication)
        return _matched(functions, response.results)

    async def _post(
        self,
        session: Session,
        functions: Sequence[Function],
        *,
        transaction: bool,
    ) -> Response:
        body = envelope(
            control=self._control(uniqueid=any(f.records for f in functions)),
            auth=session_auth(session.sessionid),
            functions=functions,
            transaction=transaction,
        )
        return await self._transport.send(session.endpoint, body, functions)

    async def _send_raw(
        self, url: str, auth: ET.Element, functions: Sequence[Function]
    ) -> Response:
        body = envelope(control=self._control(uniqueid=False), auth=auth, functions=functions)
        return await self._transport.send(url, body, functions)

    def _control(self, *, uniqueid: bool) -> Control:
        return Control(
            senderid=self._sender.senderid,
            password=self._sender.password,
            controlid=f"autobill-{uuid.uuid4().hex}",
            uniqueid=uniqueid,
        )

    async def write(
        self, writes: Iterable[Write], *, entity: str | None = None
    ) -> list[WriteOutcome]:
        """Run idempotent writes; a replayed controlid is answered by reading the record back.

        Args:
            writes: the writes, each with a deterministic controlid and a read-back; a lazy
                iterable is consumed while earlier batches are in flight.
            entity: the entity to write in.

        Returns:
            One outcome per write, in order; failed writes carry their result's errors.
        """
        seen: list[Sent] = []

        def functions() -> Iterator[Function]:
            for write in writes:
                seen.append(Sent.of(write))
                yield write.function

        results = await self.execute(functions(), entity=entity)
        pairs = list(zip(seen, results, strict=True))
        replay = self.options.replay
        specs = [w.read_back for w, r in pairs if w.read_back and replay.is_replay(r)]
        found = await self._read_back(specs, entity) if specs else {}
        return [outcome(w, r, found, replay) for w, r in pairs]

    async def _read_back(
        self, specs: Sequence[ReadBack], entity: str | None
    ) -> dict[ReadBack, str]:
        found: dict[ReadBack, str] = {}
        groups: dict[tuple[str, str, str, str | None], list[ReadBack]] = {}
        for spec in specs:
            groups.setdefault((spec.obj, spec.field, spec.key_field, spec.docparid), []).append(
                spec
            )
        for (obj, field, key_field, docparid), members in groups.items():
            records = await self.read_many(
                obj=obj,
                field=field,
                values=[m.value for m in members],
                docparid=docparid,
                entity=entity,
            )
            by_value = {str(r.get(field, "")): str(r.get(key_field, "")) for r in records}
            found.update({m: by_value[m.value] for m in members if by_value.get(m.value)})
        return found

    async def read_many(  # noqa: PLR0913 - a bulk read's natural parameters
        self,
        *,
        obj: str,
        field: str,
        values: Sequence[str],
        fields: str = "*",
        docparid: str | None = None,
        entity: str | None = None,
    ) -> list[Record]:
        """Read every record whose ``field`` is one of ``values``, in as few calls as possible.

        Args:
            obj: the object name.
            field: the field to filter on.
            values: the wanted values (deduplicated; chunked into ``in (...)`` lists).
            fields: the fields to return.
            docparid: the document type, for order entry objects.
            entity: the entity to read in.

        Returns:
            The matching records, in no particular order.
        """
        unique = list(dict.fromkeys(values))
        functions = [
            read_by_query(
                controlid=f"readByQuery-{uuid.uuid4().hex}",
                obj=obj,
                query=in_list(field, unique[i : i + IN_LIST_MAX]),
                fields=fields,
                docparid=docparid,
            )
            for i in range(0, len(unique), IN_LIST_MAX)
        ]
        records: list[Record] = []
        for first in await self.execute(functions, entity=entity):
            async for page in more_pages(self, first, entity=entity):
                records.extend(page)
        return records

    def pages(  # noqa: PLR0913 - mirrors readByQuery's elements
        self,
        *,
        obj: str,
        where: str = "",
        fields: str = "*",
        pagesize: int = 1000,
        docparid: str | None = None,
        entity: str | None = None,
    ) -> AsyncIterator[list[Record]]:
        """Page through a readByQuery (then readMore by resultId).

        Args:
            obj: the object name.
            where: the query string; empty for all.
            fields: the fields to return.
            pagesize: records per page (at most 1000).
            docparid: the document type, for order entry objects.
            entity: the entity to read in.

        Returns:
            An async iterator of pages of records.
        """
        return read_by_query_pages(
            self,
            obj=obj,
            where=where,
            fields=fields,
            pagesize=pagesize,
            docparid=docparid,
            entity=entity,
        )

    def query_pages(
        self,
        *,
        obj: str,
        select: Sequence[str],
        where: ET.Element | None = None,
        options: QueryOptions | None = None,
        entity: str | None = None,
    ) -> AsyncIterator[list[Record]]:
        """Page through a ``query`` by offset.

        Args:
            obj: the object name.
            select: the fields.
            where: the filter condition.
            options: ordering, options and page size.
            entity: the entity to read in.

        Returns:
            An async iterator of pages of records.
        """
        return query_pages(
            self, obj=obj, select=select, where=where, options=options, entity=entity
        )


class _Chunks:
    """Hands out numbered chunks of a lazy iterable, yielding to the loop while pulling."""

    YIELD_EVERY = 10  # items pulled between yields, so responses are handled promptly

    def __init__(self, items: Iterable[Function], size: int) -> None:
        self._items = iter(items)
        self._size = size
        self._count = 0
        self._lock = asyncio.Lock()

    async def next(self) -> tuple[int, list[Function]] | None:
        """The next chunk and its position, or None when the items are exhausted."""
        async with self._lock:
            chunk: list[Function] = []
            for item in self._items:
                # Serialised as pulled: only the text waits for the request, not the tree.
                chunk.append(item.written())
                if len(chunk) == self._size:
                    break
                if len(chunk) % self.YIELD_EVERY == 0:
                    await asyncio.sleep(0)
            if not chunk:
                return None
            self._count += 1
            return self._count - 1, chunk


def _matched(functions: Sequence[Function], results: tuple[Result, ...]) -> tuple[Result, ...]:
    """Check the gateway answered every function, in order (one result per function)."""
    sent = [f.controlid for f in functions]
    got = [r.controlid for r in results]
    if sent != got:
        msg = f"results do not match the functions sent: {len(got)} results for {len(sent)}"
        raise IntacctTransportError(msg, retryable=False)
    return results
