"""The declarative base every model shares, its naming convention, row ids, and adding a row
that a concurrent writer may have added first."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import MetaData
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session

from bot.store.types import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """Random row ids: nothing to enumerate, and known before insert (encryption binds to it)."""
    return uuid.uuid4().hex


def add_unless_taken(db: Session, row: object) -> bool:
    """Add a row in a savepoint; False when a unique key already holds another (the row is
    then not added, and the surrounding transaction goes on)."""
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:
        return False
    return True


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Every `Mapped[datetime]` column is a UTC moment (`UtcDateTime`), declared here once.
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime()}
