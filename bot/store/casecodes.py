"""A case's inbox key, copied onto each of its crime type and perpetrator codes.

The inbox filtered by a code walks that code's rows in inbox order, one covered state at a time
(`ix_<table>_inbox_*`), instead of walking every case of the state and probing its codes: a page
then reads about as many rows with 100,000 cases stored as with 1,000, however rare the code.
The copies are kept by the ORM at every flush (`install`): whatever changes a case's key or its
codes, through any write path, changes the copies in the same transaction. All of it is coded,
none of it personal.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, event, inspect, text
from sqlalchemy.orm import Mapped, Session, mapped_column

# The case columns the inbox orders and routes by, copied as they are.
MIRRORED = ("urgent", "submitted_at", "incident_state", "reporter_state", "uncovered")
# Not null on the case, where they get their default only at INSERT.
FLAGS = ("urgent", "uncovered")


class InboxKey:
    """The inbox key of the row's case (see the module's docstring); written only by `install`'s
    hook."""

    urgent: Mapped[bool | None]
    submitted_at: Mapped[datetime | None]
    incident_state: Mapped[str | None] = mapped_column(String(8))
    reporter_state: Mapped[str | None] = mapped_column(String(8))
    uncovered: Mapped[bool | None]


def inbox_indexes(table: str) -> tuple[Index, ...]:
    """A code's rows in inbox order: per incident state, per reporter state (cases without an
    incident state), and the uncovered ones (the fallback organization's)."""
    order = ("urgent", "submitted_at", "case_id")
    return (
        Index(f"ix_{table}_inbox_state", "code", "incident_state", *order),
        Index(
            f"ix_{table}_inbox_reporter",
            "code",
            "reporter_state",
            *order,
            sqlite_where=text("incident_state IS NULL"),
            postgresql_where=text("incident_state IS NULL"),
        ),
        Index(
            f"ix_{table}_inbox_uncovered",
            "code",
            *order,
            sqlite_where=text("uncovered"),
            postgresql_where=text("uncovered"),
        ),
    )


def key_of(case: Any) -> dict[str, Any]:
    """The values a case's code rows carry."""
    key = {name: getattr(case, name) for name in MIRRORED}
    for name in FLAGS:
        key[name] = bool(key[name])
    return key


def copy_key(case: Any, rows: Iterable[Any]) -> None:
    key = key_of(case)
    for row in rows:
        for name, value in key.items():
            if getattr(row, name) != value:
                setattr(row, name, value)


def install(case_class: type, relations: tuple[str, ...], code_classes: tuple[type, ...]) -> None:
    """Before every flush, copy the key of each new or changed case onto its code rows
    (`relations` of `case_class`), and onto a code row added on its own (by `case_id`)."""
    watched = MIRRORED + relations

    @event.listens_for(Session, "before_flush")
    def _copy(session: Session, _context: object, _instances: object) -> None:
        with session.no_autoflush:
            for row in list(session.new) + list(session.dirty):
                if isinstance(row, case_class):
                    state = inspect(row)
                    changed = any(state.attrs[name].history.has_changes() for name in watched)
                    if row in session.new or changed:
                        for relation in relations:
                            copy_key(row, getattr(row, relation))
                elif isinstance(row, code_classes) and row in session.new:
                    case_id = row.case_id  # type: ignore[attr-defined]
                    case = session.get(case_class, case_id) if case_id else None
                    if case is not None:
                        copy_key(case, [row])
