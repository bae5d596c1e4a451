"""Shared pieces of the Telegram channel tests: a runtime and an app on the fake, a driver."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import and_, func, or_, select

from bot.app.runtime import Runtime, build_runtime
from bot.core.clock import Clock, system_clock
from bot.core.config import Settings
from bot.store.models import Case, Evidence, OutboxMessage
from tests.support.databases import count_rows, count_rows_at
from tests.support.factories import camino_env, make_settings
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.waiting import wait_for
from webhook import create_app

URL = "/webhooks/telegram"
SECRET = "s3cret-Webhook_token"
CHAT = 5550001
JPEG = b"\xff\xd8\xff\xe0" + b"photo-bytes" * 50
OGG = b"OggS" + b"voice-bytes" * 50


def telegram_settings(database_url: str, fake: FakeTelegram) -> Settings:
    """Settings for an in-process app that talks to the fake Bot API."""
    return make_settings(database_url, None, **telegram_values(fake))


def telegram_runtime(database_url: str, fake: FakeTelegram, clock: Clock = system_clock) -> Runtime:
    return build_runtime(telegram_settings(database_url, fake), clock=clock)


def telegram_env(database_url: str, fake: FakeTelegram) -> dict[str, str]:
    """Environment for a `camino serve` or `camino telegram poll` subprocess."""
    return camino_env(database_url, **telegram_values(fake))


def telegram_values(fake: FakeTelegram) -> dict[str, str]:
    """`TELEGRAM_*` settings (or environment) for a Camino on this fake Bot API; replies go
    through the outbox, which the fake lets send as fast as it can."""
    return {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "CAMINO_RATE_TELEGRAM": "1000",
        "CAMINO_RATE_TELEGRAM_PER_CHAT": "1000",
        "CAMINO_OUTBOX_BACKOFF_SECONDS": "0.05",
    }


def unsent(now: datetime) -> Any:
    """Outbox rows not yet sent that are due: being sent, or queued for now or earlier (a row
    waiting for a retry later is not one)."""
    return or_(
        OutboxMessage.status == "sending",
        and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
    )


def settle(runtime: Runtime) -> None:
    """Wait until the outbox of an in-process app has sent every due reply."""

    def sent() -> bool:
        with runtime.sessions() as db:
            query = select(func.count()).select_from(OutboxMessage)
            return not db.scalar(query.where(unsent(runtime.clock())))

    wait_for(sent, "the outbox to send the replies")


def replies_sent(database_url: str) -> bool:
    """Whether the outbox of the server on this database has sent every due reply."""
    return count_rows_at(database_url, OutboxMessage, unsent(datetime.now(UTC))) == 0


class Bot:
    """An in-process app on the fake Bot API, and the person's side of one chat."""

    def __init__(self, runtime: Runtime, fake: FakeTelegram) -> None:
        self.runtime = runtime
        self.fake = fake
        self.client = TestClient(create_app(runtime))

    def deliver(self, update: dict[str, Any]) -> None:
        """Post an update (200 expected) and wait until the outbox has sent its reply."""
        response = self.fake.post(URL, update, SECRET, self.client)
        assert response.status_code == 200, response.text
        self.settle()

    def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        """Post an update; its status code, once the outbox has sent any reply."""
        status = self.fake.post(URL, update, secret, self.client).status_code
        self.settle()
        return status

    def settle(self) -> None:
        settle(self.runtime)

    def count(self, model: type) -> int:
        return count_rows(self.runtime, model)

    def sent(self) -> int:
        return len(self.fake.calls_to("sendMessage"))


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, callback data) of a bot message's inline keyboard, in order."""
    markup = message.get("reply_markup") or {}
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


def button_steps(message: dict[str, Any]) -> set[str]:
    return {data.split(":")[0] for _, data in buttons(message)}


Deliver = Callable[[dict[str, Any]], None]


def run_complaint(
    fake: FakeTelegram,
    deliver: Deliver,
    script: list[tuple[str, str]],
    *,
    chat: int = CHAT,
    language: str = "es",
    wait: Callable[[], None] | None = None,
    share_location: bool = True,
) -> None:
    """Answer a complaint script over Telegram: buttons where the question has them (a press
    per option of a multi-choice, then «Listo»), typed text elsewhere, a photo before the
    account and a voice note before the date (files are kept at any question), and a shared
    location for the place when asked to."""
    settle = wait or (lambda: None)
    deliver(fake.text(chat, "/start", language))
    settle()
    for step_id, answer in script:
        last = fake.last_bot_message(chat)
        steps = button_steps(last)
        if steps == {"place_type"} != {step_id}:  # a shared location does not say what place
            deliver(fake.press(chat, last["message_id"], buttons(last)[0][1], language))
            settle()
            last = fake.last_bot_message(chat)
            steps = button_steps(last)
        if steps:
            assert steps == {step_id}, (step_id, last.get("text"))
        if step_id in ("description", "incident_date"):  # evidence first, then the answer
            media = fake.photo(chat, JPEG, language) if step_id == "description" else None
            deliver(media or fake.voice(chat, OGG, language))
            settle()
            last = fake.last_bot_message(chat)
        options_count = len(buttons(last)) if steps else 0
        numbers = [part.strip() for part in answer.split(",")]
        if step_id == "incident_place" and share_location:
            deliver(fake.location(chat, 16.75, -93.12, language))
        elif steps and all(n.isdigit() and 1 <= int(n) <= options_count for n in numbers):
            options = buttons(last)
            picks = [int(part) for part in answer.split(",")]
            for number in picks:
                deliver(fake.press(chat, last["message_id"], options[number - 1][1], language))
                settle()
                last = _by_id(fake, chat, last)
            if any(d.endswith(":_done") for _, d in options):
                deliver(fake.press(chat, last["message_id"], f"{step_id}:_done", language))
        else:
            deliver(fake.text(chat, answer, language))
        settle()


def _by_id(fake: FakeTelegram, chat: int, message: dict[str, Any]) -> dict[str, Any]:
    for current in fake.messages(chat):
        if current["message_id"] == message["message_id"]:
            return current
    raise AssertionError("the multi-choice question was not kept in place")


def filed_cases(database_url: str) -> tuple[int, int]:
    """(submitted cases, evidence items) in the database."""
    return (
        count_rows_at(database_url, Case, Case.status != "draft"),
        count_rows_at(database_url, Evidence),
    )
