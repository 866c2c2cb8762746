"""Helpers of the workflow tests: fast settings, unique keys and the running worker's handle."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from temporalio.client import Client, WorkflowHandle
from workflow_fakes import AS_OF, COMPANY, FakeWorld

from autobill.workflows.inputs import (
    InvoiceStatus,
    InvoiceWorkflowInput,
    RetrySettings,
    ReviewPolicy,
)
from autobill.workflows.invoice import InvoiceWorkflow

Handle = WorkflowHandle[InvoiceWorkflow, InvoiceStatus]

# Short timers and retries keep the suite fast on the real server, without time skipping.
FAST_RETRY = RetrySettings(
    initial_interval=timedelta(milliseconds=50),
    maximum_interval=timedelta(milliseconds=200),
    maximum_attempts=4,
    start_to_close=timedelta(seconds=10),
)
POLICY = ReviewPolicy(auto_approve_below=Decimal(1000), escalate_after=timedelta(hours=1))


@dataclass(frozen=True)
class Running:
    """A client, and the task queue a worker over the fake world is polling."""

    client: Client
    task_queue: str
    world: FakeWorld


def unique_key(prefix: str = "contract-line") -> str:
    """A billing key no other test (on the shared server) has used."""
    return f"{prefix}:{uuid4().hex[:12]}:2026-11"


def invoice_input(key: str, policy: ReviewPolicy = POLICY) -> InvoiceWorkflowInput:
    """The start of an invoice workflow for ``key`` with fast settings."""
    return InvoiceWorkflowInput(
        billing_key=key,
        company_id=COMPANY,
        as_of=AS_OF,
        trace_id=f"trace-{key}",
        policy=policy,
        retry=FAST_RETRY,
    )


async def until(handle: Handle, done: Callable[[InvoiceStatus], bool]) -> InvoiceStatus:
    """Query the status until ``done`` holds (at most ten seconds)."""
    for _ in range(200):
        status = await handle.query(InvoiceWorkflow.status)
        if done(status):
            return status
        await asyncio.sleep(0.05)
    pytest.fail(f"status never reached the condition: {status}")
