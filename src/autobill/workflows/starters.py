"""Starting workflows the one right way: deterministic ids and duplicate starts rejected."""

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from autobill.workflows.billing_run import BillingRunWorkflow
from autobill.workflows.inputs import (
    BillingRunInput,
    BillingRunProgress,
    InvoiceStatus,
    InvoiceWorkflowInput,
)
from autobill.workflows.invoice import InvoiceWorkflow
from autobill.workflows.worker import TASK_QUEUE


def billing_run_id(given: BillingRunInput) -> str:
    """The id of an on-demand billing run: company, entity and date."""
    return f"billing-run:{given.company_id}:{given.entity_id or '-'}:{given.run_on or 'today'}"


async def start_invoice(
    client: Client, given: InvoiceWorkflowInput, *, task_queue: str = TASK_QUEUE
) -> WorkflowHandle[InvoiceWorkflow, InvoiceStatus]:
    """Start the invoice's workflow under its billing key; raise if that key ever started.

    Raises:
        temporalio.exceptions.WorkflowAlreadyStartedError: for a duplicate start.
    """
    # FAIL + REJECT_DUPLICATE: a second event for the same billing key is refused whether the
    # first workflow is still running or already closed, so an invoice is never drafted twice.
    # Temporal remembers closed ids only for the namespace's retention period; past it, the
    # unique draft per (company, billing key) and the Intacct controlid are what refuse a copy.
    return await client.start_workflow(
        InvoiceWorkflow.run,
        given,
        id=given.billing_key,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )


async def start_billing_run(
    client: Client,
    given: BillingRunInput,
    *,
    task_queue: str = TASK_QUEUE,
    once_a_day: bool = False,
) -> WorkflowHandle[BillingRunWorkflow, BillingRunProgress]:
    """Start a billing run on demand; refused while the same run is still running.

    With ``once_a_day`` a run that already ran (for the same company, entity and date) is
    refused too, as ``autobill run`` wants.

    Raises:
        temporalio.exceptions.WorkflowAlreadyStartedError: for a refused start.
    """
    # A closed run may be repeated (drafts are unique per billing key, so a rerun only picks up
    # what is new), but two copies of the same run must never race each other.
    reuse = (
        WorkflowIDReusePolicy.REJECT_DUPLICATE
        if once_a_day
        else WorkflowIDReusePolicy.ALLOW_DUPLICATE
    )
    return await client.start_workflow(
        BillingRunWorkflow.run,
        given,
        id=billing_run_id(given),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        id_reuse_policy=reuse,
    )
