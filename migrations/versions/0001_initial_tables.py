# ruff: noqa: INP001 - Alembic loads migrations by path; they are scripts, not a package
"""Initial tables: inbox, runs, drafts and lines, findings, reviews, postings, deliveries, audit.

Portable DDL only: the same revision runs on SQLite and PostgreSQL.

Revision ID: 0001
Revises:
Create Date: 2026-11-30 23:48:31.938396
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The column types of autobill.db.types, spelled out so this revision never changes with them.
INSTANT = sa.DateTime(timezone=True)
MINOR_UNITS = sa.BigInteger()
EXACT_DECIMAL = sa.Numeric().with_variant(sa.Text(), "sqlite")

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("trace_id", sa.String(length=64), nullable=True),
        sa.Column("rule_version", sa.String(length=64), nullable=True),
        sa.Column("prompt_version", sa.String(length=64), nullable=True),
        sa.Column("inputs_digest", sa.String(length=128), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entry")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entry_hash")),
    )
    op.create_table(
        "billing_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("run_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("workflow_id", sa.String(length=255), nullable=True),
        sa.Column("trace_id", sa.String(length=64), nullable=True),
        sa.Column("started_at", INSTANT, nullable=False),
        sa.Column("finished_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_run")),
    )
    op.create_table(
        "company_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_setting")),
        sa.UniqueConstraint(
            "company_id",
            "entity_id",
            "key",
            name=op.f("uq_company_setting_company_id_entity_id_key"),
        ),
    )
    op.create_table(
        "inbox_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("trace_id", sa.String(length=64), nullable=True),
        sa.Column("received_at", INSTANT, nullable=False),
        sa.Column("handled_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_event")),
        sa.UniqueConstraint(
            "source", "external_id", name=op.f("uq_inbox_event_source_external_id")
        ),
    )
    op.create_table(
        "prompt_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("template", sa.Text(), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=True),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompt_version")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_prompt_version_name_version")),
    )
    op.create_table(
        "rule_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_version")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_rule_version_name_version")),
    )
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.String(length=64), nullable=False),
        sa.Column("billing_key", sa.String(length=255), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("billing_run_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("contract_id", sa.String(length=64), nullable=True),
        sa.Column("project_id", sa.String(length=64), nullable=True),
        sa.Column("invoice_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("subtotal_amount_minor", MINOR_UNITS, nullable=False),
        sa.Column("tax_amount_minor", MINOR_UNITS, nullable=False),
        sa.Column("total_amount_minor", MINOR_UNITS, nullable=False),
        sa.Column("exchange_rate", EXACT_DECIMAL, nullable=True),
        sa.Column("base_currency", sa.String(length=3), nullable=True),
        sa.Column("base_total_amount_minor", MINOR_UNITS, nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("intacct_key", sa.String(length=64), nullable=True),
        sa.Column("trace_id", sa.String(length=64), nullable=True),
        sa.Column("updated_at", INSTANT, nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["billing_run_id"], ["billing_run.id"], name=op.f("fk_draft_billing_run_id_billing_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
        sa.UniqueConstraint(
            "company_id", "billing_key", name=op.f("uq_draft_company_id_billing_key")
        ),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempted_at", INSTANT, nullable=False),
        sa.Column("delivered_at", INSTANT, nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["draft.id"], name=op.f("fk_delivery_draft_id_draft")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
    )
    op.create_table(
        "draft_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", EXACT_DECIMAL, nullable=False),
        sa.Column("unit_price", EXACT_DECIMAL, nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("line_amount_minor", MINOR_UNITS, nullable=False),
        sa.Column("tax_amount_minor", MINOR_UNITS, nullable=False),
        sa.Column("base_amount_minor", MINOR_UNITS, nullable=True),
        sa.Column("period_start_on", sa.Date(), nullable=True),
        sa.Column("period_end_on", sa.Date(), nullable=True),
        sa.Column("gl_account", sa.String(length=64), nullable=True),
        sa.Column("term", sa.String(length=64), nullable=True),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("taxes", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["draft.id"],
            name=op.f("fk_draft_line_draft_id_draft"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_line")),
        sa.UniqueConstraint("draft_id", "position", name=op.f("uq_draft_line_draft_id_position")),
    )
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.String(length=64), nullable=True),
        sa.Column("billing_key", sa.String(length=255), nullable=True),
        sa.Column("dedupe_key", sa.String(length=255), nullable=True),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("billing_run_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("resolved_at", INSTANT, nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["billing_run_id"],
            ["billing_run.id"],
            name=op.f("fk_finding_billing_run_id_billing_run"),
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["draft.id"], name=op.f("fk_finding_draft_id_draft"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_finding_dedupe_key")),
    )
    op.create_table(
        "posting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.String(length=255), nullable=False),
        sa.Column("intacct_key", sa.String(length=64), nullable=True),
        sa.Column("intacct_record_id", sa.String(length=64), nullable=True),
        sa.Column("posted_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["draft.id"], name=op.f("fk_posting_draft_id_draft")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting")),
        sa.UniqueConstraint("control_id", name=op.f("uq_posting_control_id")),
        sa.UniqueConstraint("draft_id", name=op.f("uq_posting_draft_id")),
    )
    op.create_table(
        "review_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=255), nullable=False),
        sa.Column("decided_at", INSTANT, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("trace_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["draft.id"],
            name=op.f("fk_review_decision_draft_id_draft"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decision")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("review_decision")
    op.drop_table("posting")
    op.drop_table("finding")
    op.drop_table("draft_line")
    op.drop_table("delivery")
    op.drop_table("draft")
    op.drop_table("rule_version")
    op.drop_table("prompt_version")
    op.drop_table("inbox_event")
    op.drop_table("company_setting")
    op.drop_table("billing_run")
    op.drop_table("audit_entry")
    op.drop_table("audit_chain_head")
