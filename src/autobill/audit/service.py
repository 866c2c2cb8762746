"""Appending to the audit log and verifying its hash chain; services never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from autobill.audit import repository
from autobill.audit.canonical import entry_hash, fields_hash, plain
from autobill.db.base import utc_now
from autobill.models import AuditChainHead, AuditEntry

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session


class BreakKind(StrEnum):
    """How the chain is broken at a position."""

    HASH_MISMATCH = "hash_mismatch"
    """The entry's content no longer matches its stored hash (a field or the hash was edited)."""
    PREV_HASH_MISMATCH = "prev_hash_mismatch"
    """The entry does not follow the one stored before it (deleted, reordered or inserted)."""
    GAP = "gap"
    """The position is not the one after the previous entry's (an entry is missing)."""
    HEAD_MISMATCH = "head_mismatch"
    """The last entry is not the one the chain head names (the tail was cut or added to)."""


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """One place where the audit chain does not hold; ``position`` is the entry's sequence."""

    position: int
    kind: BreakKind
    detail: str


def append(  # noqa: PLR0913 - the fields of an audit entry, all keyword-only
    session: Session,
    *,
    actor: str,
    action: str,
    subject: str,
    trace_id: str | None,
    rule_version: str | None,
    prompt_version: str | None,
    inputs_digest: str | None,
    before: object,
    after: object,
    at: datetime | None = None,
) -> AuditEntry:
    """Append an entry after the current chain head, inside the caller's transaction."""
    head = repository.lock_head(session)
    new = NewEntry(
        actor=actor,
        action=action,
        subject=subject,
        trace_id=trace_id,
        rule_version=rule_version,
        prompt_version=prompt_version,
        inputs_digest=inputs_digest,
        before=before,
        after=after,
    )
    entry = _entry(new, seq=head.seq + 1, at=at or utc_now(), prev_hash=head.hash)
    repository.add(session, entry, head)
    return entry


@dataclass(frozen=True, slots=True)
class NewEntry:
    """The fields of one entry to append; the chain gives its position and hashes."""

    actor: str
    action: str
    subject: str
    trace_id: str | None = None
    rule_version: str | None = None
    prompt_version: str | None = None
    inputs_digest: str | None = None
    before: object = field(default_factory=dict)
    after: object = field(default_factory=dict)


def append_many(session: Session, entries: Sequence[NewEntry]) -> None:
    """Append entries in order after the chain head, locking it once, in the caller's transaction.

    Each entry names the one before it, exactly as appending them one by one would; the rows
    go in as one executemany rather than as ORM objects, which cost more than the hashing.
    """
    if not entries:
        return
    head = repository.lock_head(session)
    at = utc_now()
    seq, prev_hash, rows = head.seq, head.hash, []
    for new in entries:
        seq += 1
        row = _row(new, seq=seq, at=at, prev_hash=prev_hash)
        prev_hash = row["hash"]
        rows.append(row)
    repository.add_rows(session, rows, head)


def _row(new: NewEntry, *, seq: int, at: datetime, prev_hash: str) -> dict[str, Any]:
    """The hashed row of ``new`` at position ``seq`` after ``prev_hash``."""
    row: dict[str, Any] = {
        "seq": seq,
        "at": at,
        "actor": new.actor,
        "action": new.action,
        "subject": new.subject,
        "trace_id": new.trace_id,
        "rule_version": new.rule_version,
        "prompt_version": new.prompt_version,
        "inputs_digest": new.inputs_digest,
        "before": plain(new.before),
        "after": plain(new.after),
        "prev_hash": prev_hash,
    }
    row["hash"] = fields_hash(row)
    return row


def _entry(new: NewEntry, *, seq: int, at: datetime, prev_hash: str) -> AuditEntry:
    """The hashed entry of ``new`` at position ``seq`` after ``prev_hash``."""
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=new.actor,
        action=new.action,
        subject=new.subject,
        trace_id=new.trace_id,
        rule_version=new.rule_version,
        prompt_version=new.prompt_version,
        inputs_digest=new.inputs_digest,
        before=plain(new.before),
        after=plain(new.after),
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(entry)
    return entry


def verify(session: Session) -> list[ChainBreak]:
    """Check every entry's hash, link and position, and the head; return the breaks found.

    Run it in one snapshot (REPEATABLE READ on PostgreSQL, as ``autobill audit verify`` does),
    so appends committed meanwhile cannot look like breaks.
    """
    breaks, last_seq, last_hash = _walk(repository.entries(session))
    head = repository.read_head(session)
    breaks.extend(_check_head(head, last_seq, last_hash))
    return breaks


def _walk(entries: Iterable[AuditEntry]) -> tuple[list[ChainBreak], int, str]:
    breaks: list[ChainBreak] = []
    last_seq, last_hash = 0, repository.GENESIS_HASH
    for entry in entries:
        breaks.extend(_check_entry(entry, last_seq, last_hash))
        last_seq, last_hash = entry.seq, entry.hash
    return breaks, last_seq, last_hash


def _check_entry(entry: AuditEntry, last_seq: int, last_hash: str) -> list[ChainBreak]:
    found: list[ChainBreak] = []
    if entry.seq != last_seq + 1:
        detail = f"expected position {last_seq + 1}, found {entry.seq}"
        found.append(ChainBreak(entry.seq, BreakKind.GAP, detail))
    if entry.prev_hash != last_hash:
        detail = f"previous hash {entry.prev_hash[:12]}… is not {last_hash[:12]}…"
        found.append(ChainBreak(entry.seq, BreakKind.PREV_HASH_MISMATCH, detail))
    if entry_hash(entry) != entry.hash:
        detail = f"content does not match its hash {entry.hash[:12]}…"
        found.append(ChainBreak(entry.seq, BreakKind.HASH_MISMATCH, detail))
    return found


def _check_head(head: AuditChainHead | None, last_seq: int, last_hash: str) -> list[ChainBreak]:
    head_seq, head_hash = (0, repository.GENESIS_HASH) if head is None else (head.seq, head.hash)
    if (head_seq, head_hash) == (last_seq, last_hash):
        return []
    detail = f"the head names entry {head_seq}, the log ends at {last_seq}"
    return [ChainBreak(max(head_seq, last_seq), BreakKind.HEAD_MISMATCH, detail)]
