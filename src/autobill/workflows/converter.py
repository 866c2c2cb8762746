"""The data converter every client and worker uses, so Decimal and date round-trip exactly."""

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter

# The default JSON converter turns Decimal into float (or fails); money must stay exact, so
# every payload goes through Pydantic, which writes Decimal as a string and parses it back.
DATA_CONVERTER: DataConverter = pydantic_data_converter


async def connect(address: str, *, namespace: str = "default") -> Client:
    """Connect to Temporal at ``address`` with the Decimal-safe converter."""
    return await Client.connect(address, namespace=namespace, data_converter=DATA_CONVERTER)
