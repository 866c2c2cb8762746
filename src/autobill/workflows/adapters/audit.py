"""``AuditLog`` over :mod:`autobill.audit.service`: each call one unit of work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autobill.audit import service
from autobill.db.session import unit_of_work

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session, sessionmaker

    from autobill.workflows.inputs import AuditInput


class DatabaseAuditLog:
    """The hash-chained audit log in our database.

    Args:
        sessions: the session factory; every call opens its own session and commits once.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def append(self, entry: AuditInput) -> None:
        """Append one entry after the chain head, in its own transaction."""
        self.append_many([entry])

    def append_many(self, entries: Sequence[AuditInput]) -> None:
        """Append entries in order after the chain head, all in one transaction."""
        if not entries:
            return
        with unit_of_work(self._sessions) as session:
            service.append_many(session, [new_entry(e) for e in entries])


def new_entry(entry: AuditInput) -> service.NewEntry:
    """The audit service's entry of an activity's ``AuditInput``."""
    return service.NewEntry(
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        trace_id=entry.trace_id,
        rule_version=entry.rule_version,
        prompt_version=entry.prompt_version,
        inputs_digest=entry.inputs_digest,
        before=entry.before,
        after=entry.after,
    )
