"""Tracks that mirror Mexican procedure; corrections; referrals that can be withdrawn;
coverage that reaches only later reports; coded history of earlier reports.

Existing events move to the new codes (`bot.cases.tracks.MIGRATED`, repeated here so the
migration never changes): `referred` becomes the referral track's; `evidence_taken` early
testimony; `charges_filed` vinculación a proceso; `sentence` "sentence, which one not yet
recorded" (staff correct it to a conviction or an acquittal); `closed_without_result` archivo
temporal. Referral, justice and queja events name a body: existing ones the state prosecutor.
An earlier "not reported before" becomes the coded history "none".

Revision ID: 0860_tracks
Revises: 0850_shared_rates
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0860_tracks"
down_revision: str | Sequence[str] | None = "0850_shared_rates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATED = {
    "referred": ("referral", "referred"),
    "evidence_taken": ("justice", "early_testimony_taken"),
    "charges_filed": ("justice", "judicialized"),
    "sentence": ("justice", "sentence_unrecorded"),
    "closed_without_result": ("justice", "archived"),
}


def columns() -> dict[str, tuple[sa.Column[object], ...]]:
    """The new columns (fresh objects each time: a column belongs to one table)."""
    return {
        "case_events": (
            sa.Column("body", sa.String(length=24), nullable=True),
            sa.Column("record_kind", sa.String(length=12), nullable=True),
            sa.Column("number_enc", sa.LargeBinary(), nullable=True),
            sa.Column("occurred_on", sa.Date(), nullable=True),
            sa.Column("corrects_id", sa.String(length=32), nullable=True),
            sa.Column("superseded_by_id", sa.String(length=32), nullable=True),
        ),
        "referrals": (
            sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("onward_allowed", sa.Boolean(), nullable=False, server_default=sa.false()),
        ),
        "organizations": (
            sa.Column("coverage_since", sa.Text(), nullable=False, server_default="{}"),
        ),
        "cases": (
            sa.Column("prior_reports", sa.String(length=200), nullable=True),
            sa.Column("prior_outcome", sa.String(length=16), nullable=True),
        ),
    }


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy): SQLite would recreate `organizations` and `cases`,
    # and their cascades would empty the tables that refer to them.
    for table, new in columns().items():
        for column in new:
            op.add_column(table, column)
    events = sa.table(
        "case_events",
        sa.column("track", sa.String),
        sa.column("status", sa.String),
        sa.column("body", sa.String),
    )
    for old, (track, status) in MIGRATED.items():
        op.execute(events.update().where(events.c.status == old).values(track=track, status=status))
    op.execute(
        events.update()
        .where(events.c.track.in_(("referral", "justice")), events.c.body.is_(None))
        .values(body="state_prosecutor")
    )
    cases = sa.table(
        "cases", sa.column("already_reported", sa.Boolean), sa.column("prior_reports", sa.String)
    )
    op.execute(
        cases.update().where(cases.c.already_reported.is_(False)).values(prior_reports="none")
    )


def downgrade() -> None:
    events = sa.table("case_events", sa.column("track", sa.String), sa.column("status", sa.String))
    for old, (track, status) in MIGRATED.items():
        op.execute(
            events.update().where(events.c.status == status).values(track="justice", status=old)
        )
    for table, new in columns().items():
        for column in reversed(new):
            op.drop_column(table, column.name)
