"""What every write does besides the record itself: stamps and the AUDITHISTORY trail (§5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from autobill.sandbox.formats import stamp

if TYPE_CHECKING:
    from autobill.sandbox.functions.context import Call

CREATED: Final = "Created"
MODIFIED: Final = "Modified"
DELETED: Final = "Deleted"


def stamps(call: Call, *, created: bool, dated: bool = False) -> dict[str, str]:
    """Return the WHEN*/BY fields a write sets, and the entity fields of a new record.

    A transaction's WHENCREATED is its own date (``<datecreated>``: the invoice, adjustment
    or document date the period checks look at), not the moment it was written: with
    ``dated`` the stamps leave WHENCREATED out, for the caller to set.
    """
    now = stamp(call.now)
    fields = {"WHENMODIFIED": now, "MODIFIEDBY": call.session.userid}
    if created:
        entity = call.session.entity
        if not dated:
            fields["WHENCREATED"] = now
        fields |= {"CREATEDBY": call.session.userid}
        fields |= {"MEGAENTITYID": entity, "MEGAENTITYNAME": entity, "MEGAENTITYKEY": ""}
    return fields


def audit(call: Call, obj: str, recordno: int, mode: str, description: str = "") -> None:
    """Add the AUDITHISTORY record of a create, update or delete made through the API."""
    call.store.insert(
        "AUDITHISTORY",
        {
            "OBJECTTYPE": obj.lower(),
            "OBJECTKEY": str(recordno),
            "OBJECTDESC": description,
            "USERID": call.session.userid,
            "ACCESSTIME": stamp(call.now),
            "ACCESSMODE": mode,
            "SOURCE": "api",
            "WORKFLOWACTION": "",
        },
        entity=call.session.entity,
    )
