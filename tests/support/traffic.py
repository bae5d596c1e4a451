"""Shared pieces of the provider-traffic tests (tests/channels/): an in-process app on the fake
Bot API, a chat driven to a given question, and a log capture that sees every record."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.app.runtime import Runtime
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.twilio.channel import TwilioChannel
from bot.store.models import Evidence
from tests.support.complaint_script import VICTIM_IN_MEXICO
from tests.support.factories import make_runtime
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.fakes.fake_twilio import FakeTwilio, Phone
from tests.support.telegram_helpers import CHAT, SECRET, run_complaint, settle, telegram_runtime
from webhook import create_app

TELEGRAM_URL = "/webhooks/telegram"


class TelegramBot:
    """An in-process app on the fake Bot API, and the person's side of one chat."""

    def __init__(self, database_url: str, fake: FakeTelegram) -> None:
        self.fake = fake
        self.runtime: Runtime = telegram_runtime(database_url, fake)
        self.client = TestClient(create_app(self.runtime))

    def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        """Post an update; its status code, once the outbox has sent any reply."""
        status = self.fake.post(TELEGRAM_URL, update, secret, self.client).status_code
        settle(self.runtime)
        return status

    def raw(self, body: bytes) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
        response = self.client.post(TELEGRAM_URL, content=body, headers=headers)
        self.fake.carry_out(response)
        settle(self.runtime)
        return response.status_code

    def deliver(self, update: dict[str, Any]) -> None:
        status = self.post(update)
        assert status == 200, status

    def runtime_handlers(self) -> TelegramHandlers:
        """The channel's handlers (started with the app)."""
        channel = self.client.app.state.telegram  # type: ignore[attr-defined]
        assert channel is not None
        handlers: TelegramHandlers = channel.handlers
        return handlers

    def texts(self, chat: int = CHAT) -> list[str]:
        """Every text the bot sent to this chat, in order."""
        return [
            str(call.params.get("text", ""))
            for call in self.fake.calls_to("sendMessage")
            if int(call.params["chat_id"]) == chat
        ]

    def last_step(self, chat: int = CHAT) -> str | None:
        """The step of the last question with buttons, from its callback data."""
        for message in reversed(self.fake.bot_messages(chat)):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            for row in rows:
                for button in row:
                    return str(button["callback_data"]).split(":")[0]
        return None

    def drive_to(self, step_id: str, chat: int = CHAT, language: str = "es") -> None:
        """Answer the canonical complaint until `step_id` is the question asked."""
        steps = [s for s, _ in VICTIM_IN_MEXICO]
        script = VICTIM_IN_MEXICO[: steps.index(step_id)]
        run_complaint(self.fake, self.deliver, script, chat=chat, language=language)

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        self.runtime.close()


@contextmanager
def telegram_bot(database_url: str, fake: FakeTelegram) -> Iterator[TelegramBot]:
    bot = TelegramBot(database_url, fake)
    with bot.client:
        yield bot
    bot.runtime.close()


class Records(logging.Handler):
    """Keeps every record of every logger, formatted, tracebacks included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        # The formatted line (traceback included) and every attribute a handler could print;
        # exc_info is the live exception, which handlers print only through the formatter.
        fields = {k: v for k, v in record.__dict__.items() if k != "exc_info"}
        self.lines.append(self.format(record) + " " + repr(fields))

    def tracebacks(self) -> list[str]:
        return [line for line in self.lines if "Traceback" in line]


@contextmanager
def all_logs(level: int = logging.DEBUG) -> Iterator[Records]:
    """Capture every record at `level` and above from the root logger down."""
    root = logging.getLogger()
    handler = Records()
    before = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(before)


# -- Twilio -----------------------------------------------------------------------------------

TWILIO_ACCOUNT = "AC" + "cd" * 16
TWILIO_TOKEN = "traffic-test-auth-token-5f1e"
PUBLIC = "https://camino.example.org"
SMS_FROM = "+5215550007777"
WA_FROM = "+5215550008888"


def twilio_runtime(tmp_path: Path, fake: FakeTwilio, **overrides: object) -> Runtime:
    values: dict[str, object] = {
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_SMS_FROM": SMS_FROM,
        "TWILIO_WHATSAPP_FROM": f"whatsapp:{WA_FROM}",
        "TWILIO_API_BASE_URL": fake.base_url,
        "CAMINO_PUBLIC_URL": PUBLIC,
    }
    values.update(overrides)
    return make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path, **values)


def phone(client: TestClient, fake: FakeTwilio, sender: str, *, whatsapp: bool = False) -> Phone:
    to = WA_FROM if whatsapp else SMS_FROM
    return Phone(client, fake, public_url=PUBLIC, sender=sender, to=to, whatsapp=whatsapp)


def twilio_channel(client: TestClient) -> TwilioChannel:
    channel: TwilioChannel = client.app.state.twilio  # type: ignore[attr-defined]
    return channel


def to_evidence(person: Phone) -> None:
    """Answer by SMS/WhatsApp until "what happened" is asked (files are kept at any question;
    a file there is kept as evidence and the question asked again)."""
    person.send("Hola")  # Spanish, from the greeting
    for answer in ("1", "1", "4", "1", "Chiapas"):
        person.send(answer)


JPEG = b"\xff\xd8\xff" + b"x" * 500


def kept(runtime: Runtime) -> int:
    with runtime.sessions() as db:
        return int(db.scalar(select(func.count()).select_from(Evidence)) or 0)


def media_form(urls: list[str]) -> dict[str, str]:
    form = {"NumMedia": str(len(urls))}
    for index, url in enumerate(urls):
        form[f"MediaUrl{index}"] = url
        form[f"MediaContentType{index}"] = "image/jpeg"
    return form
