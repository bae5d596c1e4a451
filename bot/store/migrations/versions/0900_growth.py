"""Each crime type and perpetrator code carries its case's inbox key, indexed in inbox order, so
the inbox filtered by a code reads a bounded number of rows however many cases are stored
(`bot.store.casecodes`); existing rows get their case's key. The inbox's counts start from
what is small: a caseworker's assignments, an organization's open threads, pending call-back
requests, the reporters who asked for a person (`bot.staff.inboxcounts`).

Revision ID: 0900_growth
Revises: 0890_workday2
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0900_growth"
down_revision: str | Sequence[str] | None = "0890_workday2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("case_crime_types", "case_perpetrators")
COLUMNS = ("urgent", "submitted_at", "incident_state", "reporter_state", "uncovered")
ORDER = ["urgent", "submitted_at", "case_id"]
# Where the inbox's counts start (name, table, columns).
COUNTED = (
    ("ix_case_assignments_staff", "case_assignments", ["staff_id", "org_id"]),
    ("ix_talkback_threads_open", "talkback_threads", ["org_id", "closed_at"]),
    ("ix_callback_requests_pending", "callback_requests", ["handled_at"]),
)


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("urgent", sa.Boolean(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("incident_state", sa.String(length=8), nullable=True),
        sa.Column("reporter_state", sa.String(length=8), nullable=True),
        sa.Column("uncovered", sa.Boolean(), nullable=True),
    ]


def upgrade() -> None:
    for table in TABLES:
        # Plain ALTER TABLE (no batch copy): nullable columns need no table rebuild on SQLite.
        for column in _columns():
            op.add_column(table, column)
        copied = ", ".join(
            f"{name} = (SELECT cases.{name} FROM cases WHERE cases.id = {table}.case_id)"  # noqa: S608
            for name in COLUMNS
        )
        op.execute(f"UPDATE {table} SET {copied}")  # noqa: S608 - fixed names
        op.create_index(f"ix_{table}_inbox_state", table, ["code", "incident_state", *ORDER])
        op.create_index(
            f"ix_{table}_inbox_reporter",
            table,
            ["code", "reporter_state", *ORDER],
            sqlite_where=sa.text("incident_state IS NULL"),
            postgresql_where=sa.text("incident_state IS NULL"),
        )
        op.create_index(
            f"ix_{table}_inbox_uncovered",
            table,
            ["code", *ORDER],
            sqlite_where=sa.text("uncovered"),
            postgresql_where=sa.text("uncovered"),
        )

    for name, table, columns in COUNTED:
        op.create_index(name, table, columns)
    # SQLite uses a partial index only for a query that spells its condition the same way.
    op.create_index(
        "ix_cases_prefers_person",
        "cases",
        ["prefers_person"],
        sqlite_where=sa.text("prefers_person = 1"),
        postgresql_where=sa.text("prefers_person"),
    )


def downgrade() -> None:
    op.drop_index("ix_cases_prefers_person", table_name="cases")
    for name, table, _columns in COUNTED:
        op.drop_index(name, table_name=table)
    for table in TABLES:
        for name in ("inbox_uncovered", "inbox_reporter", "inbox_state"):
            op.drop_index(f"ix_{table}_{name}", table_name=table)
        for name in reversed(COLUMNS):
            op.drop_column(table, name)
