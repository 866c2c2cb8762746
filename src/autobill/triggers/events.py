"""The events triggers accept: the sandbox's (Intacct's) outbound events and our generic ones.

Generic events (``POST /webhooks/events``) are one JSON object, told apart by ``type``:

- ``milestone.completed``: ``project_id``, ``task_id``, ``completed_on``;
- ``timesheets.approved``: ``project_id``, ``period_start``, ``period_end``, ``entries``;
- ``usage.reported``: ``contract_id``, ``line_no``, ``usage_date``, ``quantity``;
- ``contract.changed``: ``contract_id``, ``change``, ``effective_on``, ``line_no``.

Every event also carries ``id`` (the sender's event id: a repeat with the same id is the same
event), ``company``, optional ``entity`` and ``occurred_at`` (ISO 8601 with an offset). Parsing
is strict: unknown fields, wrong types, and floats anywhere a quantity goes are refused;
quantities are JSON strings (``"640.5"``) or integers and become ``Decimal``.
"""

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)

from autobill.errors import InvalidInput, Malformed

INTACCT_SOURCE: Final = "intacct"
GENERIC_SOURCE: Final = "events"
POLL_SOURCE: Final = "intacct-poll"
Id = Annotated[str, Field(min_length=1, max_length=255)]


def _exact(value: object) -> object:
    """Turn a JSON string or integer into a Decimal; refuse floats (they are not exact)."""
    if isinstance(value, float):
        msg = 'a float is not exact: send the quantity as a string, e.g. "640.5"'
        raise ValueError(msg)  # noqa: TRY004 - pydantic reports ValueError as a validation error
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            msg = f"{value!r} is not a decimal number"
            raise ValueError(msg) from None
    return value


ExactDecimal = Annotated[
    Decimal, BeforeValidator(_exact), Field(allow_inf_nan=False, max_digits=28)
]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class _Event(_Strict):
    id: Id
    company: Id
    entity: Id | None = None
    occurred_at: AwareDatetime


class MilestoneCompleted(_Event):
    """A project milestone (task) was completed."""

    type: Literal["milestone.completed"]
    project_id: Id
    task_id: Id
    completed_on: date


class TimesheetsApproved(_Event):
    """A project's timesheets for a period were approved."""

    type: Literal["timesheets.approved"]
    project_id: Id
    period_start: date
    period_end: date
    entries: tuple[Id, ...] = ()


class UsageReported(_Event):
    """Usage was reported against a contract line."""

    type: Literal["usage.reported"]
    contract_id: Id
    line_no: int = Field(ge=1)
    usage_date: date
    quantity: ExactDecimal


class ContractChanged(_Event):
    """A contract (or one of its lines) was added, changed, upgraded, downgraded or ended."""

    type: Literal["contract.changed"]
    contract_id: Id
    change: Literal["added", "changed", "upgraded", "downgraded", "cancelled", "renewed"]
    effective_on: date
    line_no: int | None = Field(default=None, ge=1)


GenericEvent = Annotated[
    MilestoneCompleted | TimesheetsApproved | UsageReported | ContractChanged,
    Field(discriminator="type"),
]
_GENERIC: Final = TypeAdapter[GenericEvent](GenericEvent)


class IntacctEvent(_Strict):
    """The sandbox's outbound event body (Intacct's own names are not documented)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=False)

    id: Id
    type: Id
    company: Id
    object: Id
    key: str = Field(max_length=255)
    occurred_at: datetime = Field(alias="occurredAt")
    record: dict[str, str]


AnyGeneric = MilestoneCompleted | TimesheetsApproved | UsageReported | ContractChanged


def parse_generic(body: bytes) -> AnyGeneric:
    """Parse a generic event body strictly.

    Raises:
        Malformed: when the body is not JSON.
        InvalidInput: when it is JSON but not a valid event.
    """
    try:
        return _GENERIC.validate_json(body, strict=True)
    except ValidationError as error:
        raise _refusal(error) from None


def parse_intacct(body: bytes) -> IntacctEvent:
    """Parse a sandbox outbound event body strictly.

    Raises:
        Malformed: when the body is not JSON.
        InvalidInput: when it is JSON but not an outbound event.
    """
    try:
        return IntacctEvent.model_validate_json(body, strict=True)
    except ValidationError as error:
        raise _refusal(error) from None


def _refusal(error: ValidationError) -> Malformed | InvalidInput:
    problems = error.errors(include_url=False, include_input=False, include_context=False)
    if any(p["type"] == "json_invalid" for p in problems):
        return Malformed("the body is not valid JSON")
    text = "; ".join(f"{'.'.join(str(x) for x in p['loc'])}: {p['msg']}" for p in problems)
    return InvalidInput(text)


def intacct_payload(body: bytes) -> dict[str, Any]:
    """Return the inbox payload of a parsed outbound event: its JSON body exactly as sent."""
    payload: dict[str, Any] = json.loads(body)
    return payload


def generic_payload(event: AnyGeneric) -> dict[str, Any]:
    """Return the inbox payload of a generic event (decimals as strings, dates ISO)."""
    return event.model_dump(mode="json")
