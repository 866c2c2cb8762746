"""``IntacctDrafts`` over the async client: batched idempotent drafts and postings.

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
from autobill.workflows.ports import BusinessFailure, NewDocument
from autobill.workflows.snapshots import core_invoice

if TYPE_CHECKING:
    from collections.abc import Sequence

    from autobill.billing.loop import LoopThread
    from autobill.intacct import IntacctClient, WriteOutcome
    from autobill.intacct.mapping import CompanySettings
    from autobill.intacct.payloads import Function
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
        # The same mapping, created in the posted state instead of the draft one.
        self._posted = dataclasses.replace(
            settings, draft_state=settings.posted_state, draft_action=settings.post_action
        )
        self._entity = entity

    def create_drafts(
        self, invoices: Sequence[tuple[InvoiceSnapshot, str]]
    ) -> Sequence[str | BusinessFailure]:
        """Create each (invoice, controlid) as a draft; return its key or why it was refused."""
        return self.create_documents([NewDocument(i, control) for i, control in invoices])

    def create_documents(self, documents: Sequence[NewDocument]) -> Sequence[str | BusinessFailure]:
        """Create each document, drafts and posted ones in the same batched requests.

        A posted document is created in the company's posted state (``Pending``, or the AR
        ``Submit`` action): one write where drafting then posting takes two, and in Order
        Entry the posting creates its AR invoice as the update would.
        """
        answers: list[str | BusinessFailure | None] = []
        writes: list[Write] = []
        for document in documents:
            try:
                writes.append(self._create_write(document))
                answers.append(None)
            except MappingError as error:
                answers.append(BusinessFailure("unmappable_invoice", str(error)))
        if not writes:
            return [a for a in answers if a is not None]
        outcomes = iter(self._loop.run(self._client.write(writes, entity=self._entity)))
        return [answer or _key_or_failure(next(outcomes)) for answer in answers]

    def post(self, intacct_key: str, *, control_id: str) -> str:
        """Post the draft; return the posted record's key (replays answer the same key)."""
        (answer,) = self.post_many([(intacct_key, control_id)])
        if isinstance(answer, BusinessFailure):
            raise answer
        return answer

    def post_many(self, postings: Sequence[tuple[str, str]]) -> Sequence[str | BusinessFailure]:
        """Post each (Intacct key, controlid) in the client's batches; return its key or refusal.

        An update names its record, so a replayed controlid needs no read-back: the posting was
        made by the earlier attempt, and the answer is the key given.
        """
        if not postings:
            return []
        writes = [Write(self._post_function(key, control), key=key) for key, control in postings]
        outcomes = self._loop.run(self._client.write(writes, entity=self._entity))
        return [_key_or_failure(done) for done in outcomes]

    def _post_function(self, intacct_key: str, control: str) -> Function:
        """The update that posts one draft, in the company's kind of document."""
        settings = self._settings
        if settings.document == "invoice":
            return update_invoice_action(
                key=intacct_key, action=settings.post_action, controlid=control
            )
        return update_sotransaction_state(
            key=intacct_key, state=settings.posted_state, controlid=control
        )

    def _create_write(self, document: NewDocument) -> Write:
        """The mapped create, under the activity's controlid instead of the mapping's."""
        write = draft(
            core_invoice(document.invoice),
            settings=self._posted if document.posted else self._settings,
            trace_id=document.invoice.billing_key,
            trigger=TRIGGER,
        )
        return dataclasses.replace(
            write, function=dataclasses.replace(write.function, controlid=document.control_id)
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
