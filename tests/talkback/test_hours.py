"""Talk back follows the hours the reporter chose: "a cualquier hora" is any hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.talkback.threads import next_allowed

ZONE = "America/Mexico_City"  # UTC-6 all year
# 23:00 in Mexico City.
NIGHT = datetime(2026, 3, 15, 5, 0, tzinfo=UTC)


def case(hours: str | None) -> Any:
    return SimpleNamespace(contact_hours=hours)


def test_any_hour_goes_out_at_night() -> None:
    assert next_allowed(case("any"), NIGHT, ZONE) == NIGHT


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)))
def test_any_hour_is_every_hour(moment: datetime) -> None:
    now = moment.replace(tzinfo=UTC)
    assert next_allowed(case("any"), now, ZONE) == now


def test_chosen_hours_wait_for_their_start() -> None:
    morning = next_allowed(case("morning"), NIGHT, ZONE)
    assert morning == datetime(2026, 3, 15, 14, 0, tzinfo=UTC)  # 08:00 local, the next day
    evening = next_allowed(case("evening"), NIGHT, ZONE)
    assert evening == datetime(2026, 3, 16, 0, 0, tzinfo=UTC)  # 18:00 local


def test_no_choice_is_not_written_to_at_night() -> None:
    assert next_allowed(case(None), NIGHT, ZONE) == NIGHT + timedelta(hours=9)  # 08:00 local
    afternoon = NIGHT + timedelta(hours=15)  # 14:00 local
    assert next_allowed(case(None), afternoon, ZONE) == afternoon
