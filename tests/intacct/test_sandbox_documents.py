"""Previewed invoices drafted and posted into the sandbox over real HTTP, without duplicates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from autobill.core.billing import preview
from autobill.dataset import load_dataset
from autobill.intacct import ClientOptions, IntacctClient, LoginCredentials, SenderCredentials
from autobill.intacct.mapping import CompanySettings, draft, post
from autobill.sandbox import SandboxConfig
from autobill.sandbox.config import FaultRates
from fixtures.sandbox_server import (  # noqa: F401 - pytest fixtures
    MINIMAL,
    sandbox_config,
    sandbox_dataset,
    sandbox_server,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from autobill.core.billing import Invoice
    from autobill.intacct import Record
    from fixtures.sandbox_server import RunningSandbox

pytestmark = pytest.mark.asyncio

SENDER = SenderCredentials("autobill", "sandbox")
LOGIN = LoginCredentials("admin", "DEMO", "admin")
OE = CompanySettings(company="DEMO")
AR = replace(OE, document="invoice")
FIELDS = frozenset({OE.trace_field, OE.trigger_field, OE.key_field})
SEED_LOST_SECOND = 37  # fault draws at a 0.5 rate: none, fault, none, none, none


@pytest.fixture
def sandbox_config(request: pytest.FixtureRequest) -> SandboxConfig:  # noqa: F811
    """A sandbox that knows autobill's custom fields; faults per the ``sandbox`` marker."""
    marker = request.node.get_closest_marker("sandbox")
    return SandboxConfig(custom_fields=FIELDS, **(marker.kwargs if marker else {}))


@pytest.fixture(scope="module")
def invoices() -> tuple[Invoice, ...]:
    """The minimal example's invoices up to the end of March 2026."""
    return preview(load_dataset(MINIMAL), as_of=date(2026, 3, 31)).invoices


@pytest_asyncio.fixture
async def client(
    sandbox_server: RunningSandbox,  # noqa: F811
    request: pytest.FixtureRequest,
) -> AsyncIterator[IntacctClient]:
    """A client of the running sandbox."""
    options = ClientOptions(endpoint=sandbox_server.xml_url, tier_key=request.node.nodeid)
    async with IntacctClient(sender=SENDER, login=LOGIN, options=options) as intacct:
        yield intacct


async def documents(client: IntacctClient, keys: list[str]) -> list[Record]:
    """Read Sales Invoices back by DOCID."""
    return await client.read_many(
        obj="SODOCUMENT", field="DOCID", values=keys, docparid=OE.transaction_type
    )


async def test_drafts_sales_invoices(client: IntacctClient, invoices: tuple[Invoice, ...]) -> None:
    """Each previewed invoice becomes a Draft Sales Invoice carrying the trace custom fields."""
    # given
    writes = [draft(inv, settings=OE, trace_id="trace-1", trigger="test") for inv in invoices]
    # when
    outcomes = await client.write(writes)
    # then
    assert all(o.ok and not o.replayed for o in outcomes)
    found = await documents(client, [o.key or "" for o in outcomes])
    assert len(found) == len(invoices) >= 2
    assert {r["STATE"] for r in found} == {"Draft"}
    assert {r[OE.trace_field] for r in found} == {"trace-1"}
    assert client.usage().writes == len(invoices)


async def test_posting_is_idempotent(client: IntacctClient, invoices: tuple[Invoice, ...]) -> None:
    """Posting moves drafts to Pending; posting again is recognised as done."""
    # given
    outcomes = await client.write(
        draft(i, settings=OE, trace_id="t", trigger="t") for i in invoices
    )
    posts = [
        post(key=inv.key, record_key=o.key or "", settings=OE)
        for inv, o in zip(invoices, outcomes, strict=True)
    ]
    # when
    first = await client.write(posts)
    again = await client.write(posts)
    # then
    assert all(o.ok for o in first + again)
    assert all(o.replayed for o in again)
    found = await documents(client, [o.key or "" for o in outcomes])
    assert {r["STATE"] for r in found} == {"Pending"}


async def test_ar_invoices_draft_then_submit(
    client: IntacctClient, invoices: tuple[Invoice, ...]
) -> None:
    """A company on AR drafts create_invoice (action Draft) and submits it separately."""
    # given
    inv = invoices[0]
    (drafted,) = await client.write([draft(inv, settings=AR, trace_id="t", trigger="t")])
    # when
    (posted,) = await client.write([post(key=inv.key, record_key=drafted.key or "", settings=AR)])
    # then
    assert drafted.ok
    assert posted.ok


@pytest.mark.sandbox(faults=FaultRates(lost=0.5, seed=SEED_LOST_SECOND))
async def test_lost_draft_response_creates_no_duplicate(
    client: IntacctClient, invoices: tuple[Invoice, ...]
) -> None:
    """The sandbox commits a batch of drafts and loses the answer; the retry reads them back."""
    # given
    writes = [draft(inv, settings=OE, trace_id="t", trigger="t") for inv in invoices]
    await client.sessions.get()
    # when
    outcomes = await client.write(writes)
    # then
    assert all(o.ok and o.replayed for o in outcomes)
    mine = await client.read_many(
        obj="SODOCUMENT",
        field=OE.key_field,
        values=[w.read_back.value for w in writes if w.read_back],
        docparid=OE.transaction_type,
    )
    assert len(mine) == len(invoices)
    assert sorted(r["DOCID"] for r in mine) == sorted(o.key or "" for o in outcomes)
