"""The outbox's claim walks an index in its own order: status, channel, due time, age; and a
row records when its send began.

With only (status, due time), every claim sorted all the channel's queued rows by age before
taking a few (a broadcast of thousands made each claim slower than the sends it fed).
`waiting_since`, set by a claim and cleared when the send begins, tells a Telegram row claimed
by a process that died before sending it (queued again) from one in flight (given up: at most
once). Rows claimed by an earlier version never have it, so they are given up as before.

Revision ID: 0910_scale
Revises: 0900_growth
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0910_scale"
down_revision: str | Sequence[str] | None = "0900_growth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "outbox_messages", sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True)
    )
    op.drop_index("ix_outbox_due", table_name="outbox_messages")
    op.create_index(
        "ix_outbox_due",
        "outbox_messages",
        ["status", "channel", "next_attempt_at", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox_messages")
    op.create_index("ix_outbox_due", "outbox_messages", ["status", "next_attempt_at"])
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("waiting_since")
