"""What a function handler is given (the call) and what it returns (the outcome)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from autobill.sandbox.objects import ObjectDef, lookup
from autobill.sandbox.xml.errors import fail

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from xml.etree.ElementTree import Element

    from autobill.sandbox.config import SandboxConfig
    from autobill.sandbox.events import Event
    from autobill.sandbox.paging import Pages
    from autobill.sandbox.sessions import Session, Sessions
    from autobill.sandbox.store import Row, Store


@dataclass(frozen=True, slots=True)
class Call:
    """One function call: the sandbox's state, the caller's session and the function's controlid."""

    store: Store
    config: SandboxConfig
    sessions: Sessions
    pages: Pages
    session: Session
    endpoint: str
    now: datetime
    controlid: str
    events: list[Event] = field(default_factory=list)

    def visible(self, row: Row) -> bool:
        """Return whether the session's entity sees a record: its own and top-level ones (§9.9)."""
        return not self.session.entity or row.entity in {"", self.session.entity}

    def fields_of(self, definition: ObjectDef) -> frozenset[str]:
        """Return the fields a request may name on an object: its own and the custom fields."""
        return definition.field_set | self.config.custom_fields


@dataclass(slots=True)
class Outcome:
    """A successful function's payload (elements after ``<controlid>``) and what it metered."""

    payload: list[Element] = field(default_factory=list)
    reads: int = 0
    writes: int = 0


Handler: TypeAlias = "Callable[[Call, Element], Outcome]"


def object_named(name: str) -> ObjectDef:
    """Return the object called ``name``, or fail as Intacct does for an unknown object (§6)."""
    definition = lookup(name.strip().upper())
    if definition is None:
        message = f"Object definition {name} not found"
        msg = "DL02000001"
        raise fail(msg, message)
    return definition


def text_of(element: Element, name: str) -> str:
    """Return the stripped text of a child element, '' when absent or empty."""
    return (element.findtext(name) or "").strip()

