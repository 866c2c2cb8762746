"""The functions the gateway serves, by element name, and which of them write."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from autobill.sandbox.functions.company import audit_trail, create_supdoc
from autobill.sandbox.functions.inspect import inspect, lookup
from autobill.sandbox.functions.invoices import (
    create_aradjustment,
    create_invoice,
    reverse_invoice,
    update_invoice,
)
from autobill.sandbox.functions.newquery import query
from autobill.sandbox.functions.read import read, read_by_name, read_by_query, read_more
from autobill.sandbox.functions.session import get_api_session
from autobill.sandbox.functions.sotransactions import create_sotransaction
from autobill.sandbox.functions.soupdate import update_sotransaction
from autobill.sandbox.functions.write import create, delete, update

if TYPE_CHECKING:
    from collections.abc import Mapping

    from autobill.sandbox.functions.context import Handler

HANDLERS: Final[Mapping[str, Handler]] = MappingProxyType(
    {
        "getAPISession": get_api_session,
        "getSession": get_api_session,  # the older name, still in the PHP SDK's mocks
        "readByQuery": read_by_query,
        "readMore": read_more,
        "read": read,
        "readByName": read_by_name,
        "query": query,
        "create": create,
        "update": update,
        "delete": delete,
        "create_invoice": create_invoice,
        "update_invoice": update_invoice,
        "reverse_invoice": reverse_invoice,
        "create_aradjustment": create_aradjustment,
        "create_sotransaction": create_sotransaction,
        "update_sotransaction": update_sotransaction,
        "getAuditTrail": audit_trail,
        "getObjectTrail": audit_trail,  # the PHP SDK's name for the same read (§5 AUDITHISTORY)
        "create_supdoc": create_supdoc,
        "inspect": inspect,
        "lookup": lookup,
    }
)

# Functions with effects: replay protection (uniqueid, §2.1) applies to these.
WRITES: Final = frozenset({
    "create", "update", "delete", "create_invoice", "update_invoice", "reverse_invoice",
    "create_aradjustment",
    "create_sotransaction", "update_sotransaction", "create_supdoc",
})
