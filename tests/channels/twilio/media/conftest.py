"""Fixtures of the media tests: one fake Twilio per module, a fresh Camino per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app.runtime import Runtime
from tests.support.fakes.fake_twilio import FakeTwilio
from tests.support.traffic import TWILIO_ACCOUNT, TWILIO_TOKEN, twilio_runtime
from webhook import create_app


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(TWILIO_ACCOUNT, TWILIO_TOKEN) as server:
        yield server


@pytest.fixture
def runtime(tmp_path: Path, fake: FakeTwilio) -> Iterator[Runtime]:
    current = twilio_runtime(tmp_path, fake)
    yield current
    current.close()


@pytest.fixture
def client(runtime: Runtime, fake: FakeTwilio) -> Iterator[TestClient]:
    fake.media_barrier = None
    with TestClient(create_app(runtime)) as c:
        yield c
