"""Activities alone, in ActivityEnvironment: business failures become final, the rest retry."""

from decimal import Decimal

import pytest
import structlog
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment
from workflow_fakes import COMPANY, FakeWorld, make_invoice
from workflow_helpers import POLICY

from autobill.workflows.activities import business_failures_are_final, traced
from autobill.workflows.inputs import ApplyReviewPolicyInput, CreateIntacctDraftInput, Finding
from autobill.workflows.ports import BusinessFailure


class FinalError(Exception):
    """An error that says it is final, as the Intacct client's request errors do."""

    retryable = False


@pytest.mark.parametrize(
    ("_case", "error", "final_type"),
    [
        ("business failure", BusinessFailure("CustomerOnHold", "on hold"), "CustomerOnHold"),
        ("final client error", FinalError("BL01001973 bad customer"), "FinalError"),
    ],
)
def test_final_errors_become_non_retryable_application_errors(
    _case: str, error: Exception, final_type: str
) -> None:
    """A failure retrying cannot fix becomes a non-retryable ApplicationError of its type."""
    # when
    with pytest.raises(ApplicationError) as raised, business_failures_are_final():
        raise error
    # then
    assert raised.value.non_retryable
    assert raised.value.type == final_type


def test_transport_errors_pass_through_to_be_retried() -> None:
    """A connection error is left to Temporal's retry policy."""
    # when / then
    with pytest.raises(ConnectionError), business_failures_are_final():
        raise ConnectionError


def test_create_intacct_draft_uses_a_controlid_from_the_billing_key() -> None:
    """Creating the same draft twice replays its controlid and yields the same Intacct key."""
    # given
    world = FakeWorld()
    invoices, _ = world.activities()
    given = CreateIntacctDraftInput(draft_id="D-1", invoice=make_invoice("line-7:2026-11"))
    env = ActivityEnvironment()
    # when
    first = env.run(invoices.create_intacct_draft, given)
    again = env.run(invoices.create_intacct_draft, given)
    # then
    assert first == again
    assert list(world.intacct_drafts) == [f"autobill:{COMPANY}:line-7:2026-11:draft"]


@pytest.mark.parametrize(
    ("_case", "total", "findings", "needs_review"),
    [
        ("small and clean", Decimal("999.99"), (), False),
        ("at the threshold", Decimal(1000), (), True),
        ("small with a finding", Decimal(1), (Finding(kind="k", source="s", message="m"),), True),
    ],
)
def test_review_policy(
    *, _case: str, total: Decimal, findings: tuple[Finding, ...], needs_review: bool
) -> None:
    """Only invoices below the threshold with no findings skip review."""
    # given
    world = FakeWorld()
    invoices, _ = world.activities()
    given = ApplyReviewPolicyInput(
        invoice=make_invoice("k", total), findings=findings, policy=POLICY
    )
    # when
    result = ActivityEnvironment().run(invoices.apply_review_policy, given)
    # then
    assert result.needs_review is needs_review


def test_an_activity_logs_with_its_workflow_id_as_trace_id() -> None:
    """Inside the activity wrapper the workflow id is the bound trace_id; after it, nothing is."""
    # given
    seen: list[object] = []

    def step() -> None:
        with business_failures_are_final():
            seen.append(structlog.contextvars.get_contextvars().get("trace_id"))
        with traced():
            seen.append(structlog.contextvars.get_contextvars().get("trace_id"))
        seen.append(structlog.contextvars.get_contextvars().get("trace_id"))

    env = ActivityEnvironment()
    # when
    env.run(step)
    # then
    assert seen == [env.info.workflow_id, env.info.workflow_id, None]
    assert "trace_id" not in structlog.contextvars.get_contextvars()
