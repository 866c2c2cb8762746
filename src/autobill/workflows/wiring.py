"""The real worker: activities over our database, the Intacct client and the core, from Settings.

``real_activities`` builds every port from the settings (database URL, Intacct endpoint and
credentials; without credentials the local sandbox's defaults stand in) and closes them
afterwards; ``real_worker`` runs both workflows on them with :func:`running_worker`.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from temporalio.client import Client

from autobill.billing.loop import LoopThread
from autobill.billing.reader import IntacctReader
from autobill.db.session import create_engine, session_factory
from autobill.intacct import (
    SANDBOX_ENDPOINT,
    ClientOptions,
    IntacctClient,
    LoginCredentials,
    SenderCredentials,
)
from autobill.intacct.mapping import CompanySettings
from autobill.workflows.activities import InvoiceActivities
from autobill.workflows.adapters.audit import DatabaseAuditLog
from autobill.workflows.adapters.billing import (
    CoreCalculator,
    IntacctContextSource,
    IntacctDueInvoices,
)
from autobill.workflows.adapters.drafts import DatabaseDraftStore
from autobill.workflows.adapters.intacct import IntacctDraftWriter
from autobill.workflows.converter import DATA_CONVERTER
from autobill.workflows.run_activities import BillingRunActivities
from autobill.workflows.snapshots import CoreExceptionChecks
from autobill.workflows.worker import running_worker

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from pydantic import SecretStr
    from temporalio.worker import Worker

    from autobill.config import IntacctSettings, Settings

# The local sandbox's tenant (``autobill.sandbox.SandboxConfig`` defaults), used when no real
# Intacct credentials are configured.
SANDBOX_SENDER: Final = SenderCredentials("autobill", "sandbox")
SANDBOX_LOGIN: Final = LoginCredentials("admin", "DEMO", "admin")
PRODUCTION_DEFAULT: Final = "https://api.intacct.com/ia/xml/xmlgw.phtml"


def intacct_credentials(
    settings: IntacctSettings,
) -> tuple[SenderCredentials, LoginCredentials, str]:
    """The sender, the login and the endpoint: configured ones, else the sandbox's."""
    if not settings.configured:
        endpoint = (
            SANDBOX_ENDPOINT if settings.endpoint == PRODUCTION_DEFAULT else settings.endpoint
        )
        return SANDBOX_SENDER, replace(SANDBOX_LOGIN, entity=settings.entity_id), endpoint
    sender = SenderCredentials(_set(settings.sender_id), _secret(settings.sender_password))
    login = LoginCredentials(
        _set(settings.user_id),
        _set(settings.company_id),
        _secret(settings.user_password),
        entity=settings.entity_id,
    )
    return sender, login, settings.endpoint


def _set(value: str | None) -> str:
    """A credential ``IntacctSettings.configured`` has already checked is set."""
    if value is None:  # pragma: no cover - configured checks every credential
        msg = "an Intacct credential is missing"
        raise ValueError(msg)
    return value


def _secret(value: SecretStr | None) -> str:
    """A secret ``IntacctSettings.configured`` has already checked is set, revealed."""
    return _set(None if value is None else value.get_secret_value())


@contextmanager
def real_activities(
    settings: Settings, *, options: ClientOptions | None = None
) -> Iterator[tuple[InvoiceActivities, BillingRunActivities]]:
    """Build both activity classes on the real ports; close the client and engine afterwards.

    ``options`` tunes the Intacct client (its endpoint is taken from the settings).
    """
    sender, login, endpoint = intacct_credentials(settings.intacct)
    entity = settings.intacct.entity_id
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    loop = LoopThread()
    chosen = replace(options or ClientOptions(), endpoint=endpoint)
    client = loop.run(_client(sender, login, chosen))
    try:
        reader = IntacctReader(client, entity=entity)
        drafts = DatabaseDraftStore(sessions)
        audit = DatabaseAuditLog(sessions)
        writer = IntacctDraftWriter(
            loop, client, CompanySettings(company=login.companyid), entity=entity
        )
        invoices = InvoiceActivities(
            context=IntacctContextSource(loop, reader),
            calculator=CoreCalculator(),
            checks=CoreExceptionChecks(),
            drafts=drafts,
            intacct=writer,
            audit=audit,
        )
        runs = BillingRunActivities(
            due=IntacctDueInvoices(loop, reader), drafts=drafts, intacct=writer, audit=audit
        )
        yield invoices, runs
    finally:
        loop.close(client.aclose)
        engine.dispose()


def intacct_client(settings: Settings, *, options: ClientOptions | None = None) -> IntacctClient:
    """A client of the configured Intacct (the local sandbox without credentials)."""
    sender, login, endpoint = intacct_credentials(settings.intacct)
    chosen = replace(options or ClientOptions(), endpoint=endpoint)
    return IntacctClient(sender=sender, login=login, options=chosen)


async def _client(
    sender: SenderCredentials, login: LoginCredentials, options: ClientOptions
) -> IntacctClient:
    """Create the client on the loop it will run on (its HTTP pool belongs to that loop)."""
    return IntacctClient(sender=sender, login=login, options=options)


async def connect(settings: Settings) -> Client:
    """Connect to the Temporal frontend of the settings with the Decimal-safe converter."""
    temporal = settings.temporal
    return await Client.connect(
        temporal.address, namespace=temporal.namespace, data_converter=DATA_CONVERTER
    )


@asynccontextmanager
async def real_worker(
    settings: Settings,
    *,
    client: Client | None = None,
    task_queue: str | None = None,
    options: ClientOptions | None = None,
) -> AsyncIterator[Worker]:
    """Run the real worker for the duration of the block (connecting unless given a client)."""
    temporal = client or await connect(settings)
    queue = task_queue or settings.temporal.task_queue
    with real_activities(settings, options=options) as (invoices, runs):
        async with running_worker(temporal, invoices=invoices, runs=runs, task_queue=queue) as w:
            yield w


async def serve(settings: Settings) -> None:
    """Run the real worker until cancelled (Ctrl-C)."""
    async with real_worker(settings):
        await asyncio.Event().wait()
