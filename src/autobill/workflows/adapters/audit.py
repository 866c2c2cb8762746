"""``AuditLog`` over :func:`autobill.audit.service.append`: each entry one unit of work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autobill.audit import service
from autobill.db.session import unit_of_work

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from autobill.workflows.inputs import AuditInput


class DatabaseAuditLog:
    """The hash-chained audit log in our database.

    Args:
        sessions: the session factory; every append opens its own session and commits once.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def append(self, entry: AuditInput) -> None:
        """Append one entry after the chain head, in its own transaction."""
        with unit_of_work(self._sessions) as session:
            service.append(
                session,
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
