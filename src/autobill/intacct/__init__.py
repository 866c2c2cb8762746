"""autobill's only door into Sage Intacct: the XML gateway client and a REST subset.

The client spends Intacct's allowance (about 2 concurrent requests and 100,000 API
transactions a month on the base tier) as thinly as the work allows: many functions per
request, bulk ``in (...)`` reads with the largest pages, a master-data cache, and writes that
can be retried without ever posting twice (``uniqueid`` plus deterministic controlids).

Errors form one small tree; catch the branch that decides what to do next::

    IntacctError                    root of everything this package raises
    ├── IntacctTransportError       no usable answer: network, 5xx, non-XML body (retryable,
    │                               except HTTP 524 and hostile XML, ``retryable`` says)
    ├── IntacctRateLimited          HTTP 429 or GW-0010 (retryable; ``retry_after`` seconds)
    ├── IntacctAuthError            sender, login or session refused (``session_expired``)
    └── IntacctRequestError         Intacct refused the request or a function: ``errno``,
        │                           ``description``, ``description2``, ``correction``,
        │                           ``errors`` (all records), ``function``, ``controlid``
        └── IntacctReplayedControlId  a write's controlid was already executed

Transport errors and rate limits are retried inside the client (exponential backoff with
jitter, bounded in attempts and time); an expired session is renewed once transparently.
Function-level failures are returned as values (:class:`Result`, :class:`WriteOutcome`) so a
batch of fifty reports each function; ``raise_for_status()`` turns one into its exception.
"""

from autobill.intacct._transport import RetryPolicy
from autobill.intacct.client import (
    PRODUCTION_ENDPOINT,
    SANDBOX_ENDPOINT,
    ClientOptions,
    IntacctClient,
)
from autobill.intacct.errors import (
    ErrorDetail,
    IntacctAuthError,
    IntacctError,
    IntacctRateLimited,
    IntacctReplayedControlId,
    IntacctRequestError,
    IntacctTransportError,
)
from autobill.intacct.idempotency import ReadBack, ReplayPolicy, controlid
from autobill.intacct.limits import Limiter, limiter_for
from autobill.intacct.meter import Meter, Usage
from autobill.intacct.responses import Record, Response, Result
from autobill.intacct.session import LoginCredentials, SenderCredentials, SessionCredentials
from autobill.intacct.writes import Write, WriteOutcome

__all__ = [
    "PRODUCTION_ENDPOINT",
    "SANDBOX_ENDPOINT",
    "ClientOptions",
    "ErrorDetail",
    "IntacctAuthError",
    "IntacctClient",
    "IntacctError",
    "IntacctRateLimited",
    "IntacctReplayedControlId",
    "IntacctRequestError",
    "IntacctTransportError",
    "Limiter",
    "LoginCredentials",
    "Meter",
    "ReadBack",
    "Record",
    "ReplayPolicy",
    "Response",
    "Result",
    "RetryPolicy",
    "SenderCredentials",
    "SessionCredentials",
    "Usage",
    "Write",
    "WriteOutcome",
    "controlid",
    "limiter_for",
]
