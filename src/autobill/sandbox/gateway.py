"""The XML gateway (§1, §9.1 to §9.7): control, then authentication, then each function in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final
from xml.etree.ElementTree import Element

from autobill.sandbox.formats import iso_stamp
from autobill.sandbox.functions import HANDLERS, WRITES
from autobill.sandbox.functions.context import Call, Outcome
from autobill.sandbox.functions.session import is_entity
from autobill.sandbox.xml.envelope import (
    MalformedRequest,
    add,
    control_block,
    control_failure,
    parse_request,
    serialise,
)
from autobill.sandbox.xml.errors import ROLLED_BACK, ErrorRecord, FunctionFailed, errormessage
from autobill.sandbox.xml.schema import schema_violation

if TYPE_CHECKING:
    from autobill.sandbox.config import SandboxConfig
    from autobill.sandbox.events import Dispatcher, Event
    from autobill.sandbox.paging import Pages
    from autobill.sandbox.sessions import Session, Sessions
    from autobill.sandbox.store import Store
    from autobill.sandbox.xml.envelope import Control, Operation

AUTH_ERRNO: Final = "XL03000006"


class _RolledBack(Exception):
    """A function of a ``transaction="true"`` operation failed."""


@dataclass(slots=True)
class _Ran:
    """A function as it ran: its element, its outcome or its failure."""

    function: Element
    outcome: Outcome | None
    failed: FunctionFailed | None
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Gateway:
    """Answers XML requests against one store."""

    store: Store
    config: SandboxConfig
    sessions: Sessions
    pages: Pages
    dispatcher: Dispatcher

    def handle(self, body: bytes, endpoint: str) -> bytes:
        """Answer one request body with the response document."""
        try:
            request = parse_request(body)
        except MalformedRequest as error:
            return serialise(control_failure(None, [ErrorRecord("XL03000003", str(error))]),
                             pretty=False)
        control = request.control
        violation = schema_violation(request)
        if violation is not None:
            errors = [ErrorRecord("XL03000003", violation)]
            return serialise(control_failure(control, errors), pretty=control.includewhitespace)
        refusal = self._refuse_control(control)
        if refusal is not None:
            return serialise(control_failure(control, [refusal]), pretty=control.includewhitespace)
        response = Element("response")
        response.append(control_block(control, "success"))
        for operation in request.operations:
            response.append(self._operation(control, operation, endpoint))
        return serialise(response, pretty=control.includewhitespace)

    def _refuse_control(self, control: Control) -> ErrorRecord | None:
        if control.policyid:
            return ErrorRecord(AUTH_ERRNO, f"{control.policyid} is not a valid transport policy.")
        if (control.senderid, control.password) != (
            self.config.sender_id, self.config.sender_password
        ):
            return ErrorRecord(AUTH_ERRNO, "Incorrect Intacct XML Partner ID or password.")
        return None

    def _operation(self, control: Control, operation: Operation, endpoint: str) -> Element:
        block = Element("operation")
        session, errors = self._authenticate(operation)
        block.append(self._auth_block(operation, session))
        if session is None:
            block.append(errormessage(errors))
            return block
        ran = self._run(control, operation, session, endpoint)
        block.extend(_results(ran, rolled_back=operation.transaction and _any_failed(ran)))
        return block

    def _authenticate(self, operation: Operation) -> tuple[Session | None, list[ErrorRecord]]:
        login = operation.login
        if login is not None:
            cfg = self.config
            if (login.userid, login.companyid, login.password) != (
                cfg.user_id, cfg.company_id, cfg.user_password
            ):
                return None, [ErrorRecord(AUTH_ERRNO, "Sign-in information is incorrect")]
            entity = login.locationid or ""
            if entity and not is_entity(self.store, entity):
                return None, [ErrorRecord(AUTH_ERRNO, f"Invalid entity {entity}")]
            return self.sessions.transient(login.userid, login.companyid, entity), []
        session = self.sessions.touch(operation.sessionid or "")
        if session is None:
            return None, [ErrorRecord(AUTH_ERRNO, "Invalid session", correction="Log in again.")]
        return session, []

    def _auth_block(self, operation: Operation, session: Session | None) -> Element:
        block = Element("authentication")
        add(block, "status", "failure" if session is None else "success")
        login = operation.login
        if session is None:
            add(block, "userid", login.userid if login else "")
            add(block, "companyid", login.companyid if login else "")
            return block
        add(block, "userid", session.userid)
        add(block, "companyid", session.companyid)
        add(block, "locationid", session.entity)
        add(block, "sessiontimestamp", iso_stamp(session.started))
        add(block, "sessiontimeout", iso_stamp(session.expires))
        return block

    def _run(
        self, control: Control, operation: Operation, session: Session, endpoint: str
    ) -> list[_Ran]:
        ran: list[_Ran] = []
        try:
            with self.store.transaction():
                for function in operation.functions:
                    call = Call(self.store, self.config, self.sessions, self.pages, session,
                                endpoint, self.config.clock(), function.get("controlid", ""))
                    ran.append(self._one(call, function, control.unique, operation.transaction))
                    if operation.transaction and ran[-1].failed is not None:
                        raise _RolledBack  # noqa: TRY301 - unwinds the SQLite transaction
        except _RolledBack:
            # Functions after the failing one never ran; they are reported aborted (§9.5).
            ran.extend(_Ran(f, None, None) for f in operation.functions[len(ran) :])
        rolled_back = operation.transaction and _any_failed(ran)
        self._meter(ran, rolled_back=rolled_back)
        if not rolled_back:
            self.dispatcher.publish([event for r in ran for event in r.events])
        return ran

    def _one(self, call: Call, function: Element, unique: bool, atomic: bool) -> _Ran:  # noqa: FBT001
        mark = self.store.savepoint()
        try:
            outcome = self._execute(call, function[0], unique=unique)
        except FunctionFailed as failed:
            if failed.keep and not atomic:
                self.store.release(mark)
            else:
                self.store.rollback_to(mark)
            return _Ran(function, None, failed, call.events if failed.keep else [])
        self.store.release(mark)
        return _Ran(function, outcome, None, call.events)

    def _execute(self, call: Call, element: Element, *, unique: bool) -> Outcome:
        handler = HANDLERS.get(element.tag)
        if handler is None:
            raise FunctionFailed([ErrorRecord(
                "XL03000003", f"XML Parse schema error: {element.tag} is not a function the "
                "sandbox serves")])
        replayable = unique and element.tag in WRITES
        if replayable and self.store.controlid_used(call.controlid):
            raise FunctionFailed([ErrorRecord(
                self.config.replay_errno,
                f"A function with control ID '{call.controlid}' was already executed and "
                "completed; the request was not repeated (uniqueid is true).")])
        outcome = handler(call, element)
        if replayable:
            self.store.remember_controlid(call.controlid, element.tag)
        return outcome

    def _meter(self, ran: list[_Ran], *, rolled_back: bool) -> None:
        reads = sum(r.outcome.reads for r in ran if r.outcome is not None)
        writes = 0 if rolled_back else sum(_writes(r) for r in ran)
        if reads + writes:
            day = self.config.clock().date().isoformat()
            self.store.meter_add(self.config.company_id, day, reads + writes)


def _writes(ran: _Ran) -> int:
    if ran.outcome is not None:
        return ran.outcome.writes
    return ran.failed.writes if ran.failed is not None and ran.failed.keep else 0


def _any_failed(ran: list[_Ran]) -> bool:
    return any(r.failed is not None for r in ran)


def _results(ran: list[_Ran], *, rolled_back: bool) -> list[Element]:
    """Build one ``<result>`` per function in request order (§9.4, §9.5)."""
    return [_result(r, rolled_back=rolled_back) for r in ran]


def _result(ran: _Ran, *, rolled_back: bool) -> Element:
    result = Element("result")
    failed = ran.failed
    status = "failure" if failed else "aborted" if rolled_back else "success"
    add(result, "status", status)
    add(result, "function", ran.function[0].tag)
    add(result, "controlid", ran.function.get("controlid", ""))
    if not rolled_back or failed is not None:
        result.extend(failed.payload if failed else ran.outcome.payload if ran.outcome else [])
    errors = list(failed.errors) if failed else []
    if rolled_back:
        errors.append(ROLLED_BACK)
    if errors:
        result.append(errormessage(errors))
    return result
