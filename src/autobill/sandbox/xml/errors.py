"""Intacct error records (§6, §9.18) and the signal a function raises to report them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final
from xml.etree.ElementTree import Element, SubElement

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """One ``<error>``: errorno (not always a code, §6), description, description2, correction."""

    errorno: str
    description2: str = ""
    description: str = ""
    correction: str = ""


ROLLED_BACK: Final = ErrorRecord(
    "XL03000009", "The entire transaction in this operation has been rolled back due to an error."
)
GENERIC: Final = "BL01001973"  # Intacct's wrapper errno for failed creates/updates (§6)
DUPLICATE_ERRNO: Final = "BL34000061"  # "Another X with the given value(s) ... already exists"
# Errnos of "invalid field" and "required field missing" are unverified (§6): emulator choices.
FIELD_ERRNO: Final = "PL03000001"
REQUIRED_ERRNO: Final = "PL03000002"


@dataclass
class FunctionFailed(Exception):
    """A function failed with these errors; ``payload`` and ``keep`` describe a partial commit."""

    errors: Sequence[ErrorRecord]
    payload: list[Element] = field(default_factory=list)
    keep: bool = False
    writes: int = 0


def fail(errorno: str, description2: str, correction: str = "") -> FunctionFailed:
    """Return the signal for a function failing with one error."""
    return FunctionFailed([ErrorRecord(errorno, description2, correction=correction)])


def could_not(errorno: str, description2: str, obj: str, verb: str = "create") -> FunctionFailed:
    """Return a specific error, then Intacct's "Could not create X record!" wrapper (§9.17)."""
    wrapper = ErrorRecord(GENERIC, f"Could not {verb} {obj} record!")
    return FunctionFailed([ErrorRecord(errorno, description2), wrapper])


def errormessage(errors: Iterable[ErrorRecord]) -> Element:
    """Build an ``<errormessage>`` holding each error in Intacct's element order."""
    root = Element("errormessage")
    for error in errors:
        node = SubElement(root, "error")
        SubElement(node, "errorno").text = error.errorno
        SubElement(node, "description").text = error.description
        SubElement(node, "description2").text = error.description2
        SubElement(node, "correction").text = error.correction
    return root
