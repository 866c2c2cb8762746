"""Idempotent writes and what they achieved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from autobill.intacct.errors import IntacctReplayedControlId

if TYPE_CHECKING:
    from autobill.intacct.idempotency import ReadBack, ReplayPolicy
    from autobill.intacct.payloads import Function
    from autobill.intacct.responses import Result


@dataclass(frozen=True, slots=True)
class Write:
    """An idempotent write: its function (controlid from the business key) and its read-back.

    Updates name the record they change in ``key`` and need no read-back: a replayed update
    means the change was already made.
    """

    function: Function
    read_back: ReadBack | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Sent:
    """What deciding a write's outcome needs of it, kept once its function has been sent.

    The function's element tree is not kept: a run of ten thousand writes would otherwise hold
    some 350,000 elements to the end, which the garbage collector rescans again and again.
    """

    controlid: str
    read_back: ReadBack | None = None
    key: str | None = None

    @classmethod
    def of(cls, write: Write) -> Sent:
        """Keep what the outcome of ``write`` depends on."""
        return cls(write.function.controlid, write.read_back, write.key)


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """What a write achieved: the record's key, and whether an earlier attempt had created it."""

    controlid: str
    result: Result
    key: str | None
    replayed: bool = False

    @property
    def ok(self) -> bool:
        """Whether the write took effect (now or in an earlier attempt)."""
        return self.result.ok or (self.replayed and self.key is not None)

    def raise_for_status(self) -> WriteOutcome:
        """Return this outcome when the write took effect, else raise the write's error.

        Raises:
            IntacctReplayedControlId: a replayed write whose record could not be read back.
            IntacctRequestError: the write failed.
        """
        if self.ok:
            return self
        error = self.result.error()
        if self.replayed:
            msg = f"{error} (replayed, and the first attempt's record was not found)"
            raise IntacctReplayedControlId(msg, errors=error.errors, controlid=self.controlid)
        raise error


def outcome(
    write: Write | Sent, result: Result, found: dict[ReadBack, str], replay: ReplayPolicy
) -> WriteOutcome:
    """Decide what a write achieved from its result and any read-back.

    Args:
        write: the write sent.
        result: its function's result.
        found: keys read back for replayed writes, by read-back.
        replay: how replays are recognised.

    Returns:
        The outcome: created now, created by an earlier attempt, or failed.
    """
    controlid = write.controlid if isinstance(write, Sent) else write.function.controlid
    if result.ok:
        return WriteOutcome(controlid, result, write.key or created_key(result))
    if replay.is_replay(result):
        key = write.key if write.read_back is None else found.get(write.read_back)
        return WriteOutcome(controlid, result, key, replayed=True)
    return WriteOutcome(controlid, result, None)


def created_key(result: Result) -> str | None:
    """Find the new record's key in a successful write's result.

    Args:
        result: the result.

    Returns:
        ``<key>`` for legacy creates, else the first record's RECORDNO; None when neither.
    """
    if result.key:
        return result.key.strip()
    records = result.records()
    return str(records[0].get("RECORDNO", "")) or None if records else None
