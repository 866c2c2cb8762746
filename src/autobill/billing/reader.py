"""Batched reads of what billing needs from Intacct: master data once, each event's records.

Every read is a ``readByQuery`` with an ``=`` or ``in (...)`` filter; the reads of one round
go to Intacct together in one request (the client batches up to 50 functions), and each
result's further pages follow with ``readMore``. Master data (items, terms, tax details and
maps, exchange rates, billing templates, employees, dimensions, accounts) is read in one round
and kept for ``ttl`` seconds; customers come through the client's :class:`MasterDataCache`.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, cast

from autobill.billing.errors import SOURCE_NOT_FOUND, BillingError
from autobill.billing.keys import BillingKey, SourceKind
from autobill.intacct.cache import MasterDataCache
from autobill.intacct.paging import every_page
from autobill.intacct.payloads import read_by_query
from autobill.intacct.query import IN_LIST_MAX, and_, eq, in_list

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from autobill.billing.records import IntacctRecord, Records
    from autobill.intacct import IntacctClient

MASTER_OBJECTS: Final = (
    "COMPANY",
    "LOCATION",
    "DEPARTMENT",
    "CLASS",
    "GLACCOUNT",
    "ARTERM",
    "TAXDETAIL",
    "TAXSCHEDULEMAP",
    "EXCHANGERATE",
    "ITEM",
    "EMPLOYEE",
    "CONTRACTBILLINGTEMPLATE",
)
PROJECT_OBJECTS: Final = ("PROJECT", "TASK", "PROJECTRESOURCES", "TIMESHEETENTRY", "EEXPENSESITEM")
CONTRACT_OBJECTS: Final = ("CONTRACT", "CONTRACTDETAIL", "CONTRACTUSAGE")
EVERY_OBJECT: Final = (
    *MASTER_OBJECTS,
    "CUSTOMER",
    *CONTRACT_OBJECTS,
    *PROJECT_OBJECTS,
    "ARINVOICE",
    "ARINVOICEITEM",
)
DEFAULT_TTL: Final = 15 * 60.0


@dataclass(frozen=True, slots=True)
class Query:
    """One readByQuery: an object and its filter (empty: every record)."""

    obj: str
    where: str = ""


class IntacctReader:
    """Reads billing's records from Intacct in batched rounds (runs on the client's loop).

    Args:
        client: the Intacct client.
        entity: the entity to read in (None: the session's default).
        ttl: seconds master data stays fresh.
        clock: monotonic seconds (injectable for tests).
    """

    def __init__(
        self,
        client: IntacctClient,
        *,
        entity: str | None = None,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._entity = entity
        self._ttl = ttl
        self._clock = clock
        self._customers = MasterDataCache(client, ttl=ttl, clock=clock)
        self._master: tuple[float, Records] | None = None

    async def read(self, queries: Sequence[Query]) -> dict[str, list[IntacctRecord]]:
        """Run the queries in one batched round; return every record by object name."""
        functions = [
            read_by_query(controlid=f"read-{q.obj}-{uuid.uuid4().hex}", obj=q.obj, query=q.where)
            for q in queries
        ]
        found: dict[str, list[IntacctRecord]] = {q.obj: [] for q in queries}
        results = await self._client.execute(functions, entity=self._entity)
        pages = await every_page(self._client, results, entity=self._entity)
        for query, records in zip(queries, pages, strict=True):
            found[query.obj].extend(cast("list[IntacctRecord]", records))
        return found

    async def master(self) -> Records:
        """The master data, read in one round at most once per ``ttl``."""
        now = self._clock()
        if self._master is None or now - self._master[0] >= self._ttl:
            read = await self.read([Query(obj) for obj in MASTER_OBJECTS])
            self._master = (now, {obj: tuple(records) for obj, records in read.items()})
        return self._master[1]

    async def customers(self, ids: Iterable[str]) -> tuple[IntacctRecord, ...]:
        """The customers of these ids, from the cache or one bulk read."""
        wanted = sorted({i for i in ids if i})
        found = await self._customers.get_many(
            obj="CUSTOMER", key_field="CUSTOMERID", keys=wanted, entity=self._entity
        )
        return tuple(cast("IntacctRecord", found[i]) for i in wanted if i in found)

    async def event(self, key: BillingKey) -> Records:
        """Every record the billing key's invoice needs, master data included."""
        if key.kind is SourceKind.CONTRACT:
            own = await self._contract(key.source_id)
        else:
            own = await self._project(key.source_id)
        master = await self.master()
        owners = [
            customer
            for obj in ("CONTRACT", "PROJECT", "ARINVOICE")
            for customer in _values(own, obj, "CUSTOMERID")
        ]
        records = {**master, **{obj: tuple(found) for obj, found in own.items()}}
        records["CUSTOMER"] = await self.customers(owners)
        templates = set(_values(own, "CONTRACTDETAIL", "BILLINGTEMPLATENAME"))
        records["CONTRACTBILLINGTEMPLATE"] = tuple(
            t for t in master.get("CONTRACTBILLINGTEMPLATE", ()) if t.get("NAME") in templates
        )
        return records

    async def everything(self) -> Records:
        """Every record of the company billing reads, for a billing run (paged, batched)."""
        read = await self.read([Query(obj) for obj in EVERY_OBJECT])
        return {obj: tuple(records) for obj, records in read.items()}

    async def _contract(self, contract_id: str) -> dict[str, list[IntacctRecord]]:
        where = eq("CONTRACTID", contract_id)
        queries = [Query(obj, where) for obj in CONTRACT_OBJECTS]
        own = await self.read([*queries, Query("PROJECT", where)])
        _require(own, "CONTRACT", contract_id)
        # Milestone lines bill on their projects' tasks, and a project under the contract bills
        # its time on the contract's invoice: read those projects whole, in one more round.
        projects = {
            *_values(own, "CONTRACTDETAIL", "PROJECTID"),
            *_values(own, "PROJECT", "PROJECTID"),
        }
        if projects:
            own |= await self._projects(sorted(projects))
        return own

    async def _project(self, project_id: str) -> dict[str, list[IntacctRecord]]:
        own = await self._projects([project_id], with_contracts=True)
        _require(own, "PROJECT", project_id)
        return own

    async def _projects(
        self, project_ids: Sequence[str], *, with_contracts: bool = False
    ) -> dict[str, list[IntacctRecord]]:
        """The projects' records and invoice history, then (one round) its lines and contracts."""
        own = await self.read(
            _in_queries((*PROJECT_OBJECTS, "ARINVOICE"), "PROJECTID", project_ids)
        )
        history = [str(r.get("RECORDNO", "")) for r in own["ARINVOICE"]]
        follow = _in_queries(("ARINVOICEITEM",), "RECORDKEY", history)
        if with_contracts:
            contracts = {
                *_values(own, "PROJECT", "CONTRACTID"),
                *_values(own, "ARINVOICE", "CONTRACTID"),
            }
            follow += _in_queries(("CONTRACT",), "CONTRACTID", sorted(contracts))
        if follow:
            own |= await self.read(follow)
        return own


def _in_queries(objects: Iterable[str], field: str, values: Sequence[str]) -> list[Query]:
    """``field in (...)`` queries over each object, chunked to Intacct's list limit."""
    return [
        Query(obj, and_(in_list(field, values[i : i + IN_LIST_MAX])))
        for obj in objects
        for i in range(0, len(values), IN_LIST_MAX)
    ]


def _values(records: dict[str, list[IntacctRecord]], obj: str, field: str) -> list[str]:
    """The non-empty values of one field over one object's records."""
    return [str(r[field]) for r in records.get(obj, ()) if r.get(field)]


def _require(records: dict[str, list[IntacctRecord]], obj: str, key: str) -> None:
    """Refuse an event whose source record does not exist in Intacct."""
    if not records.get(obj):
        msg = f"{obj} {key} was not found in Intacct"
        raise BillingError(SOURCE_NOT_FOUND, msg)
