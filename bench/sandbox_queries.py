"""Benchmark: the sandbox's readByQuery through its indexes against scanning every record.

Seeds the demo company in memory and times, in the same run, the billing reader's query shapes
(``PROJECTID = 'P-3015'``, ``PROJECTID in (...)``, ``CONTRACTID = ... AND LINENO = ...``) two
ways: the records selected (the store's candidates filtered by the compiled predicate), and the
whole readByQuery request through the gateway app in-process. The scan is the path before the
indexes: the lookup of indexed conditions is switched off. Times are medians of repeated calls.

Prints a human summary, then the figures as one JSON object on the last line.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from importlib import import_module
from typing import TYPE_CHECKING, Any

import httpx

from autobill.dataset import load_dataset
from autobill.demo import dataset_path
from autobill.sandbox import SandboxConfig, Store, create_app
from autobill.sandbox.query import compile_query
from autobill.sandbox.seed import seed

if TYPE_CHECKING:
    from collections.abc import Callable

# The package exports a function named ``read``: the module itself holds the switch.
READ = import_module("autobill.sandbox.functions.read")
REPEAT = 30
QUERIES = {
    "eq": ("TIMESHEETENTRY", "PROJECTID = 'P-3015'"),
    "in": ("TIMESHEETENTRY", "PROJECTID in ('P-3015','P-3001','P-3007','P-3017')"),
    "and": ("CONTRACTDETAIL", "CONTRACTID = 'CN-2019' AND LINENO = '1'"),
}
ENVELOPE = (
    "<request><control><senderid>autobill</senderid><password>sandbox</password>"
    "<controlid>bench</controlid><uniqueid>false</uniqueid><dtdversion>3.0</dtdversion></control>"
    "<operation><authentication><login><userid>admin</userid><companyid>DEMO</companyid>"
    "<password>admin</password></login></authentication><content><function controlid='q'>"
    "<readByQuery><object>{obj}</object><query>{text}</query><fields>*</fields>"
    "<pagesize>1000</pagesize></readByQuery></function></content></operation></request>"
)


def median_ms(call: Callable[[], object]) -> float:
    """Return the median wall time of ``call`` in milliseconds."""
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 3)


def both(measure: Callable[[], object]) -> dict[str, float]:
    """Time ``measure`` through the index, then with the index lookup switched off."""
    indexed = median_ms(measure)
    original = READ.exact_conditions
    READ.exact_conditions = lambda _text: []
    try:
        scanned = median_ms(measure)
    finally:
        READ.exact_conditions = original
    return {"scan_ms": scanned, "index_ms": indexed, "ratio": round(indexed / scanned, 4)}


def selection(store: Store, obj: str, text: str) -> Callable[[], object]:
    """Return a call selecting the query's records as readByQuery does."""
    predicate = compile_query(text, READ.object_named(obj).field_set)
    return lambda: [r for r in READ.candidates(store, obj, text) if predicate(r.data)]


def gateway(store: Store, obj: str, text: str) -> Callable[[], object]:
    """Return a call posting the readByQuery to the gateway app in-process."""
    loop = asyncio.new_event_loop()
    transport = httpx.ASGITransport(app=create_app(SandboxConfig(), store))
    client = httpx.AsyncClient(transport=transport, base_url="http://sandbox.bench")
    body = ENVELOPE.format(obj=obj, text=text).encode()

    def post() -> None:
        response = loop.run_until_complete(client.post("/ia/xml/xmlgw.phtml", content=body))
        if b"<status>success</status>" not in response.content:
            raise RuntimeError(response.text[:500])

    return post


def main() -> None:
    """Run the benchmark and print the summary and the JSON figures."""
    store = Store()
    seed(store, load_dataset(dataset_path()))
    figures: dict[str, Any] = {"records": store.counts(), "repeat": REPEAT}
    for name, (obj, text) in QUERIES.items():
        found = len(selection(store, obj, text)())
        figures[name] = {
            "object": obj,
            "query": text,
            "found": found,
            "selection": both(selection(store, obj, text)),
            "gateway": both(gateway(store, obj, text)),
        }
        print(f"{obj} {text}: {found} of {store.counts()[obj]} records")
        for part in ("selection", "gateway"):
            print(f"  {part:9} {figures[name][part]}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
