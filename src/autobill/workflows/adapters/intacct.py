"""``IntacctDrafts`` over the async client: batched idempotent drafts, and posting.

Each invoice is mapped by :mod:`autobill.intacct.mapping` and sent with the controlid the
activity derived from the billing key, so a retried activity (or a request whose response was
lost after Intacct committed it) is a replay: Intacct refuses the repeated controlid and the
client reads the first attempt's document back by its key custom field. Intacct's refusals
(closed period, bad reference, ...) become :class:`BusinessFailure` values; transport errors
propagate for Temporal to retry.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from autobill.intacct.documents import update_invoice_action, update_sotransaction_state
from autobill.intacct.errors import IntacctRequestError
from autobill.intacct.mapping import MappingError, draft
from autobill.intacct.writes import Write
from autobill.workflows.ports import BusinessFailure
from autobill.workflows.snapshots import core_invoice

if TYPE_CHECKING:
    from collections.abc import Sequence

    from autobill.billing.loop import LoopThread
    from autobill.intacct import IntacctClient, WriteOutcome
    from autobill.intacct.mapping import CompanySettings
    from autobill.workflows.inputs import InvoiceSnapshot

TRIGGER = "workflow"


class IntacctDraftWriter:
    """Drafts and posts invoices in Intacct through the client on ``loop``.

    Args:
        loop: the loop the client lives on.
        client: the Intacct client.
        settings: how the company's invoices become Intacct documents.
        entity: the entity to write in (None: the session's default).
    """

    def __init__(
        self,
        loop: LoopThread,
        client: IntacctClient,
        settings: CompanySettings,
        *,
        entity: str | None = None,
    ) -> None:
        self._loop = loop
        self._client = client
        self._settings = settings
        self._entity = entity

    def create_drafts(
        self, invoices: Sequence[tuple[InvoiceSnapshot, str]]
    ) -> Sequence[str | BusinessFailure]:
        """Create each (invoice, controlid) as a draft; return its key or why it was refused."""
        answers: list[str | BusinessFailure | None] = []
        writes: list[Write] = []
        for invoice, control in invoices:
            try:
                writes.append(self._draft_write(invoice, control))
                answers.append(None)
            except MappingError as error:
                answers.append(BusinessFailure("unmappable_invoice", str(error)))
        outcomes = iter(self._loop.run(self._client.write(writes, entity=self._entity)))
        return [answer or _key_or_failure(next(outcomes)) for answer in answers]

    def post(self, intacct_key: str, *, control_id: str) -> str:
        """Post the draft; return the posted record's key (replays answer the same key)."""
        settings = self._settings
        if settings.document == "invoice":
            function = update_invoice_action(
                key=intacct_key, action=settings.post_action, controlid=control_id
            )
        else:
            function = update_sotransaction_state(
                key=intacct_key, state=settings.posted_state, controlid=control_id
            )
        (done,) = self._loop.run(
            self._client.write([Write(function, key=intacct_key)], entity=self._entity)
        )
        answer = _key_or_failure(done)
        if isinstance(answer, BusinessFailure):
            raise answer
        return answer

    def _draft_write(self, invoice: InvoiceSnapshot, control: str) -> Write:
        """The mapped draft write, under the activity's controlid instead of the mapping's."""
        write = draft(
            core_invoice(invoice),
            settings=self._settings,
            trace_id=invoice.billing_key,
            trigger=TRIGGER,
        )
        return dataclasses.replace(
            write, function=dataclasses.replace(write.function, controlid=control)
        )


def _key_or_failure(outcome: WriteOutcome) -> str | BusinessFailure:
    """The written record's key, or Intacct's refusal as a business failure."""
    try:
        outcome.raise_for_status()
    except IntacctRequestError as refused:
        errno = next((e.errorno for e in refused.errors if e.errorno), "")
        return BusinessFailure(f"intacct_{errno or 'refused'}", str(refused))
    if outcome.key is None:
        return BusinessFailure("intacct_no_key", f"{outcome.controlid} answered no record key")
    return outcome.key
