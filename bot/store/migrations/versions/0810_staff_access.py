"""Staff access: several roles per account, recovery codes, forced password change, lockout
backoff; API tokens held by a staff member and expiring; the audit chain sealed with an HMAC.

Existing single roles become one-role lists. Existing API tokens expire 90 days after this
migration. Existing audit entries keep an empty MAC until `camino audit seal` (run once after
upgrading, with the master key) seals them; `camino audit verify` reports unsealed entries.

Revision ID: 0810_staff_access
Revises: 0800_alerts
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0810_staff_access"
down_revision: str | Sequence[str] | None = "0800_alerts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch_op:
        batch_op.add_column(sa.Column("roles", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("lockouts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.execute("UPDATE staff SET roles = role")
    with op.batch_alter_table("staff") as batch_op:
        batch_op.alter_column("roles", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("role")
    op.create_table(
        "staff_recovery_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_recovery_codes_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_staff_recovery_codes")),
    )
    op.create_index(
        op.f("ix_staff_recovery_codes_staff_id"), "staff_recovery_codes", ["staff_id"]
    )
    expiry = datetime.now(UTC) + timedelta(days=90)
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("staff_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_api_tokens_staff_id_staff"), "staff", ["staff_id"], ["id"], ondelete="SET NULL"
        )
    op.get_bind().execute(sa.text("UPDATE api_tokens SET expires_at = :at"), {"at": expiry})
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
    for table in ("audit_log", "audit_head"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("mac", sa.String(length=64), nullable=False, server_default="")
            )
            batch_op.add_column(
                sa.Column("key_id", sa.String(length=16), nullable=False, server_default="")
            )


def downgrade() -> None:
    for table in ("audit_head", "audit_log"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("key_id")
            batch_op.drop_column("mac")
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_constraint(op.f("fk_api_tokens_staff_id_staff"), type_="foreignkey")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("staff_id")
    op.drop_index(op.f("ix_staff_recovery_codes_staff_id"), table_name="staff_recovery_codes")
    op.drop_table("staff_recovery_codes")
    with op.batch_alter_table("staff") as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), nullable=True))
    # The first role stays; an account with several keeps only that one.
    bind = op.get_bind()
    for staff_id, roles in bind.execute(sa.text("SELECT id, roles FROM staff")).all():
        first = (roles or "caseworker").split()[0]
        bind.execute(sa.text("UPDATE staff SET role = :r WHERE id = :i"), {"r": first, "i": staff_id})
    with op.batch_alter_table("staff") as batch_op:
        batch_op.alter_column("role", existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_column("must_change_password")
        batch_op.drop_column("lockouts")
        batch_op.drop_column("roles")
