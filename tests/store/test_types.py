"""The UTC column type: aware UTC out, on SQLite and PostgreSQL; naive moments refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
)
from sqlalchemy.exc import StatementError

from bot.store import db
from bot.store.models import Base
from bot.store.types import UtcDateTime

metadata = MetaData()
moments = Table(
    "moments",
    metadata,
    Column("id", String(8), primary_key=True),
    Column("at", UtcDateTime()),
)


def _engine(url: str) -> Engine:
    engine = db.make_engine(url)
    metadata.create_all(engine)
    return engine


def test_reads_back_aware_utc_from_any_offset(database_url: str) -> None:
    engine = _engine(database_url)
    mexico = timezone(timedelta(hours=-6))
    written = datetime(2026, 11, 28, 23, 30, tzinfo=mexico)
    with engine.begin() as connection:
        connection.execute(insert(moments).values(id="a", at=written))
        connection.execute(insert(moments).values(id="b", at=None))
        read = connection.execute(select(moments.c.at).where(moments.c.id == "a")).scalar_one()
        empty = connection.execute(select(moments.c.at).where(moments.c.id == "b")).scalar_one()
    assert read == written
    assert read.tzinfo is UTC
    assert read.hour == 5 and read.day == 29
    assert empty is None
    engine.dispose()


def test_comparisons_hold_across_offsets(database_url: str) -> None:
    engine = _engine(database_url)
    base = datetime(2026, 1, 1, 12, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(insert(moments).values(id="a", at=base))
        later_elsewhere = (base + timedelta(minutes=1)).astimezone(timezone(timedelta(hours=-8)))
        found = connection.execute(
            select(moments.c.id).where(moments.c.at < later_elsewhere)
        ).scalars()
        assert list(found) == ["a"]
    engine.dispose()


def test_naive_datetimes_are_refused(database_url: str) -> None:
    engine = _engine(database_url)
    with engine.begin() as connection, pytest.raises(StatementError, match="naive datetime"):
        connection.execute(insert(moments).values(id="a", at=datetime(2026, 1, 1)))
    engine.dispose()


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=-6)), timezone(timedelta(hours=5, minutes=30))]
        ),
    )
)
def test_sqlite_round_trip_keeps_the_moment(moment: datetime) -> None:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(moments).values(id="a", at=moment))
        read = connection.execute(select(moments.c.at)).scalar_one()
    assert read == moment and read.tzinfo is UTC
    engine.dispose()


def test_every_moment_the_models_store_is_a_utc_column() -> None:
    moments_of = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, DateTime | UtcDateTime)
    ]
    plain = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, DateTime)
    ]
    assert len(moments_of) > 40
    assert plain == []
