"""Follow-up locks per typed code: follow_attempts.code_index, kept when a contact goes.

A wrong try is counted against the blind index of the code it named, whether or not a case has
that code, so a code that exists answers exactly like one that does not, and against the chat
(now nullable): quick exit or erasure of a contact leaves its failed tries counting.

Revision ID: 0820_follow_locks
Revises: 0810_staff_access
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0820_follow_locks"
down_revision: str | Sequence[str] | None = "0810_staff_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("follow_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_index", sa.String(length=64), nullable=True))
        batch_op.alter_column("contact_id", existing_type=sa.String(length=32), nullable=True)
        batch_op.drop_constraint("fk_follow_attempts_contact_id_contacts", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_follow_attempts_contact_id_contacts",
            "contacts",
            ["contact_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_follow_attempts_code", ["code_index", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("follow_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_attempts_code")
        batch_op.drop_constraint("fk_follow_attempts_contact_id_contacts", type_="foreignkey")
        batch_op.execute("DELETE FROM follow_attempts WHERE contact_id IS NULL")
        batch_op.create_foreign_key(
            "fk_follow_attempts_contact_id_contacts",
            "contacts",
            ["contact_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.alter_column("contact_id", existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column("code_index")
