"""On-call alerts and an owner for every report: organization alert settings and the fallback
organization, on-call destinations (encrypted), alerts, outbox rows to a destination, and the
cases no organization covers.

Revision ID: 0800_alerts
Revises: 0750
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0800_alerts"
down_revision: str | Sequence[str] | None = "0750"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FALSE = sa.text("false")


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy): SQLite would recreate `organizations` and `cases`,
    # and their cascades would empty the tables that refer to them.
    op.add_column("organizations", sa.Column("response_hours", sa.Integer(), nullable=True))
    op.add_column(
        "organizations", sa.Column("contact_line", sa.String(length=20), nullable=True)
    )
    for flag in ("alert_every_report", "is_fallback"):
        op.add_column(
            "organizations", sa.Column(flag, sa.Boolean(), server_default=FALSE, nullable=False)
        )
    op.create_index(
        "uq_organizations_fallback",
        "organizations",
        ["is_fallback"],
        unique=True,
        sqlite_where=sa.text("is_fallback"),
        postgresql_where=sa.text("is_fallback"),
    )
    op.add_column(
        "cases", sa.Column("uncovered", sa.Boolean(), server_default=FALSE, nullable=False)
    )
    op.create_index(
        "ix_cases_inbox_uncovered",
        "cases",
        ["urgent", "submitted_at", "id"],
        unique=False,
        sqlite_where=sa.text("uncovered"),
        postgresql_where=sa.text("uncovered"),
    )
    op.create_table(
        "alert_destinations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address_index", sa.String(length=64), nullable=False),
        sa.Column("address_enc", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_alert_destinations_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_destinations")),
        sa.UniqueConstraint(
            "org_id", "channel", "address_index", name=op.f("uq_alert_destinations_org_id")
        ),
    )
    with op.batch_alter_table("alert_destinations") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_destinations_org_id"), ["org_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_alert_destinations_address_index"), ["address_index"], unique=False
        )
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_alerts_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_alerts_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("case_id", "org_id", "kind", name=op.f("uq_alerts_case_id")),
    )
    with op.batch_alter_table("alerts") as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            "ix_alerts_open", ["acknowledged_at", "kind", "last_sent_at"], unique=False
        )
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.add_column(sa.Column("destination_id", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_destination_id_alert_destinations"),
            "alert_destinations",
            ["destination_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_destination_id"), ["destination_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_destination_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_destination_id_alert_destinations"),
            type_="foreignkey",
        )
        batch_op.drop_column("destination_id")
    op.drop_table("alerts")
    op.drop_table("alert_destinations")
    op.drop_index("ix_cases_inbox_uncovered", table_name="cases")
    op.drop_column("cases", "uncovered")
    op.drop_index("uq_organizations_fallback", table_name="organizations")
    for column in ("is_fallback", "alert_every_report", "contact_line", "response_hours"):
        op.drop_column("organizations", column)
