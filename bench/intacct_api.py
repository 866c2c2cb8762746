"""Benchmark: draft 10,000 invoices into the sandbox with autobill.intacct, against the API bound.

The sandbox runs on loopback with 100 ms latency per request and Intacct's base-tier limit of
2 concurrent requests. A synthetic company's invoices are drafted with the client (batched,
idempotent, master data read once through the cache). The API-bound minimum is
``requests x latency / concurrency``. In the same run, the naive baseline is the PyPI
``sageintacctsdk`` creating invoices one request at a time, sequentially, on 300 invoices.

Prints a human summary, then the figures as one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import socket
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import structlog
import uvicorn
from sageintacctsdk.apis import OrderEntryTransactions  # type: ignore[import-untyped]

from autobill.core.billing import Charge, Dimensions, Invoice, InvoiceKey, InvoiceLine
from autobill.core.calendar import DateSpan, month_end
from autobill.intacct import (
    ClientOptions,
    IntacctClient,
    LoginCredentials,
    SenderCredentials,
    Write,
)
from autobill.intacct.cache import MasterDataCache
from autobill.intacct.idempotency import ReplayPolicy
from autobill.intacct.mapping import CompanySettings, draft
from autobill.intacct.payloads import create
from autobill.sandbox import SandboxConfig, Store, create_app

if TYPE_CHECKING:
    from collections.abc import Iterator

SENDER = SenderCredentials("autobill", "sandbox")
LOGIN = LoginCredentials("admin", "DEMO", "admin")
SETTINGS = CompanySettings(company="DEMO", default_gl_account="4000")
CUSTOM_FIELDS = frozenset({SETTINGS.trace_field, SETTINGS.trigger_field, SETTINGS.key_field})
ITEMS = ("SUB-PLATFORM", "SUB-SEATS", "SVC-HOURS")


@contextmanager
def sandbox(config: SandboxConfig) -> Iterator[str]:
    """Serve an empty sandbox in its own process on a free loopback port; yield its endpoint.

    A separate process keeps the emulator's CPU work off the client's interpreter, as a real
    gateway would be.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = multiprocessing.get_context("fork").Process(
        target=_serve, args=(config, port), daemon=True
    )
    process.start()
    _wait_for(port)
    try:
        yield f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml"
    finally:
        process.terminate()
        process.join(timeout=5)


def _serve(config: SandboxConfig, port: int) -> None:
    app = create_app(config, Store())
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off")


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    msg = f"the sandbox did not start on port {port}"
    raise SystemExit(msg)


def customer_id(number: int) -> str:
    """The synthetic company's customer ids."""
    return f"CUST-{number:05d}"


def synthetic_invoices(count: int, customers: int) -> list[Invoice]:
    """Monthly subscription invoices: each customer billed month after month, 1-3 lines each."""
    invoices = []
    for n in range(count):
        month = n // customers
        day = month_end(date(2026 + month // 12, month % 12 + 1, 1))
        key = InvoiceKey(day, customer_id(n % customers), None, None, "USD")
        period = DateSpan(day.replace(day=1), day)
        lines = tuple(_line(key, i, period) for i in range(1 + n % 3))
        subtotal = sum((line.charge.amount for line in lines), Decimal(0))
        invoices.append(Invoice(key, day, 2, None, 2, lines, subtotal, Decimal(0), None, ()))
    return invoices


def _line(key: InvoiceKey, index: int, period: DateSpan) -> InvoiceLine:
    quantity, price = Decimal(index + 1), Decimal("49.90") + index
    charge = Charge(
        key=key,
        order=(index,),
        kind="recurring",
        source=f"{key.customer_id}/{index}",
        item_id=ITEMS[index],
        description=f"{ITEMS[index]} {period.first:%B %Y}",
        quantity=quantity,
        unit_price=price,
        amount=quantity * price,
        period=period,
        gl_account="4000",
        dimensions=Dimensions(),
    )
    return InvoiceLine(charge, (), None)


async def seed(client: IntacctClient, customers: int) -> None:
    """Create the synthetic company's customers and items (50 records per create call)."""
    records = [{"CUSTOMERID": customer_id(n), "NAME": f"Customer {n}"} for n in range(customers)]
    chunks = [records[i : i + 50] for i in range(0, len(records), 50)]
    writes = [
        Write(create(controlid=f"seed-customers-{i}", obj="CUSTOMER", records=c))
        for i, c in enumerate(chunks)
    ]
    items = [{"ITEMID": i, "NAME": i, "ITEMTYPE": "Non-Inventory"} for i in ITEMS]
    writes.append(Write(create(controlid="seed-items", obj="ITEM", records=items)))
    account = {
        "ACCOUNTNO": "4000",
        "TITLE": "Subscription revenue",
        "ACCOUNTTYPE": "incomestatement",
    }
    writes.append(Write(create(controlid="seed-account", obj="GLACCOUNT", records=[account])))
    for outcome in await client.write(writes):
        outcome.raise_for_status()


async def draft_all(
    client: IntacctClient, invoices: list[Invoice], settings: CompanySettings
) -> dict[str, Any]:
    """Read master data once, then draft every invoice; return the client's figures."""
    started, cpu = time.perf_counter(), time.process_time()
    before = client.usage()
    cache = MasterDataCache(client)
    # Both objects at once, one per concurrency slot.
    await asyncio.gather(
        cache.get_many(
            obj="CUSTOMER", key_field="CUSTOMERID", keys=[i.key.customer_id for i in invoices]
        ),
        cache.get_many(obj="ITEM", key_field="ITEMID", keys=list(ITEMS)),
    )
    # A generator: invoices are mapped and serialised while earlier batches are in flight.
    writes = (draft(inv, settings=settings, trace_id="bench", trigger="bench") for inv in invoices)
    outcomes = await client.write(writes)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    failed = [o for o in outcomes if not o.ok]
    if failed:
        msg = f"{len(failed)} drafts failed, first: {failed[0].result.error()}"
        raise SystemExit(msg)
    after = client.usage()
    return {
        "wall_s": wall,
        "client_cpu_s": cpu,
        "requests": after.round_trips - before.round_trips,
        "transactions": after.transactions - before.transactions,
    }


def naive(endpoint: str, invoices: list[Invoice]) -> float:
    """Create invoices one request at a time with the PyPI SDK; return seconds per invoice."""
    sdk = OrderEntryTransactions()
    # The SDK hard-codes Intacct's URL and offers no setter.
    sdk._ApiBase__api_url = endpoint  # noqa: SLF001
    sdk.set_sender_id(SENDER.senderid)
    sdk.set_sender_password(SENDER.password)
    sdk.set_show_private(False)
    started = time.perf_counter()
    sdk.get_session_id(LOGIN.userid, LOGIN.companyid, LOGIN.password)
    for invoice in invoices:
        sdk.post(_sdk_payload(invoice))
    return (time.perf_counter() - started) / len(invoices)


def _sdk_payload(invoice: Invoice) -> dict[str, Any]:
    day = invoice.key.invoice_date
    items = [
        {
            "itemid": line.charge.item_id,
            "quantity": str(line.charge.quantity),
            "price": str(line.charge.unit_price),
        }
        for line in invoice.lines
    ]
    return {
        "transactiontype": SETTINGS.transaction_type,
        "datecreated": {"year": day.year, "month": f"{day.month:02d}", "day": f"{day.day:02d}"},
        "customerid": invoice.key.customer_id,
        "state": "Draft",
        "sotransitems": {"sotransitem": items},
    }


async def ours(
    endpoint: str, invoices: list[Invoice], customers: int, settings: CompanySettings
) -> dict[str, Any]:
    """Seed the company, then time the drafting of every invoice."""
    options = ClientOptions(
        endpoint=endpoint, tier_key="bench", replay=ReplayPolicy(errnos=frozenset({"XL03000013"}))
    )
    async with IntacctClient(sender=SENDER, login=LOGIN, options=options) as client:
        await seed(client, customers)
        return await draft_all(client, invoices, settings)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=1_000)
    parser.add_argument("--naive", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument(
        "--document",
        choices=("sotransaction", "invoice"),
        # Order Entry Sales Invoices by default, as issue 4 maps invoices.
        default="sotransaction",
        help="the company's mapping: Order Entry Sales Invoices (default) or AR invoices",
    )
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    config = SandboxConfig(
        latency_seconds=args.latency, max_concurrent=2, custom_fields=CUSTOM_FIELDS
    )
    invoices = synthetic_invoices(args.invoices, args.customers)
    settings = replace(SETTINGS, document=args.document)
    with sandbox(config) as endpoint:
        figures = asyncio.run(ours(endpoint, invoices, args.customers, settings))
    # A fresh sandbox for the baseline, so its invoices do not collide with ours.
    with sandbox(config) as endpoint:
        asyncio.run(seed_only(endpoint, args.customers))
        naive_s = naive(endpoint, synthetic_invoices(args.naive, args.customers))
    report(args, figures, naive_s)


async def seed_only(endpoint: str, customers: int) -> None:
    """Seed a sandbox's customers and items."""
    options = ClientOptions(endpoint=endpoint, tier_key="bench-naive")
    async with IntacctClient(sender=SENDER, login=LOGIN, options=options) as client:
        await seed(client, customers)


def report(args: argparse.Namespace, figures: dict[str, Any], naive_s: float) -> None:
    """Print the summary and the JSON figures (last line)."""
    count = args.invoices
    api_bound = figures["requests"] * args.latency / 2
    result = {
        "bench": "intacct_api",
        "invoices": count,
        "wall_s": round(figures["wall_s"], 3),
        "api_bound_s": round(api_bound, 3),
        "requests": figures["requests"],
        "transactions_per_invoice": round(figures["transactions"] / count, 4),
        "s_per_invoice": round(figures["wall_s"] / count, 6),
        "naive_s_per_invoice": round(naive_s, 6),
    }
    print(f"drafted {count} invoices in {result['wall_s']} s over {result['requests']} requests")
    ratio = figures["wall_s"] / api_bound if api_bound else float("inf")
    print(f"API-bound minimum {result['api_bound_s']} s; wall / bound = {ratio:.3f}")
    print(f"client CPU {figures['client_cpu_s']:.2f} s (mapping, XML, parsing; overlaps waiting)")
    print(f"transactions per invoice {result['transactions_per_invoice']}")
    print(
        f"naive SDK {naive_s:.4f} s per invoice; speed-up x{naive_s / result['s_per_invoice']:.1f}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
