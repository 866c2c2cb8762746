"""Deterministic function controlids and recognition of replayed writes.

With ``uniqueid=true`` Intacct refuses to run a function whose ``controlid`` it has already
executed, so a retried write cannot create a second record. The controlid is derived from the
business key (``autobill:<company>:<invoice key>:<step>``); the refusal of a replay is
recognised here and answered by reading back the record the first attempt created. Intacct's
exact errno for a replay is not documented, so recognition is configurable.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autobill.intacct.responses import Result

CONTROLID_MAX = 256
_REPLAY_TEXT = re.compile(
    r"control\s?id.*(already|duplicate|previously|been (used|executed)|not unique)"
    r"|(already|previously) (been )?(executed|processed)",
    re.IGNORECASE,
)


def controlid(*, company: str, key: str, step: str) -> str:
    """Derive a write's function controlid from its business key.

    Args:
        company: the Intacct company id.
        key: the business key (e.g. the invoice key).
        step: the step, e.g. ``draft`` or ``post``.

    Returns:
        ``autobill:<company>:<key>:<step>``, with the key hashed when the whole would exceed
        Intacct's 256 characters.
    """
    plain = f"autobill:{company}:{key}:{step}"
    if len(plain) <= CONTROLID_MAX:
        return plain
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"autobill:{company}:sha256-{digest}:{step}"[:CONTROLID_MAX]


@dataclass(frozen=True, slots=True)
class ReplayPolicy:
    """How to recognise Intacct's refusal of a replayed controlid."""

    errnos: frozenset[str] = frozenset()
    match_text: bool = True

    def is_replay(self, result: Result) -> bool:
        """Whether a failed result is the refusal of an already executed controlid.

        Args:
            result: a function's result.

        Returns:
            True when an error number is configured as a replay, or its text says so.
        """
        if result.ok:
            return False
        for error in result.errors:
            if error.errorno in self.errnos:
                return True
            if self.match_text and _REPLAY_TEXT.search(error.text()):
                return True
        return False


@dataclass(frozen=True, slots=True)
class ReadBack:
    """How to find a created record: ``field = value`` on ``obj``, its key in ``key_field``."""

    obj: str
    field: str
    value: str
    key_field: str = "RECORDNO"
    docparid: str | None = None
