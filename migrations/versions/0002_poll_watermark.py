"""Poll watermark: how far the change poller has read each Intacct object per company.

Portable DDL only: the same revision runs on SQLite and PostgreSQL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 00:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

INSTANT = sa.DateTime(timezone=True)

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "poll_watermark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.String(length=64), nullable=False),
        sa.Column("object", sa.String(length=64), nullable=False),
        sa.Column("modified_at", sa.String(length=32), nullable=True),
        sa.Column("seen", sa.JSON(), nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_watermark")),
        sa.UniqueConstraint(
            "company_id", "object", name=op.f("uq_poll_watermark_company_id_object")
        ),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("poll_watermark")
