"""Carrying billing's business errors into the workflows as ``BusinessFailure``."""

from collections.abc import Iterator
from contextlib import contextmanager

from autobill.billing.errors import BillingError
from autobill.workflows.ports import BusinessFailure


@contextmanager
def as_business_failure() -> Iterator[None]:
    """Re-raise a :class:`BillingError` as the ``BusinessFailure`` of the same kind."""
    try:
        yield
    except BillingError as error:
        raise BusinessFailure(error.kind, str(error)) from error
