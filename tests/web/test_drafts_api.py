"""``/api/drafts``: list, show, approve and reject against a real worker and SQLite."""

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from autobill.config import Settings
from autobill.db.session import session_factory
from autobill.web import create_app
from autobill.workflows.inputs import InvoiceState
from autobill.workflows.invoice import InvoiceWorkflow
from fixtures.review import Reviewing, review_engine, reviewing  # noqa: F401 - fixtures
from fixtures.temporal import temporal_env  # noqa: F401

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def api(reviewing: Reviewing) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811 - fixture
    """An HTTP client of the web app on the reviewing worker's database and Temporal."""
    url = reviewing.engine.url.render_as_string(hide_password=False)
    app = create_app(
        Settings(database_url=url),
        factory=session_factory(reviewing.engine),
        temporal=reviewing.client,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://autobill") as client:
        yield client


async def test_list_and_show_a_waiting_draft(
    reviewing: Reviewing,  # noqa: F811 - the imported fixture, requested by name
    api: httpx.AsyncClient,
) -> None:
    """The waiting list holds the draft; its page has its lines, sources and findings."""
    # given
    handle, draft_id = await reviewing.waiting_draft()
    _, posted_id = await reviewing.posted_draft()
    # when
    waiting = (await api.get("/api/drafts", params={"waiting": "true"})).json()
    every = (await api.get("/api/drafts")).json()
    shown = await api.get(f"/api/drafts/{draft_id}")
    # then
    assert [d["id"] for d in waiting] == [draft_id]
    assert waiting[0]["total"] == {"amount": "1500.00", "currency": "USD"}
    assert {d["id"]: d["waiting"] for d in every} == {posted_id: False, draft_id: True}
    body = shown.json()
    assert shown.status_code == 200
    assert body["summary"]["intacct_key"] == f"SO-{handle.id}"
    (line,) = body["lines"]
    assert line["description"] == "Forecasting models, milestone 2"
    assert line["sources"] == [{"object": "TASK", "recordno": "T-42"}]
    assert [f["message"] for f in body["findings"]] == ["price went up 40%"]


async def test_approve_signals_the_workflow_which_posts(
    reviewing: Reviewing,  # noqa: F811
    api: httpx.AsyncClient,
) -> None:
    """POST approve posts the invoice, and answers with the decision recorded."""
    # given
    handle, draft_id = await reviewing.waiting_draft()
    # when
    answer = await api.post(
        f"/api/drafts/{draft_id}/approve", json={"by": "ana", "reason": "looks right"}
    )
    # then
    assert answer.status_code == 200, answer.text
    (decision,) = answer.json()["decisions"]
    assert (decision["decision"], decision["decided_by"], decision["reason"]) == (
        "approved",
        "ana",
        "looks right",
    )
    assert decision["decided_at"]
    assert (await handle.result()).state is InvoiceState.POSTED
    assert (await handle.query(InvoiceWorkflow.status)).state is InvoiceState.POSTED
    assert len(reviewing.decisions(draft_id)) == 1


async def test_reject_records_the_decision(
    reviewing: Reviewing,  # noqa: F811
    api: httpx.AsyncClient,
) -> None:
    """POST reject ends the workflow rejected."""
    # given
    handle, draft_id = await reviewing.waiting_draft()
    # when
    answer = await api.post(f"/api/drafts/{draft_id}/reject", json={"by": "bo"})
    # then
    assert answer.status_code == 200, answer.text
    assert (await handle.result()).state is InvoiceState.REJECTED
    assert [d.decision for d in reviewing.decisions(draft_id)] == ["rejected"]


async def test_deciding_a_draft_that_is_not_waiting_is_a_conflict(
    reviewing: Reviewing,  # noqa: F811
    api: httpx.AsyncClient,
) -> None:
    """Approving a posted draft answers 409; an unknown draft 404; no decider 422."""
    # given
    _, draft_id = await reviewing.posted_draft()
    # when
    posted = await api.post(f"/api/drafts/{draft_id}/approve", json={"by": "ana"})
    missing = await api.get("/api/drafts/999999")
    nobody = await api.post(f"/api/drafts/{draft_id}/approve", json={"by": ""})
    # then
    assert posted.status_code == 409
    assert posted.json() == {
        "error": "draft_not_waiting",
        "detail": f"draft {draft_id} does not await a decision: it is posted",
    }
    assert missing.status_code == 404
    assert nobody.status_code == 422
    assert reviewing.decisions(draft_id) == []


async def test_deciding_a_draft_whose_workflow_ended_is_a_conflict(
    reviewing: Reviewing,  # noqa: F811
    api: httpx.AsyncClient,
) -> None:
    """A draft left undecided by a terminated workflow answers 409, and is not listed waiting."""
    # given
    handle, draft_id = await reviewing.waiting_draft()
    await handle.terminate("stopped by an operator")
    # when
    answer = await api.post(f"/api/drafts/{draft_id}/approve", json={"by": "ana"})
    waiting = (await api.get("/api/drafts", params={"waiting": "true"})).json()
    # then
    assert answer.status_code == 409
    assert answer.json()["detail"] == (
        f"draft {draft_id} does not await a decision: its workflow has ended"
    )
    assert waiting == []
