"""The workday: when each staff member last opened a case (the inbox's "new" marker), who
wrote an incoming talk-back message (the reporter, or a follower with the code and PIN), and the
web chat reporter's own PIN (distinct from the relatives'), with the checks and subscriptions
made with it.

Revision ID: 0830_workday
Revises: 0820_follow_locks
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0830_workday"
down_revision: str | Sequence[str] | None = "0820_follow_locks"
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
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("reply_pin_hash", sa.String(length=200), nullable=True))
    for table in ("follow_attempts", "follow_subscriptions"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("as_reporter", sa.Boolean(), nullable=False, server_default=sa.text("false"))
            )


def downgrade() -> None:
    for table in ("follow_subscriptions", "follow_attempts"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("as_reporter")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("reply_pin_hash")
    with op.batch_alter_table("talkback_messages") as batch_op:
        batch_op.drop_column("sender")
    op.drop_table("case_reads")
