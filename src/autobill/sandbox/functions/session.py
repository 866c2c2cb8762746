"""``getAPISession`` (§9.8): a new session for the caller, at top level or in an entity."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from autobill.sandbox.functions.context import Outcome
from autobill.sandbox.xml.envelope import add
from autobill.sandbox.xml.errors import fail

if TYPE_CHECKING:
    from autobill.sandbox.functions.context import Call
    from autobill.sandbox.store import Store


def is_entity(store: Store, locationid: str) -> bool:
    """Return whether a location id names a top-level entity of the company."""
    found = store.find("LOCATION", locationid)
    return found is not None and found.data.get("ENTITY") == "true"


def get_api_session(call: Call, element: Element) -> Outcome:
    """Open a session; ``<locationid>`` picks its entity, empty means top level (§9.9)."""
    location = element.find("locationid")
    entity = call.session.entity if location is None else (location.text or "").strip()
    if entity and not is_entity(call.store, entity):
        message = f"Invalid entity {entity}: no such entity"
        msg = "Get API Session Failed"
        raise fail(msg, message)
    session = call.sessions.open(call.session.userid, call.session.companyid, entity)
    data = Element("data")
    api = add(data, "api")
    add(api, "sessionid", session.sessionid)
    add(api, "endpoint", call.endpoint)
    add(api, "locationid", entity)
    return Outcome([data])
