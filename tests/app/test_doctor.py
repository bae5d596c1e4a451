"""`camino doctor` against a fake Telegram and a fake Twilio: each problem is named, with a fix."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.app.cli import main
from bot.core.config import get_settings
from bot.delivery.templates import template_keys
from bot.store.models import OutboxMessage
from tests.support.factories import TEST_DATA_KEY, make_runtime
from tests.support.fakes.fake_telegram import TOKEN, FakeTelegram
from tests.support.fakes.fake_twilio import FakeTwilio

SID = "AC" + "d0" * 16
AUTH = "doctor-auth-token"
PUBLIC = "https://camino.example.org"
SMS = "+525500000001"
WHATSAPP = "whatsapp:+525500000002"
SECRET = "telegram-webhook-secret-0123456789"


@dataclass
class World:
    """A production-like configuration whose providers are fakes."""

    tmp: Path
    telegram: FakeTelegram
    twilio: FakeTwilio
    templates: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"sqlite:///{self.tmp}/camino.db"

    def doctor(self, **overrides: str | None) -> Result:
        env: dict[str, str | None] = {
            "CAMINO_ENV": "production",
            "CAMINO_DATABASE_URL": self.url,
            "CAMINO_DATA_KEY": TEST_DATA_KEY,
            "CAMINO_KEY_FILE": str(self.tmp / "missing.key"),
            "CAMINO_PUBLIC_URL": PUBLIC,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_BASE_URL": self.telegram.base_url,
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_AUTH_TOKEN": AUTH,
            "TWILIO_SMS_FROM": SMS,
            "TWILIO_WHATSAPP_FROM": WHATSAPP,
            "TWILIO_API_BASE_URL": self.twilio.base_url,
            "CAMINO_WHATSAPP_TEMPLATES": json.dumps(self.templates),
            "CAMINO_DIRECTORY_FILE": None,
            **self.env,
            **overrides,
        }
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(main, ["doctor"], env=env, catch_exceptions=False)
        finally:
            get_settings.cache_clear()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with FakeTelegram() as telegram, FakeTwilio(SID, AUTH) as twilio:
        runtime = make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path)
        runtime.close()
        telegram.webhook = {"url": PUBLIC + "/webhooks/telegram", "secret_token": SECRET}
        twilio.add_number(SMS, sms_url=PUBLIC + "/webhooks/twilio/sms")
        twilio.add_whatsapp_sender(
            WHATSAPP,
            callback_url=PUBLIC + "/webhooks/twilio/whatsapp",
            status_callback_url=PUBLIC + "/webhooks/twilio/status",
        )
        templates = {}
        for key in template_keys():
            sid = twilio.add_content(f"camino_{key.replace(':', '_')}", key[-2:], "Camino")
            twilio.decide(sid, "approved")
            templates[key] = sid
        yield World(tmp_path, telegram, twilio, templates)


def problems(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("PROBLEM")]


def test_a_good_configuration_passes(world: World) -> None:
    result = world.doctor()
    assert result.exit_code == 0, result.output
    assert problems(result) == []
    assert "No problems found." in result.output
    for name in ("public URL", "database", "master key", "Telegram webhook", "SMS number"):
        assert f"ok       {name}: " in result.output
    everything = f"all {len(template_keys())} kinds and languages have an approved Content SID"
    assert f"WhatsApp templates: {everything}" in (result.output)
    assert TEST_DATA_KEY not in result.output and AUTH not in result.output
    assert TOKEN not in result.output and SECRET not in result.output
    # Doctor only reads: it asked Telegram, and registered nothing.
    assert [c.method for c in world.telegram.calls] == ["getMe", "getWebhookInfo"]
    assert {r.method for r in world.twilio.requests} == {"GET"}


def test_a_wrong_webhook_url_fails(world: World) -> None:
    world.telegram.webhook = {"url": "https://old.example.org/webhooks/telegram"}
    world.telegram.webhook_pending = 12
    world.telegram.webhook_error = (
        int((datetime.now(UTC) - timedelta(minutes=5)).timestamp()),
        "Wrong response from the webhook: 502 Bad Gateway",
    )
    result = world.doctor()
    assert result.exit_code == 1
    found = problems(result)
    assert (
        "PROBLEM  Telegram webhook: Telegram delivers to https://old.example.org/webhooks/telegram,"
        f" not to {PUBLIC}/webhooks/telegram. Fix: Run `camino telegram set-webhook`"
    ) in found[0]
    assert (
        "the last delivery failed 5 minutes ago (Wrong response from the webhook: 502" in (found[1])
    )
    assert "12 update(s) waiting" in found[1]
    assert "Error: 2 problem(s) found." in result.output


def test_a_wrong_twilio_number_webhook_fails(world: World) -> None:
    number = next(iter(world.twilio.numbers.values()))
    number["sms_url"] = "https://old.example.org/sms"
    result = world.doctor()
    assert result.exit_code == 1
    assert problems(result) == [
        f"PROBLEM  SMS number: messages to {SMS} go to https://old.example.org/sms, not to "
        f"{PUBLIC}/webhooks/twilio/sms. Fix: In the Twilio console (Phone Numbers > {SMS} > "
        f"Messaging), set 'A message comes in' to {PUBLIC}/webhooks/twilio/sms, HTTP POST."
    ]


def test_an_unapproved_template_fails(world: World) -> None:
    sid = world.templates["notice:fr"]
    world.twilio.decide(sid, "rejected", "INVALID_FORMAT")
    del world.templates["digest:ht"]
    result = world.doctor()
    assert result.exit_code == 1
    assert problems(result) == [
        "PROBLEM  WhatsApp templates: no Content SID for digest:ht. Fix: Run `camino whatsapp "
        "templates sync` and wait for WhatsApp's approval.",
        f"PROBLEM  WhatsApp templates: not approved by WhatsApp: notice:fr ({sid}) is rejected: "
        "INVALID_FORMAT. Fix: Run `camino whatsapp templates sync` and wait for WhatsApp's "
        "approval.",
    ]


def test_a_missing_or_wrong_master_key_fails(world: World) -> None:
    result = world.doctor(CAMINO_DATA_KEY=None)
    assert result.exit_code == 1
    assert problems(result)[0].startswith(
        "PROBLEM  master key: CAMINO_DATA_KEY is not set. Fix: Set CAMINO_DATA_KEY"
    )
    other = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
    result = world.doctor(CAMINO_DATA_KEY=other)
    assert result.exit_code == 1
    assert problems(result)[0].startswith(
        "PROBLEM  master key: CAMINO_DATA_KEY does not open 1 of 1 stored data keys."
    )
    assert other not in result.output


def test_a_stuck_outbox_fails(world: World) -> None:
    runtime = make_runtime(world.url, world.tmp)
    now = datetime.now(UTC)
    with runtime.sessions() as db, db.begin():
        for minutes in (50, 3):
            db.add(
                OutboxMessage(
                    channel="sms",
                    kind="notice",
                    status="queued",
                    next_attempt_at=now - timedelta(minutes=minutes),
                    created_at=now - timedelta(hours=1),
                    updated_at=now,
                )
            )
    runtime.close()
    result = world.doctor()
    assert result.exit_code == 1
    assert problems(result) == [
        "PROBLEM  outbox: 2 message(s) waiting; the oldest has been due for 50 minutes. Fix: "
        "Check that `camino serve` (or `camino telegram poll`) runs with "
        "CAMINO_OUTBOX_ENABLED=true, and the providers' errors in its log."
    ]


def test_plain_http_and_an_old_database_fail(world: World, tmp_path: Path) -> None:
    result = world.doctor(
        CAMINO_PUBLIC_URL="http://camino.example.org",
        CAMINO_DATABASE_URL=f"sqlite:///{tmp_path}/empty.db",
    )
    assert result.exit_code == 1
    found = problems(result)
    assert found[0].startswith(
        "PROBLEM  public URL: CAMINO_PUBLIC_URL (http://camino.example.org) is not an https URL."
    )
    assert found[1].startswith(
        "PROBLEM  database: the database is at no migration; this version of Camino needs"
    )
    assert "Run `camino db upgrade`" in found[1]
