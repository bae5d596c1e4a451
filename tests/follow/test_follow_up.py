"""Families follow a case by code and PIN: locks that survive restarts, subscriptions, VER."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import cases
from bot.conversation.messages import InboundEvent
from bot.core import zones
from bot.core.clock import FrozenClock
from bot.core.zones import country_zones, parse_clock
from bot.follow import subscriptions
from bot.store.contacts import Sender
from bot.store.models import CallbackRequest, FollowSubscription, OutboxMessage
from tests.support.casework import add_event
from tests.support.chats import REPORTER, filed_case, follow, say, start
from tests.support.factories import make_runtime

NOON_MX = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)  # 12:00 in Mexico City, 11:00 in Honduras
RELATIVE = Sender("sms", "+50499990011")


def test_relative_follows_sees_timeline_and_asks_for_call(
    database_url: str, tmp_path: Path
) -> None:
    clock = FrozenClock(NOON_MX)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    code, pin = filed_case(runtime)
    done = follow(runtime, RELATIVE, code, pin)
    with runtime.sessions() as db:
        sub = db.query(FollowSubscription).one()
        assert (sub.language, sub.timezone, sub.channel) == ("en", "America/Tegucigalpa", "sms")
        assert (sub.quiet_start, sub.quiet_end) == ("21:00", "08:00")
        assert sub.reference in done
    add_event(runtime, code, note="Hablamos con la fiscalía")
    seen = say(runtime, RELATIVE, "SEE")
    assert sub.reference in seen and "Hablamos con la fiscalía" in seen
    assert "in_review" not in seen
    say(runtime, RELATIVE, "2")
    with runtime.sessions() as db:
        assert db.query(CallbackRequest).count() == 1
    say(runtime, RELATIVE, "3")  # stop following
    with runtime.sessions() as db:
        assert db.query(FollowSubscription).count() == 0
        assert db.query(OutboxMessage).filter(OutboxMessage.kind == "notice").count() == 0


def test_five_wrong_pins_lock_the_case_for_an_hour_even_across_a_restart(
    database_url: str, tmp_path: Path
) -> None:
    clock = FrozenClock(NOON_MX)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    code, pin = filed_case(runtime)
    wrong = "000000" if pin != "000000" else "111111"
    for attempt in range(5):
        sender = Sender("sms", f"+5049999000{attempt}")  # five different phones
        start(runtime, sender)
        say(runtime, sender, "Seguir un caso")
        say(runtime, sender, code)
        answer = say(runtime, sender, wrong)
    assert "una hora" in answer
    runtime.close()
    runtime = make_runtime(database_url, tmp_path, clock=clock)  # a restart
    start(runtime, RELATIVE)
    say(runtime, RELATIVE, "Seguir un caso")
    say(runtime, RELATIVE, code)
    assert "una hora" in say(runtime, RELATIVE, pin)  # even the right PIN waits
    with runtime.sessions() as db:
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        assert subscriptions.case_locked_until(db, case.id, clock()) is not None
    clock.advance(minutes=61)
    say(runtime, RELATIVE, "Seguir un caso")
    say(runtime, RELATIVE, code)
    assert "país" in say(runtime, RELATIVE, pin)  # the chat's language is not asked again


def test_ten_wrong_tries_lock_the_sender(database_url: str, tmp_path: Path) -> None:
    clock = FrozenClock(NOON_MX)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    code, pin = filed_case(runtime)
    start(runtime, RELATIVE)
    for letter in "ABCDEFGHJK":
        say(runtime, RELATIVE, "Seguir un caso")
        say(runtime, RELATIVE, f"2345-6789-ABC{letter}")  # ten codes, none of them a case
        answer = say(runtime, RELATIVE, "123456")
    assert "una hora" in answer
    say(runtime, RELATIVE, "Seguir un caso")
    say(runtime, RELATIVE, code)
    assert "una hora" in say(runtime, RELATIVE, pin)


def test_country_with_several_zones_asks_the_time(database_url: str, tmp_path: Path) -> None:
    clock = FrozenClock(NOON_MX)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    code, pin = filed_case(runtime)
    asked = follow(runtime, RELATIVE, code, pin, country="Estados Unidos", lang="es")
    assert "hora" in asked
    local = clock().astimezone(ZoneInfo("America/Los_Angeles"))
    say(runtime, RELATIVE, local.strftime("%I:%M %p"))
    with runtime.sessions() as db:
        zone = ZoneInfo(db.query(FollowSubscription).one().timezone)
        assert clock().astimezone(zone).utcoffset() == local.utcoffset()


def test_a_relative_who_does_not_know_the_time_still_follows(
    database_url: str, tmp_path: Path
) -> None:
    clock = FrozenClock(NOON_MX)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    code, pin = filed_case(runtime)
    asked = follow(runtime, RELATIVE, code, pin, country="United States", lang="en")
    assert "I don't know" in asked  # a button, or its number on SMS
    # 3 am is no time of any zone of the United States at noon in Mexico City.
    assert "your phone" in say(runtime, RELATIVE, "3:00 am")
    say(runtime, RELATIVE, "I don't know")
    with runtime.sessions() as db:
        assert db.query(FollowSubscription).one().timezone == country_zones("US")[0]


def test_reporter_lists_and_revokes_followers(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path, clock=FrozenClock(NOON_MX))
    code, pin = filed_case(runtime)
    follow(runtime, RELATIVE, code, pin)
    listing = say(runtime, REPORTER, "Quién sigue mi caso")
    assert "SMS ···11" in listing and "+50499990011" not in listing
    say(runtime, REPORTER, "1")
    with runtime.sessions() as db:
        assert db.query(FollowSubscription).count() == 0


def test_sms_details_need_the_pin_again_after_30_days(database_url: str, tmp_path: Path) -> None:
    clock = FrozenClock(NOON_MX)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    code, pin = filed_case(runtime)
    follow(runtime, RELATIVE, code, pin, lang="es")
    clock.advance(days=31)
    asked = say(runtime, RELATIVE, "VER")
    assert "PIN" in asked
    shown = say(runtime, RELATIVE, pin)
    assert "Camino, caso" in shown and "nunca pide dinero" in shown
    assert "PIN" not in shown


def test_telegram_deep_link_goes_straight_to_the_pin(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path, clock=FrozenClock(NOON_MX))
    code, pin = filed_case(runtime)
    sender = Sender("telegram", "4242")
    reply = runtime.conversations.handle(
        sender, InboundEvent(command="start", payload=code.replace("-", ""), language_hint="es")
    )
    assert reply is not None
    assert "PIN" in reply.messages[-1].text
    assert "país" in say(runtime, sender, pin)


def test_zone_table_knows_countries() -> None:
    assert country_zones("HN") == ("America/Tegucigalpa",)
    assert len(country_zones("US")) > 5 and country_zones("MX")[0] == "America/Mexico_City"


def test_zones_work_without_the_system_zone_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slim containers and Windows have no /usr/share/zoneinfo: the `tzdata` package serves."""
    monkeypatch.setattr(zones, "_TABLES", (tmp_path / "zone1970.tab",))
    zones._zones_by_country.cache_clear()
    zoneinfo.reset_tzpath(to=[])
    zoneinfo.ZoneInfo.clear_cache()
    try:
        assert country_zones("HN") == ("America/Tegucigalpa",)
        moment = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
        local = moment.astimezone(zoneinfo.ZoneInfo("America/Tegucigalpa"))
        assert local.hour == 12  # from the tzdata package, not the system
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()
        zones._zones_by_country.cache_clear()


@given(st.text(max_size=20))
def test_parse_clock_never_crashes(text: str) -> None:
    parsed = parse_clock(text)
    assert parsed is None or 0 <= parsed.hour < 24


@given(st.integers(0, 23), st.integers(0, 59))
def test_parse_clock_reads_24h_and_12h(hour: int, minute: int) -> None:
    assert parse_clock(f"{hour}:{minute:02d}") == datetime(2026, 1, 1, hour, minute).time()
    twelve = datetime(2026, 1, 1, hour, minute).strftime("%I:%M %p")
    assert parse_clock(twelve) == datetime(2026, 1, 1, hour, minute).time()


def test_subscription_reference_is_not_the_case_code(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path, clock=FrozenClock(NOON_MX))
    code, pin = filed_case(runtime)
    follow(runtime, RELATIVE, code, pin)
    with runtime.sessions() as db:
        reference = db.query(FollowSubscription).one().reference
    assert len(reference) == 4 and reference not in code.replace("-", "")[-4:] + "x"
    assert timedelta(0) == timedelta(0)
