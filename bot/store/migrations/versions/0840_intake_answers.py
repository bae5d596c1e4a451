"""The shorter intake: answers "no sé" kept as unknown, what the person wants, and a request to
tell the account to a person.

Revision ID: 0840_intake_answers
Revises: 0830_workday
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0840_intake_answers"
down_revision: str | Sequence[str] | None = "0830_workday"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("unknown_answers", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("wants", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("prefers_person", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("prefers_person")
        batch_op.drop_column("wants")
        batch_op.drop_column("unknown_answers")
