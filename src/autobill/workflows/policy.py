"""The review policy, pure: which invoices a person must review before they are posted."""

from collections.abc import Sequence
from decimal import Decimal

from autobill.workflows.inputs import ApplyReviewPolicyResult, Finding, ReviewPolicy


def review_outcome(
    total: Decimal, findings: Sequence[Finding], policy: ReviewPolicy
) -> ApplyReviewPolicyResult:
    """Auto-approve an invoice without findings under the policy's amount; review the rest."""
    if findings:
        kinds = ", ".join(sorted({f.kind for f in findings}))
        return ApplyReviewPolicyResult(needs_review=True, reason=f"findings: {kinds}")
    if total >= policy.auto_approve_below:
        reason = f"total {total} is not below {policy.auto_approve_below}"
        return ApplyReviewPolicyResult(needs_review=True, reason=reason)
    return ApplyReviewPolicyResult(needs_review=False, reason="auto-approved: small, no findings")
