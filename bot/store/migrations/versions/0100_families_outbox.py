"""families and outbox: follow-up subscriptions, PIN attempts, call-back requests, outbox keys,
scheduler leader

Revision ID: 0100
Revises: 0002
Create Date: 2026-11-28 12:41:34.032676
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0100"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "follow_attempts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("contact_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_follow_attempts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_follow_attempts_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_attempts")),
    )
    with op.batch_alter_table("follow_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_follow_attempts_case", ["case_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_follow_attempts_contact", ["contact_id", "created_at"], unique=False
        )

    op.create_table(
        "follow_subscriptions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("contact_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=False),
        sa.Column("quiet_end", sa.String(length=5), nullable=False),
        sa.Column("reference", sa.String(length=8), nullable=False),
        sa.Column("seen_seq", sa.Integer(), nullable=False),
        sa.Column("pin_checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_follow_subscriptions_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_follow_subscriptions_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_subscriptions")),
        sa.UniqueConstraint("case_id", "contact_id", name=op.f("uq_follow_subscriptions_case_id")),
    )
    with op.batch_alter_table("follow_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_follow_subscriptions_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_follow_subscriptions_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "callback_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("subscription_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_callback_requests_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["follow_subscriptions.id"],
            name=op.f("fk_callback_requests_subscription_id_follow_subscriptions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_requests")),
    )
    with op.batch_alter_table("callback_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callback_requests_case_id"), ["case_id"], unique=False)

    op.create_table(
        "scheduler_leader",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_leader")),
    )

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subscription_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=120), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_subscription_id"), ["subscription_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_outbox_messages_dedupe_key"), ["dedupe_key"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_subscription_id_follow_subscriptions"),
            "follow_subscriptions",
            ["subscription_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_subscription_id_follow_subscriptions"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(batch_op.f("uq_outbox_messages_dedupe_key"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_outbox_messages_subscription_id"))
        batch_op.drop_column("dedupe_key")
        batch_op.drop_column("subscription_id")
    op.drop_table("scheduler_leader")
    op.drop_table("callback_requests")
    op.drop_table("follow_subscriptions")
    op.drop_table("follow_attempts")
