"""Column types shared by the models.

`UtcDateTime` is the one home for "a moment in time" in the database. PostgreSQL keeps the
offset (`timestamptz`); SQLite keeps only the wall clock, so without help it hands back naive
datetimes and silently stores an aware non-UTC moment as its local wall time. This type writes
every moment as UTC and reads every moment back as an aware UTC datetime, on both databases.

Naive datetimes are refused on the way in (a `ValueError`): the clock is always aware, so a
naive value is a bug to find, not a moment to guess the zone of.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """`DateTime(timezone=True)` that stores UTC and always returns aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # SQLite reads back the UTC wall clock it was given, without an offset.
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
