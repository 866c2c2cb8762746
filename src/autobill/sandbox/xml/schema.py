"""The few XSD rules the sandbox checks before running anything (§1.2, §5 Multi-currency).

Intacct validates the whole request against the v3.0 XSD first; a violation fails the request
at control level with XL03000003 and runs no function. The sandbox checks the element order of
the legacy create functions (``order.py``) and the choice
``(exchratedate?, exchratetype) | exchrate`` of the legacy transaction functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from autobill.sandbox.xml.order import order_violation

if TYPE_CHECKING:
    from autobill.sandbox.xml.envelope import Request

CURRENCY_BLOCKS: Final = frozenset({
    "create_invoice", "update_invoice", "create_aradjustment", "create_sotransaction",
    "update_sotransaction",
})


def schema_violation(request: Request) -> str | None:
    """Return the first XSD violation the sandbox checks for, or None."""
    for operation in request.operations:
        for function in operation.functions:
            body = function[0]
            misplaced = order_violation(body)
            if misplaced is not None:
                return misplaced
            if body.tag in CURRENCY_BLOCKS and body.find("exchratetype") is not None and (
                body.find("exchrate") is not None
            ):
                return (f"XML Parse schema error: Element 'exchrate': This element is not "
                        f"expected in {body.tag}: use exchratetype or exchrate, not both.")
    return None
