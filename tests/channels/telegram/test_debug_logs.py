"""A Telegram complaint with Camino's logs at DEBUG (CAMINO_LOG_LEVEL=DEBUG, as an operator
turns it down to look for a fault): no record carries what the person wrote, what Camino
answered them, or their Telegram name."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.app.runtime import build_runtime
from bot.core.logs import JsonFormatter, configure_logging
from tests.support.complaint_script import CANARIES, VICTIM_IN_MEXICO
from tests.support.factories import make_settings
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.telegram_helpers import Bot, run_complaint, telegram_values
from tests.support.traffic import all_logs

# Loggers whose level configure_logging sets, restored after the test.
TOUCHED = (
    "",
    "httpx",
    "httpcore",
    "twilio.http_client",
    "telegram.Bot",
    "telegram.ext.ExtBot",
    "telegram.ext.Application",
    "apscheduler",
)
# Words of Camino's own questions, which a log quoting its replies would show.
QUESTION = "un canal seguro para reportar delitos"


@pytest.fixture
def levels_restored() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in TOUCHED]
    levels = [logger.level for logger in loggers]
    handlers = list(logging.getLogger().handlers)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)
    logging.getLogger().handlers[:] = handlers


@pytest.mark.usefixtures("levels_restored")
def test_a_complaint_over_telegram_at_debug_logs_no_words_and_no_name(
    fake: FakeTelegram, sqlite_url: str
) -> None:
    settings = make_settings(sqlite_url, None, CAMINO_LOG_LEVEL="DEBUG", **telegram_values(fake))
    runtime = build_runtime(settings)
    bot = Bot(runtime, fake)
    try:
        with all_logs() as logs, bot.client:
            run_complaint(fake, bot.deliver, VICTIM_IN_MEXICO)
    finally:
        runtime.close()
    formatter = JsonFormatter()
    lines = logs.lines + [formatter.format(record) for record in logs.records]
    assert any('"level": "debug"' in line for line in lines)  # DEBUG was really on
    found = [
        word
        for word in (*CANARIES, QUESTION, "'first_name': 'Ana'", '"first_name": "Ana"')
        if any(word in line for line in lines)
    ]
    assert not found, found


@pytest.mark.usefixtures("levels_restored")
def test_polling_at_debug_does_not_log_the_updates() -> None:
    """`camino telegram poll` runs PTB's update loop, which logs each whole update (the
    person's words, their name) at DEBUG: that logger stays at INFO when Camino's is DEBUG."""
    configure_logging("DEBUG")
    loop = logging.getLogger("telegram.ext.Application")
    assert not loop.isEnabledFor(logging.DEBUG)
    assert loop.isEnabledFor(logging.INFO)  # "Application started" and its like still show
    assert logging.getLogger("bot").isEnabledFor(logging.DEBUG)
