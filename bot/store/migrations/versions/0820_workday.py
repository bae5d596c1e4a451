"""The workday: when each staff member last opened a case (the inbox's "new" marker), and who
wrote an incoming talk-back message (the reporter, or a follower with the code and PIN).

Revision ID: 0820_workday
Revises: 0810_staff_access
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0820_workday"
down_revision: str | Sequence[str] | None = "0810_staff_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_reads",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("staff_id", sa.String(length=32), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_reads_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_case_reads_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "staff_id", name=op.f("pk_case_reads")),
    )
    with op.batch_alter_table("talkback_messages") as batch_op:
        batch_op.add_column(sa.Column("sender", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("talkback_messages") as batch_op:
        batch_op.drop_column("sender")
    op.drop_table("case_reads")
