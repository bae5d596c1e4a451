"""Sending rates shared by every process: `rate_slots`, the next free slot of each rate.

Revision ID: 0850_shared_rates
Revises: 0840_intake_answers
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0850_shared_rates"
down_revision: str | Sequence[str] | None = "0840_intake_answers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_slots",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_rate_slots")),
    )


def downgrade() -> None:
    op.drop_table("rate_slots")
