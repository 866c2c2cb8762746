"""Billing's business errors: retrying cannot fix them, people must look."""


class BillingError(Exception):
    """A billable event that cannot be billed as it stands (``retryable`` is False).

    Args:
        kind: a short stable code (the activity wrapper carries it into Temporal).
        message: what people need to know.
    """

    retryable = False

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


BAD_BILLING_KEY = "bad_billing_key"
UNKEYED_INVOICE = "unkeyed_invoice"
SOURCE_NOT_FOUND = "source_not_found"
UNREADABLE_RECORDS = "unreadable_records"
NOTHING_TO_BILL = "nothing_to_bill"
AMBIGUOUS_BILLING_KEY = "ambiguous_billing_key"
