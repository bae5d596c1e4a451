"""The Telegram webhook in-process: secret, dedupe, buttons, media, erase, limits, blocking."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.app.runtime import build_runtime
from bot.channels.telegram import CHANNEL
from bot.channels.telegram.app import register_webhook
from bot.channels.telegram.recent import RecentMessages
from bot.core.clock import FrozenClock
from bot.store.contacts import Sender
from bot.store.models import Contact, InboundReceipt, OutboxMessage, RecentMessage
from tests.support.complaint_script import VICTIM_IN_MEXICO
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.telegram_helpers import (
    CHAT,
    JPEG,
    SECRET,
    URL,
    Bot,
    button_steps,
    buttons,
    filed_cases,
    run_complaint,
    telegram_runtime,
    telegram_settings,
)
from tests.support.waiting import wait_for
from webhook import create_app


def test_wrong_or_missing_secret_is_refused_and_nothing_is_stored(bot: Bot) -> None:
    update = bot.fake.text(CHAT, "/start")
    assert bot.post(update, secret="nope") == 403
    assert bot.post(update, secret=None) == 403
    assert bot.count(InboundReceipt) == 0 and bot.count(Contact) == 0
    assert bot.sent() == 0


def test_bad_bodies_get_clear_answers(bot: Bot) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    assert bot.client.post(URL, content=b"{not json", headers=headers).status_code == 400
    assert bot.client.post(URL, content=b"[1, 2]", headers=headers).status_code == 400
    assert bot.client.post(URL, content=b'{"update_id": "x"}', headers=headers).status_code == 400
    unknown = {"update_id": 1, "my_chat_member": {"weird": True}}
    assert bot.post(unknown) == 200
    assert bot.sent() == 0 and bot.count(InboundReceipt) == 0
    edited = bot.fake.text(CHAT, "hola")
    edited["edited_message"] = edited.pop("message")
    assert bot.post(edited) == 200
    # An edit gets one line saying edits change nothing (issue 17), and no conversation turn.
    assert bot.sent() == 1 and bot.count(Contact) == 0


def test_a_redelivered_update_is_processed_once(bot: Bot) -> None:
    update = bot.fake.text(CHAT, "/start")
    bot.deliver(update)
    first = bot.sent()
    bot.deliver(update)
    bot.deliver(update)
    assert first == 2 and bot.sent() == first
    assert bot.count(InboundReceipt) == 1


def test_buttons_stale_and_forged_presses_and_multi_choice_in_place(bot: Bot) -> None:
    fake = bot.fake
    bot.deliver(fake.text(CHAT, "/start", "en"))
    menu = fake.last_bot_message(CHAT)
    assert buttons(menu)[0] == ("Report a crime or abuse", "menu:report")
    bot.deliver(fake.press(CHAT, menu["message_id"], "menu:report", "en"))
    assert fake.calls_to("answerCallbackQuery")
    assert "reply_markup" not in fake.messages(CHAT)[2]  # the answered keyboard is removed
    consent = fake.last_bot_message(CHAT)
    bot.deliver(fake.press(CHAT, consent["message_id"], "consent_store:yes", "en"))
    # The old consent button again: stale, the current question is asked again.
    before = bot.sent()
    bot.deliver(fake.press(CHAT, consent["message_id"], "consent_store:yes", "en"))
    again = fake.last_bot_message(CHAT)
    assert bot.sent() == before + 1 and "earlier question" in again["text"]
    assert {d.split(":")[0] for _, d in buttons(again)} == {"danger_now"}
    bot.deliver(fake.press(CHAT, again["message_id"], "nonsense-data", "en"))
    assert {d.split(":")[0] for _, d in buttons(fake.last_bot_message(CHAT))} == {"danger_now"}
    # Typed answers work too.
    bot.deliver(fake.text(CHAT, "no", "en"))
    bot.deliver(fake.text(CHAT, "1", "en"))
    bot.deliver(fake.text(CHAT, "Chiapas", "en"))
    bot.deliver(fake.text(CHAT, "They stopped us on the road", "en"))
    crimes = fake.last_bot_message(CHAT)
    first_option = buttons(crimes)[0][1]
    assert first_option.startswith("crime_types:")
    sent = bot.sent()
    bot.deliver(fake.press(CHAT, crimes["message_id"], first_option, "en"))
    assert bot.sent() == sent  # the ✓ is drawn in place, no new message
    edited = fake.messages(CHAT)[-1]
    assert edited["message_id"] == crimes["message_id"]
    assert buttons(edited)[0][0].startswith("✓ ")
    assert len(fake.calls_to("answerCallbackQuery")) == 5


def test_start_with_a_deep_link_payload_reaches_the_engine(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bot.runtime.conversations.handle
    seen: list[Any] = []

    def spy(sender: Any, event: Any, **kwargs: Any) -> Any:
        seen.append(event)
        return real(sender, event, **kwargs)

    monkeypatch.setattr(bot.runtime.conversations, "handle", spy)
    bot.deliver(bot.fake.text(CHAT, "/start K7QM4T9X2HCB", "en-US"))
    assert (seen[0].command, seen[0].payload) == ("start", "K7QM4T9X2HCB")
    assert seen[0].language_hint == "en-US"
    assert bot.fake.bot_messages(CHAT)


def test_a_429_storm_delays_but_loses_nothing(bot: Bot) -> None:
    bot.fake.fail("sendMessage", 429, times=2, retry_after=0.1)
    bot.deliver(bot.fake.text(CHAT, "/start"))
    assert len(bot.fake.calls_to("sendMessage")) == 4
    assert len(bot.fake.bot_messages(CHAT)) == 2


def test_blocked_bot_marks_the_contact_stopped_until_they_write_again(bot: Bot) -> None:
    bot.fake.block(CHAT)
    bot.deliver(bot.fake.text(CHAT, "/start"))
    with bot.runtime.sessions() as db:
        assert db.scalars(select(Contact)).one().stopped is True
    bot.fake.blocked.clear()
    bot.deliver(bot.fake.text(CHAT, "menu"))
    with bot.runtime.sessions() as db:
        assert db.scalars(select(Contact)).one().stopped is False


def test_a_crash_answers_500_and_the_retry_is_processed(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bot.runtime.conversations.handle
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(bot.runtime.conversations, "handle", flaky)
    update = bot.fake.text(CHAT, "/start")
    assert bot.post(update) == 500
    assert bot.post(update) == 200
    assert bot.post(update) == 200
    assert bot.sent() == 2


def test_files_over_the_cap_or_of_other_kinds_are_not_fetched(bot: Bot) -> None:
    fake = bot.fake
    bot.deliver(fake.text(CHAT, "/start"))
    bot.deliver(
        fake.document(CHAT, b"%PDF-1.4 tiny", "application/pdf", "big.pdf", size=6 * 1024 * 1024)
    )
    assert any("muy grande" in m["text"] for m in fake.bot_messages(CHAT))
    bot.deliver(fake.document(CHAT, b"\x00\x00video", "video/mp4", "clip.mp4"))
    assert not fake.calls_to("getFile")


def test_group_chats_are_ignored_politely(bot: Bot) -> None:
    group = {
        "update_id": bot.fake.new_update_id(),
        "message": {
            "message_id": 9,
            "date": 1,
            "chat": {"id": -100, "type": "group", "title": "G"},
            "from": {"id": 7, "is_bot": False, "first_name": "X"},
            "text": "hola",
        },
    }
    assert bot.post(group) == 200
    command = {
        "update_id": bot.fake.new_update_id(),
        "message": {
            **group["message"],
            "message_id": 10,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    assert bot.post(command) == 200
    sends = bot.fake.calls_to("sendMessage")
    assert len(sends) == 1 and "privado" in sends[0].params["text"]
    assert sends[0].in_answer  # nobody to queue it for: it rides on the webhook's answer
    assert bot.count(Contact) == 0


def test_channel_off_without_a_token(
    sqlite_url: str, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    settings = telegram_settings(sqlite_url, fake).model_copy(update={"telegram_bot_token": None})
    runtime = build_runtime(settings)
    with TestClient(create_app(runtime)) as client:
        response = fake.post(URL, {"update_id": 1}, SECRET, client)
        assert response.status_code == 404
    runtime.close()
    assert not fake.calls


async def test_set_webhook_registers_url_secret_updates_and_commands(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    url = await register_webhook(telegram_settings(sqlite_url, fake))
    assert url.endswith("/webhooks/telegram")
    (call,) = fake.calls_to("setWebhook")
    assert call.params["url"] == url and call.params["secret_token"] == SECRET
    assert call.params["allowed_updates"] == ["message", "edited_message", "callback_query"]
    commands = fake.calls_to("setMyCommands")
    languages = {c.params.get("language_code") for c in commands}
    assert {None, "es", "en"} <= languages
    english = next(c for c in commands if c.params.get("language_code") == "en")
    names = {c["command"]: c["description"] for c in english.params["commands"]}
    assert {"start", "help", "language", "erase", "menu", "back", "exit"} == set(names)
    assert names["help"] == "Help"


# -- erase ------------------------------------------------------------------------------


def test_erase_deletes_everything_under_48_hours_and_keeps_the_report(
    database_url: str, camino_data_key: str
) -> None:
    clock = FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    with FakeTelegram() as fake:
        runtime = telegram_runtime(database_url, fake, clock)
        bot = Bot(runtime, fake)
        with bot.client:
            bot.deliver(fake.text(CHAT, "/start"))  # messages 1-3: too old to erase later
            clock.advance(hours=47)
            run_complaint(fake, bot.deliver, VICTIM_IN_MEXICO)
            receipt = next(m for m in fake.bot_messages(CHAT) if "código de caso" in m["text"])
            assert receipt["has_protected_content"] is True
            for _ in range(20):  # enough messages that erasing needs several calls
                bot.deliver(fake.text(CHAT, "/help"))
            clock.advance(hours=2)
            last_before = fake.messages(CHAT)[-1]["message_id"]
            bot.deliver(fake.text(CHAT, "/erase"))
            confirm = fake.last_bot_message(CHAT)
            assert [d for _, d in buttons(confirm)] == ["erase:yes", "erase:no"]
            bot.deliver(fake.press(CHAT, confirm["message_id"], "erase:yes"))
            deleted = [i for c in fake.calls_to("deleteMessages") for i in c.params["message_ids"]]
            assert len(fake.calls_to("deleteMessages")) >= 2  # over 100 ids: several calls
            assert sorted(deleted) == list(range(4, confirm["message_id"] + 1))
            assert last_before + 2 == confirm["message_id"]
            left = fake.messages(CHAT)
            assert [m["message_id"] for m in left[:3]] == [1, 2, 3]
            assert len(left) == 4 and left[-1]["text"] == "Listo."
            assert bot.count(RecentMessage) == 0
        runtime.close()
    assert filed_cases(database_url) == (1, 3)


def test_erase_asks_first_and_no_keeps_everything(bot: Bot) -> None:
    fake = bot.fake
    bot.deliver(fake.text(CHAT, "/start"))
    bot.deliver(fake.text(CHAT, "Borrar"))
    confirm = fake.last_bot_message(CHAT)
    assert "48 horas" in confirm["text"]
    press = fake.press(CHAT, confirm["message_id"], "erase:no")
    bot.deliver(press)
    bot.deliver(press)  # redelivered: the spinner is answered again, nothing else is redone
    assert not fake.calls_to("deleteMessages")
    assert fake.last_bot_message(CHAT)["text"] == "Bien, no borré nada."
    assert len(fake.calls_to("answerCallbackQuery")) == 2
    assert len(fake.messages(CHAT)) == 6


def test_recent_ids_older_than_48_hours_are_pruned(
    sqlite_url: str, fake: FakeTelegram, camino_data_key: str
) -> None:
    clock = FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    runtime = telegram_runtime(sqlite_url, fake, clock)
    bot = Bot(runtime, fake)
    with bot.client:
        # The person's message ids are kept here; the bot's are on the outbox rows that sent them.
        bot.deliver(fake.text(CHAT, "/start"))
        with runtime.sessions() as db:
            first = db.scalars(select(RecentMessage.id)).all()
        assert len(first) == 1
        clock.advance(hours=49)
        bot.deliver(fake.text(CHAT, "/menu"))
        with runtime.sessions() as db:
            kept = db.scalars(select(RecentMessage.id)).all()
        assert len(kept) == 1 and kept != first
        with runtime.sessions() as db:
            blobs = [row.message_ref_enc for row in db.scalars(select(RecentMessage))]
        assert all(b"4" not in blob[:0] and not blob.isdigit() for blob in blobs)
    runtime.close()


# -- failures while answering ---------------------------------------------------------------


def texts(fake: FakeTelegram) -> list[str]:
    return [m.get("text", "") for m in fake.bot_messages(CHAT)]


@pytest.fixture
def quick(fake: FakeTelegram, sqlite_url: str) -> Iterator[Bot]:
    """A bot whose outbox worker polls and backs off in tens of milliseconds."""
    settings = telegram_settings(sqlite_url, fake).model_copy(
        update={
            "outbox_poll_seconds": 0.05,
            "outbox_backoff_seconds": 0.05,
            "rate_telegram_per_chat": 1000.0,
        }
    )
    runtime = build_runtime(settings)
    app = Bot(runtime, fake)
    with app.client:
        yield app
    runtime.close()


def unsent_replies(bot: Bot) -> int:
    with bot.runtime.sessions() as db:
        query = select(func.count()).select_from(OutboxMessage)
        return int(db.scalar(query.where(OutboxMessage.status.in_(("queued", "sending")))) or 0)


def test_a_receipt_the_bot_api_refuses_for_a_while_reaches_the_chat_once_in_order(
    quick: Bot,
) -> None:
    fake = quick.fake
    run_complaint(fake, quick.deliver, VICTIM_IN_MEXICO[:-1])
    summary = fake.last_bot_message(CHAT)
    assert button_steps(summary) == {"summary"}
    shown = len(fake.bot_messages(CHAT))
    # The webhook answers at once; the outbox meets the 429s and tries again after each.
    fake.fail("sendMessage", 429, times=2, retry_after=0.05)
    quick.deliver(fake.press(CHAT, summary["message_id"], buttons(summary)[0][1]))
    wait_for(lambda: unsent_replies(quick) == 0, "the receipt", timeout=20, interval=0.02)
    after = fake.bot_messages(CHAT)[shown:]
    receipt = after[0]  # the first of the reply, whatever the retries
    assert "Su código de caso es" in receipt["text"]
    assert [m for m in after if "Su código de caso es" in m.get("text", "")] == [receipt]
    assert receipt["has_protected_content"] is True
    assert button_steps(after[-1])  # the menu, with its buttons
    assert "reply_markup" not in fake.messages(CHAT)[summary["message_id"] - 1]
    tries = [c for c in fake.calls_to("sendMessage") if "código de caso" in c.params["text"]]
    assert len(tries) == 3
    with quick.runtime.sessions() as db:
        row = db.scalars(
            select(OutboxMessage).where(
                OutboxMessage.provider_message_id == str(receipt["message_id"])
            )
        ).one()
    assert (row.kind, row.status, row.attempts) == ("reply", "sent", 3)
    assert row.body_enc is None  # sent: its words stay in the chat only
    assert filed_cases(quick.runtime.settings.database_url) == (1, 3)
    # /erase reaches every message the outbox delivered.
    quick.deliver(fake.text(CHAT, "/erase"))
    confirm = fake.last_bot_message(CHAT)
    quick.deliver(fake.press(CHAT, confirm["message_id"], "erase:yes"))
    assert texts(fake) == ["Listo."]


def test_a_chat_gets_its_replies_in_order_while_one_waits_for_a_retry(quick: Bot) -> None:
    fake = quick.fake
    # The greeting goes, the menu is refused for a while; the next update's reply waits for it.
    fake.fail("sendMessage", 429, times=1, after=1, retry_after=0.3)
    quick.deliver(fake.text(CHAT, "/start", "en"))
    quick.deliver(fake.text(CHAT, "1", "en"))  # the typed number picks the option
    wait_for(lambda: unsent_replies(quick) == 0, "every reply", timeout=20, interval=0.02)
    greeting, menu, consent = fake.bot_messages(CHAT)
    assert len(fake.calls_to("sendMessage")) == 4
    assert button_steps(menu) == {"menu"} and greeting["text"] not in menu["text"]
    assert button_steps(consent) == {"consent_store"}


def test_a_failed_erase_keeps_what_is_left_for_a_redelivery_or_another_press(bot: Bot) -> None:
    fake = bot.fake
    bot.deliver(fake.text(CHAT, "/start"))
    notes = [fake.text(CHAT, f"nota {i}")["message"]["message_id"] for i in range(150)]
    recent = RecentMessages(bot.runtime.sessions, bot.runtime.vault, bot.runtime.clock)
    recent.remember(Sender(CHANNEL, str(CHAT)), notes, inbound=True)
    bot.deliver(fake.text(CHAT, "/erase"))
    confirm = fake.last_bot_message(CHAT)
    assert confirm["message_id"] == 155
    # The second batch fails: the first is gone and forgotten, the rest is kept.
    fake.fail("deleteMessages", 500, times=1, after=1)
    press = fake.press(CHAT, confirm["message_id"], "erase:yes")
    assert bot.post(press) == 500
    assert [m["message_id"] for m in fake.messages(CHAT)] == list(range(101, 156))
    # The person's ids are kept here (152, of which 98 went in the first batch); the bot's
    # are on the outbox rows that sent them.
    assert bot.count(RecentMessage) == 54
    # Telegram delivers the press again: the rest is deleted, then the neutral line.
    bot.deliver(press)
    assert texts(fake) == ["Listo."] and len(fake.messages(CHAT)) == 1
    assert bot.count(RecentMessage) == 0
    assert len(fake.calls_to("answerCallbackQuery")) == 2
    # A 429 storm outlasting PTB's retries: nothing is lost, the person presses again.
    bot.deliver(fake.text(CHAT, "/erase"))
    confirm = fake.last_bot_message(CHAT)
    fake.fail("deleteMessages", 429, times=6, retry_after=0.01)
    assert bot.post(fake.press(CHAT, confirm["message_id"], "erase:yes")) == 500
    assert len(fake.messages(CHAT)) == 3 and bot.count(RecentMessage) == 1
    bot.deliver(fake.press(CHAT, confirm["message_id"], "erase:yes"))
    # The earlier "Listo." went through the outbox too, so it is erased with the rest.
    assert texts(fake) == ["Listo."] and len(fake.messages(CHAT)) == 1


def test_a_press_is_answered_before_anything_else_even_when_it_fails_or_repeats(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = bot.fake
    bot.deliver(fake.text(CHAT, "/start", "en"))
    menu = fake.last_bot_message(CHAT)
    press = fake.press(CHAT, menu["message_id"], "menu:report", "en")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    with monkeypatch.context() as patch:
        patch.setattr(bot.runtime.conversations, "handle", broken)
        assert bot.post(press) == 500
    assert [c.method for c in fake.calls[-1:]] == ["answerCallbackQuery"]
    for _ in range(2):  # the redelivery runs; a duplicate is only answered
        before = len(fake.calls)
        bot.deliver(press)
        assert fake.calls[before].method == "answerCallbackQuery"
    assert len(fake.calls_to("answerCallbackQuery")) == 3
    assert button_steps(fake.last_bot_message(CHAT)) == {"consent_store"}
    assert len(fake.bot_messages(CHAT)) == 3


def test_a_caption_travels_with_its_photo_and_a_redelivery_downloads_nothing(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bot.runtime.conversations.handle
    seen: list[Any] = []

    def spy(sender: Any, event: Any, **kwargs: Any) -> Any:
        seen.append(event)
        return real(sender, event, **kwargs)

    monkeypatch.setattr(bot.runtime.conversations, "handle", spy)
    fake = bot.fake
    bot.deliver(fake.text(CHAT, "/start"))
    update = fake.photo(CHAT, JPEG, caption="Así nos dejaron en la vía")
    bot.deliver(update)
    bot.deliver(update)
    assert len(fake.calls_to("getFile")) == 1 and len(seen) == 2
    event = seen[-1]
    assert event.text == "Así nos dejaron en la vía"
    assert [(m.content_type, m.data) for m in event.media] == [("image/jpeg", JPEG)]


def test_the_size_limit_told_follows_the_setting(sqlite_url: str, fake: FakeTelegram) -> None:
    settings = telegram_settings(sqlite_url, fake).model_copy(
        update={"media_max_bytes": 5 * 512 * 1024}
    )
    runtime = build_runtime(settings)
    bot = Bot(runtime, fake)
    with bot.client:
        bot.deliver(fake.text(CHAT, "/start", "en"))
        bot.deliver(
            fake.document(CHAT, b"%PDF-1.4", "application/pdf", "a.pdf", "en", size=3 * 1024**2)
        )
    runtime.close()
    assert "That file is too big. The limit is 2.5 MB." in texts(fake)
    assert not fake.calls_to("getFile")
