"""A local Sage Intacct emulator: the XML gateway over HTTP, backed by SQLite and a dataset.

``create_app(config)`` builds the ASGI app; ``SandboxConfig`` holds the tenant's credentials and
the emulated constraints (sessions, concurrency, latency, faults); ``Store`` is its state.
"""

from autobill.sandbox.app import create_app
from autobill.sandbox.config import FaultRates, SandboxConfig
from autobill.sandbox.store import Store

__all__ = ["FaultRates", "SandboxConfig", "Store", "create_app"]
