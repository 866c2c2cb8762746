"""Company services: the audit trail (getAuditTrail, getObjectTrail) and ``create_supdoc``."""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from autobill.sandbox import changes
from autobill.sandbox.functions.context import Outcome, object_named, text_of
from autobill.sandbox.functions.invoices import key
from autobill.sandbox.objects import lookup
from autobill.sandbox.render import all_fields, record
from autobill.sandbox.xml.errors import DUPLICATE_ERRNO, GENERIC, could_not

if TYPE_CHECKING:
    from autobill.sandbox.functions.context import Call


def audit_trail(call: Call, element: Element) -> Outcome:
    """Return the AUDITHISTORY of one record, by objectKey (its id) or recordNo (§5)."""
    definition = object_named(text_of(element, "object"))
    recordno = text_of(element, "recordNo")
    wanted = text_of(element, "objectKey")
    if not recordno and wanted:
        found = call.store.find(definition.name, wanted)
        recordno = str(found.recordno) if found else wanted
    trail = [
        row for row in call.store.where("AUDITHISTORY", "OBJECTKEY", recordno)
        if row.data.get("OBJECTTYPE") == definition.name.lower() and call.visible(row)
    ]
    audit = lookup("AUDITHISTORY")
    assert audit is not None  # noqa: S101 - part of fields.json
    data = Element("data", listtype="AUDITHISTORY", count=str(len(trail)))
    custom = call.config.custom_fields
    data.extend(record("AUDITHISTORY", row.data, all_fields(audit, row.data, custom), nested=True)
                for row in trail)
    return Outcome([data], reads=1)


def create_supdoc(call: Call, element: Element) -> Outcome:
    """Store an attachment set; SUPDOCID is numbered when left empty (autonumbering)."""
    supdocid = text_of(element, "supdocid") or f"ATT-{call.store.count('SUPDOC') + 1:05d}"
    if call.store.find("SUPDOC", supdocid) is not None:
        raise could_not(DUPLICATE_ERRNO, f"Another Attachment with the given value(s) {supdocid} "
                        "already exists", "supdoc")
    files = [_attachment(item) for item in element.findall("attachments/attachment")]
    fields = {
        "SUPDOCID": supdocid, "SUPDOCNAME": text_of(element, "supdocname") or supdocid,
        "SUPDOCFOLDERNAME": text_of(element, "supdocfoldername"),
        "SUPDOCDESCRIPTION": text_of(element, "supdocdescription"),
        "ATTACHMENTS": json.dumps(files), **changes.stamps(call, created=True),
    }
    recordno = call.store.insert("SUPDOC", fields, entity=call.session.entity)
    changes.audit(call, "SUPDOC", recordno, changes.CREATED, supdocid)
    return Outcome([key(supdocid)], writes=1)


def _attachment(item: Element) -> dict[str, object]:
    data = text_of(item, "attachmentdata")
    try:
        size = len(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError):
        raise could_not(GENERIC, "ATTACHMENTDATA must be Base64-encoded", "supdoc") from None
    return {"name": text_of(item, "attachmentname"), "type": text_of(item, "attachmenttype"),
            "bytes": size}
