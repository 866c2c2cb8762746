"""The worker: both workflows and every activity, on one task queue."""

from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from temporalio.client import Client
from temporalio.worker import Worker

from autobill.workflows.activities import InvoiceActivities
from autobill.workflows.billing_run import BillingRunWorkflow
from autobill.workflows.invoice import InvoiceWorkflow
from autobill.workflows.run_activities import BillingRunActivities

TASK_QUEUE = "autobill"
ACTIVITY_THREADS = 16


def activity_functions(
    invoices: InvoiceActivities, runs: BillingRunActivities
) -> list[Callable[..., object]]:
    """Every activity method, bound to its injected dependencies."""
    return [
        invoices.gather_context,
        invoices.compute_invoice,
        invoices.run_checks,
        invoices.persist_draft,
        invoices.create_intacct_draft,
        invoices.apply_review_policy,
        invoices.record_decision,
        invoices.post_invoice,
        invoices.record_audit,
        invoices.park_invoice,
        runs.compute_due_invoices,
        runs.draft_batch,
        runs.post_batch,
        runs.park_batch,
    ]


def activity_executor() -> ThreadPoolExecutor:
    """The thread pool synchronous activities run in, as large as the worker's concurrency."""
    return ThreadPoolExecutor(max_workers=ACTIVITY_THREADS, thread_name_prefix="activity")


def build_worker(
    client: Client,
    *,
    invoices: InvoiceActivities,
    runs: BillingRunActivities,
    executor: ThreadPoolExecutor,
    task_queue: str = TASK_QUEUE,
) -> Worker:
    """Build a worker for both workflows; the executor comes from ``activity_executor()``.

    The client must use ``autobill.workflows.converter.DATA_CONVERTER``.
    """
    # Activities are synchronous (storage and the Intacct client are), so they need a thread
    # pool; the caller shuts it down after the worker, or in-flight attempts would be cut.
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[InvoiceWorkflow, BillingRunWorkflow],
        activities=activity_functions(invoices, runs),
        activity_executor=executor,
        max_concurrent_activities=ACTIVITY_THREADS,
    )


@asynccontextmanager
async def running_worker(
    client: Client,
    *,
    invoices: InvoiceActivities,
    runs: BillingRunActivities,
    task_queue: str = TASK_QUEUE,
) -> AsyncIterator[Worker]:
    """Run a worker and its activity threads for the duration of the block."""
    # The executor closes after the worker: shutdown waits for running activity attempts,
    # which need their threads until they finish.
    with activity_executor() as executor:
        worker = build_worker(
            client, invoices=invoices, runs=runs, executor=executor, task_queue=task_queue
        )
        async with worker:
            yield worker
