"""retention and key rotation: cases.erased_at, key_id beside every master-wrapped key

Revision ID: 0300
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0300"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_cases_erased_at"), ["erased_at"], unique=False)
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
    with op.batch_alter_table("keyring") as batch:
        batch.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("keyring") as batch:
        batch.drop_column("key_id")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("key_id")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index(batch.f("ix_cases_erased_at"))
        batch.drop_column("erased_at")
        batch.drop_column("key_id")
