"""Full complaints over Telegram, end to end: through `camino serve` (webhook) and through
`camino telegram poll` (long polling), against the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

from tests.support.complaint_script import RELATIVE_ABROAD_ANONYMOUS, VICTIM_IN_MEXICO
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.people import MAX_QUESTIONS, PEOPLE
from tests.support.server import CAMINO, running_server
from tests.support.telegram_helpers import (
    SECRET,
    filed_cases,
    replies_sent,
    run_complaint,
    telegram_env,
)
from tests.support.waiting import wait_for

SPANISH_CHAT = 7000001
ENGLISH_CHAT = 7000002


def test_complaints_in_spanish_and_english_over_the_webhook(
    database_url: str, tmp_path: Path
) -> None:
    with FakeTelegram() as fake, running_server(telegram_env(database_url, fake), tmp_path) as base:
        url = f"{base}/webhooks/telegram"

        def deliver(update: dict[str, Any]) -> None:
            response = fake.post(url, update, SECRET)
            assert response.status_code == 200, response.text
            wait_for(lambda: replies_sent(database_url), "the replies", timeout=PATIENCE)

        run_complaint(fake, deliver, VICTIM_IN_MEXICO, chat=SPANISH_CHAT, language="es")
        run_complaint(
            fake,
            deliver,
            RELATIVE_ABROAD_ANONYMOUS,
            chat=ENGLISH_CHAT,
            language="en",
            share_location=False,
        )
        spanish = [m["text"] for m in fake.bot_messages(SPANISH_CHAT)]
        english = fake.bot_messages(ENGLISH_CHAT)
        assert any("Su código de caso es" in text for text in spanish)
        receipt = next(m for m in english if "Your case code is" in m["text"])
        assert receipt["has_protected_content"] is True
        summary = next(m for m in english if m["text"].startswith("Check your report"))
        assert summary["has_protected_content"] is True
        assert not fake.unknown
    # Photo, voice note and location for the first; photo and voice note for the second.
    assert filed_cases(database_url) == (2, 5)


# A second chat whose edited message gets exactly one line back. Updates are handled one after
# another by long polling, so when the line for a probe queued after an update has come, the
# bot has finished with that update: no quiet period to guess, whatever the machine's load.
PROBE_CHAT = 7000099
PATIENCE = 120  # an upper bound only


class PollingDelivery:
    """Queue an update for getUpdates, then a probe; return once the probe is answered (the
    probe's chat is nobody's, so its line is sent at once) and the outbox has sent the rest."""

    def __init__(self, fake: FakeTelegram, database_url: str) -> None:
        self.fake = fake
        self.database_url = database_url
        self.probes = 0

    def __call__(self, update: dict[str, Any]) -> None:
        self.fake.enqueue(update)
        self.fake.enqueue(self.fake.edit(self.fake.text(PROBE_CHAT, "."), ".."))
        self.probes += 1
        wait_for(
            lambda: len(self.fake.bot_messages(PROBE_CHAT)) >= self.probes,
            "the polling bot to handle the update",
            timeout=PATIENCE,
        )
        wait_for(lambda: replies_sent(self.database_url), "the replies", timeout=PATIENCE)


def test_complaint_by_long_polling(database_url: str, tmp_path: Path) -> None:
    with FakeTelegram() as fake:
        env = {**os.environ, **telegram_env(database_url, fake)}
        log = (tmp_path / "poll.log").open("wb")
        process = subprocess.Popen(
            [str(CAMINO), "telegram", "poll"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(
                lambda: fake.calls_to("getUpdates") or process.poll() is not None,
                "camino telegram poll to start",
                timeout=PATIENCE,
            )
            assert process.poll() is None, (tmp_path / "poll.log").read_text()
            assert fake.calls_to("deleteWebhook") and fake.calls_to("setMyCommands")
            deliver = PollingDelivery(fake, database_url)
            run_complaint(fake, deliver, VICTIM_IN_MEXICO, chat=SPANISH_CHAT, language="es")
            # Each update was handled once: one probe line each, no evidence counted twice.
            assert len(fake.bot_messages(PROBE_CHAT)) == deliver.probes
            assert any("Su código de caso es" in m["text"] for m in fake.bot_messages(SPANISH_CHAT))
        finally:
            process.send_signal(signal.SIGINT)
            try:
                code = process.wait(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                process.kill()
                code = -1
            log.close()
        assert code == 0, (tmp_path / "poll.log").read_text()
    assert filed_cases(database_url) == (1, 3)


def test_poll_without_a_token_is_one_clear_sentence(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    result = subprocess.run(
        [str(CAMINO), "telegram", "poll"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "TELEGRAM_BOT_TOKEN is not set." in result.stderr
    assert "Traceback" not in result.stderr


def test_the_three_people_of_issue_14_over_the_webhook(database_url: str, tmp_path: Path) -> None:
    """Each answers at most 15 questions; Telegram's language code spares the language one."""
    with FakeTelegram() as fake, running_server(telegram_env(database_url, fake), tmp_path) as base:
        url = f"{base}/webhooks/telegram"

        def deliver(update: dict[str, Any]) -> None:
            response = fake.post(url, update, SECRET)
            assert response.status_code == 200, response.text
            wait_for(lambda: replies_sent(database_url), "the replies", timeout=PATIENCE)

        for chat, person in enumerate(PEOPLE, start=7100001):
            run_complaint(fake, deliver, list(person.script), chat=chat, share_location=False)
            said = [m["text"] for m in fake.bot_messages(chat)]
            assert any("Su código de caso es" in text for text in said), person.name
            print(f"\nTelegram, {person.name}: {person.questions} questions")
            assert person.questions <= MAX_QUESTIONS
        assert not fake.unknown
    assert filed_cases(database_url)[0] == len(PEOPLE)
