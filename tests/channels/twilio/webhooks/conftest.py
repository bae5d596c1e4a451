"""One fake Twilio and one Camino for a whole module of signed webhook calls."""

from __future__ import annotations

from collections.abc import Iterator

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


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory, fake: FakeTwilio) -> Iterator[Runtime]:
    current = twilio_runtime(tmp_path_factory.mktemp("webhooks"), fake)
    yield current
    current.close()


@pytest.fixture(scope="module")
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c
