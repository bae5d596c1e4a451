"""Victims counted by group (women, men, children; minors among them) and by nationality, and
a note kept with a piece of evidence (the words sent with a photo).

Revision ID: 0880_intake2
Revises: 0870_opendata
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0880_intake2"
down_revision: str | Sequence[str] | None = "0870_opendata"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def columns() -> dict[str, tuple[sa.Column[object], ...]]:
    """The new columns (fresh objects each time: a column belongs to one table)."""
    return {
        "cases": (
            sa.Column("victims_women", sa.Integer(), nullable=True),
            sa.Column("victims_men", sa.Integer(), nullable=True),
            sa.Column("victims_children", sa.Integer(), nullable=True),
            sa.Column("victims_minors", sa.Boolean(), nullable=True),
            sa.Column("victim_nationalities", sa.String(length=120), nullable=True),
        ),
        "evidence": (sa.Column("note_enc", sa.LargeBinary(), nullable=True),),
    }


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy): SQLite would recreate `cases`, and its cascades would
    # empty the tables that refer to it.
    for table, new in columns().items():
        for column in new:
            op.add_column(table, column)


def downgrade() -> None:
    for table, new in columns().items():
        for column in reversed(new):
            op.drop_column(table, column.name)
