"""Inbox indexes in the inbox's order, so a page costs the same however many cases are stored.

Each covered state (and each reporter state, for cases without an incident state) is one index
range walked in inbox order (urgent, newest, id); the plain incident-state index is a prefix of
the new one and goes.

Revision ID: 0500
Revises: 0400
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0500"
down_revision: str | Sequence[str] | None = "0400"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_INCIDENT_STATE = sa.text("incident_state IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_inbox")
        batch_op.drop_index("ix_cases_incident_state")
        batch_op.create_index("ix_cases_inbox", ["urgent", "submitted_at", "id"], unique=False)
        batch_op.create_index(
            "ix_cases_inbox_state",
            ["incident_state", "urgent", "submitted_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_cases_inbox_reporter",
            ["reporter_state", "urgent", "submitted_at", "id"],
            unique=False,
            sqlite_where=NO_INCIDENT_STATE,
            postgresql_where=NO_INCIDENT_STATE,
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_inbox_reporter")
        batch_op.drop_index("ix_cases_inbox_state")
        batch_op.drop_index("ix_cases_inbox")
        batch_op.create_index("ix_cases_incident_state", ["incident_state"], unique=False)
        batch_op.create_index("ix_cases_inbox", ["urgent", "submitted_at"], unique=False)
