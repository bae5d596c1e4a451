"""Which cases a signed-in session's inbox has shown (its refreshes are audited when they show
others).

Revision ID: 0890_workday2
Revises: 0880_intake2
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0890_workday2"
down_revision: str | Sequence[str] | None = "0880_intake2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_shown",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_hash"],
            ["staff_sessions.token_hash"],
            name=op.f("fk_inbox_shown_token_hash_staff_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_inbox_shown_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", "case_id", name=op.f("pk_inbox_shown")),
    )


def downgrade() -> None:
    op.drop_table("inbox_shown")
