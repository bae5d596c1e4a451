"""Fixtures of the Telegram channel tests: the fake Bot API, and the app in process on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.telegram_helpers import Bot, telegram_runtime


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def bot(fake: FakeTelegram, sqlite_url: str) -> Iterator[Bot]:
    runtime = telegram_runtime(sqlite_url, fake)
    app = Bot(runtime, fake)
    with app.client:
        yield app
    runtime.close()
