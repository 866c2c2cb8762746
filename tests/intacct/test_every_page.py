"""Several readByQuery results paged side by side: one readMore request per round."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from autobill.intacct import ClientOptions, IntacctClient, LoginCredentials, SenderCredentials
from autobill.intacct.paging import every_page
from autobill.intacct.payloads import read_by_query
from fixtures.sandbox_server import MINIMAL, run_sandbox

if TYPE_CHECKING:
    from autobill.intacct.responses import Record

pytestmark = pytest.mark.asyncio
SENDER = SenderCredentials("autobill", "sandbox")
LOGIN = LoginCredentials("admin", "DEMO", "admin")
OBJECTS = ("ITEM", "CUSTOMER", "TAXDETAIL")


def ids(records: list[Record]) -> list[object]:
    """The RECORDNOs of records, in order."""
    return [r.get("RECORDNO") for r in records]


async def test_every_record_of_every_result_in_as_many_rounds_as_the_longest() -> None:
    """Objects of different sizes, two records a page: the same records as one big page each."""
    with run_sandbox(dataset=MINIMAL) as sandbox:
        options = ClientOptions(endpoint=sandbox.xml_url, tier_key="every-page")
        async with IntacctClient(sender=SENDER, login=LOGIN, options=options) as client:
            # given
            whole = await client.execute(
                [read_by_query(controlid=f"w-{o}", obj=o) for o in OBJECTS]
            )
            expected = [ids(r.records()) for r in whole]
            small = [read_by_query(controlid=f"s-{o}", obj=o, pagesize=2) for o in OBJECTS]
            before = client.usage().round_trips
            # when
            firsts = await client.execute(small)
            pages = await every_page(client, firsts)
            rounds = client.usage().round_trips - before
    # then
    assert [ids(p) for p in pages] == expected
    longest = max(len(e) for e in expected)
    assert longest > 2  # the longest really needs more pages
    assert rounds == 1 + (longest + 1) // 2 - 1
