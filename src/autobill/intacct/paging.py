"""Paging as async iterators: readByQuery then readMore by ``resultId``; query by offset."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from autobill.intacct.payloads import QueryOptions, query, read_by_query, read_more

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET
    from collections.abc import AsyncIterator, Sequence

    from autobill.intacct.payloads import Function
    from autobill.intacct.responses import Record, Result


class Executor(Protocol):
    """What paging needs of a client: run functions, results in order."""

    async def execute(
        self, functions: Sequence[Function], *, transaction: bool = False, entity: str | None = None
    ) -> list[Result]:
        """Run functions and return their results in order."""


def _cid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


async def more_pages(
    client: Executor, first: Result, *, entity: str | None = None
) -> AsyncIterator[list[Record]]:
    """Yield a readByQuery result's records, then each ``readMore`` page until none remain.

    Args:
        client: runs the readMore calls.
        first: the successful readByQuery result.
        entity: the entity whose session ran the first page.

    Yields:
        Each page's records.
    """
    result = first.raise_for_status()
    yield result.records()
    while _remaining(result) and result.attr("resultId"):
        function = read_more(controlid=_cid("readMore"), result_id=result.attr("resultId") or "")
        (result,) = await client.execute([function], entity=entity)
        yield result.raise_for_status().records()


async def every_page(
    client: Executor, firsts: Sequence[Result], *, entity: str | None = None
) -> list[list[Record]]:
    """Every record of several readByQuery results, their further pages read side by side.

    Each round sends one ``readMore`` per result that still has records, in one request: a
    company's objects are read in as many round trips as its largest object has pages.

    Args:
        client: runs the readMore calls.
        firsts: the successful readByQuery results.
        entity: the entity whose session ran the first pages.

    Returns:
        Each result's records, in the order of ``firsts``.
    """
    found = [first.raise_for_status().records() for first in firsts]
    open_ids = {n: r.attr("resultId") or "" for n, r in enumerate(firsts) if _remaining(r)}
    open_ids = {n: rid for n, rid in open_ids.items() if rid}
    while open_ids:
        functions = [read_more(controlid=_cid("readMore"), result_id=r) for r in open_ids.values()]
        answers = await client.execute(functions, entity=entity)
        still = {}
        for (n, rid), answer in zip(open_ids.items(), answers, strict=True):
            found[n].extend(answer.raise_for_status().records())
            if _remaining(answer):
                still[n] = rid
        open_ids = still
    return found


async def read_by_query_pages(  # noqa: PLR0913 - mirrors readByQuery's elements
    client: Executor,
    *,
    obj: str,
    where: str = "",
    fields: str = "*",
    pagesize: int = 1000,
    docparid: str | None = None,
    entity: str | None = None,
) -> AsyncIterator[list[Record]]:
    """Yield every page of a readByQuery.

    Args:
        client: runs the calls.
        obj: the object name.
        where: the query string; empty for all records.
        fields: the fields to return.
        pagesize: records per page (at most 1000).
        docparid: the document type, for order entry objects.
        entity: the entity to read in; None for the client's default.

    Yields:
        Each page's records.
    """
    function = read_by_query(
        controlid=_cid("readByQuery"),
        obj=obj,
        query=where,
        fields=fields,
        pagesize=pagesize,
        docparid=docparid,
    )
    (first,) = await client.execute([function], entity=entity)
    async for page in more_pages(client, first, entity=entity):
        yield page


async def query_pages(  # noqa: PLR0913 - mirrors query's elements
    client: Executor,
    *,
    obj: str,
    select: Sequence[str],
    where: ET.Element | None = None,
    options: QueryOptions | None = None,
    entity: str | None = None,
) -> AsyncIterator[list[Record]]:
    """Yield every page of a ``query``, advancing ``offset`` by each page's count.

    Args:
        client: runs the calls.
        obj: the object name.
        select: the fields.
        where: the filter condition.
        options: ordering, options and page size (default 2000, the maximum).
        entity: the entity to read in.

    Yields:
        Each page's records.
    """
    opts = options or QueryOptions()
    offset = opts.offset or 0
    while True:
        page_opts = replace(opts, pagesize=opts.pagesize or 2000, offset=offset)
        function = query(
            controlid=_cid("query"), obj=obj, select=select, where=where, options=page_opts
        )
        (result,) = await client.execute([function], entity=entity)
        records = result.raise_for_status().records()
        yield records
        offset += len(records)
        if not records or not _remaining(result):
            return


def _remaining(result: Result) -> bool:
    try:
        return int(result.attr("numremaining") or "0") > 0
    except ValueError:
        return False
