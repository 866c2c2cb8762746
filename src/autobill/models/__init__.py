"""The ORM tables, one module each; importing this package registers them all."""

from autobill.models.audit_chain_head import AuditChainHead
from autobill.models.audit_entry import AuditEntry
from autobill.models.billing_run import BillingRun
from autobill.models.company_setting import CompanySetting
from autobill.models.delivery import Delivery
from autobill.models.draft import Draft
from autobill.models.draft_line import DraftLine
from autobill.models.finding import Finding
from autobill.models.inbox_event import InboxEvent
from autobill.models.poll_watermark import PollWatermark
from autobill.models.posting import Posting
from autobill.models.prompt_version import PromptVersion
from autobill.models.review_decision import ReviewDecision
from autobill.models.rule_version import RuleVersion

__all__ = [
    "AuditChainHead",
    "AuditEntry",
    "BillingRun",
    "CompanySetting",
    "Delivery",
    "Draft",
    "DraftLine",
    "Finding",
    "InboxEvent",
    "PollWatermark",
    "Posting",
    "PromptVersion",
    "ReviewDecision",
    "RuleVersion",
]
