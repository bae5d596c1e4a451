"""WhatsApp templates made by `camino whatsapp templates sync`, with their approval status.

Revision ID: 0750
Revises: 0600
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0750"
down_revision: str | Sequence[str] | None = "0600"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_templates",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("content_sid", sa.String(length=34), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("body_hash", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rejection_reason", sa.String(length=200), nullable=True),
        sa.Column("fallback_sid", sa.String(length=34), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "language", name=op.f("pk_whatsapp_templates")),
    )


def downgrade() -> None:
    op.drop_table("whatsapp_templates")
