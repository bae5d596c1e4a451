"""The municipality of a case: INEGI's key, matched from the described place or set by staff.

Earlier cases start without one (their place is encrypted): `camino case municipalities` reads
it, and staff can set it on the case page.

Revision ID: 0870_opendata
Revises: 0860_tracks
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0870_opendata"
down_revision: str | Sequence[str] | None = "0860_tracks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy): SQLite would recreate `cases`, and its cascades
    # would empty the tables that refer to it.
    op.add_column("cases", sa.Column("incident_municipality", sa.String(length=5), nullable=True))
    op.add_column(
        "cases",
        sa.Column(
            "municipality_by_staff", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )
    op.create_index("ix_cases_incident_municipality", "cases", ["incident_municipality"])


def downgrade() -> None:
    op.drop_index("ix_cases_incident_municipality", table_name="cases")
    op.drop_column("cases", "municipality_by_staff")
    op.drop_column("cases", "incident_municipality")
