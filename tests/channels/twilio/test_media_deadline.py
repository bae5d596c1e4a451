"""Item: MMS media are fetched together under one deadline; every webhook answers in time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.app.runtime import Runtime
from bot.store.models import Evidence
from tests.support.fakes.fake_twilio import FakeTwilio
from tests.support.traffic import (
    TWILIO_ACCOUNT,
    TWILIO_TOKEN,
    all_logs,
    phone,
    to_evidence,
    twilio_channel,
    twilio_runtime,
)
from webhook import create_app

JPEG = b"\xff\xd8\xff" + b"x" * 500
STALL = 60.0  # far longer than any deadline: a host that never answers in time
UNAVAILABLE = "No pude descargar su archivo. Intente enviarlo de nuevo."


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


def kept(runtime: Runtime) -> int:
    with runtime.sessions() as db:
        return int(db.scalar(select(func.count()).select_from(Evidence)) or 0)


def media_form(urls: list[str]) -> dict[str, str]:
    form = {"NumMedia": str(len(urls))}
    for index, url in enumerate(urls):
        form[f"MediaUrl{index}"] = url
        form[f"MediaContentType{index}"] = "image/jpeg"
    return form


def test_three_photos_are_fetched_together(
    client: TestClient, fake: FakeTwilio, runtime: Runtime
) -> None:
    person = phone(client, fake, "+5219610000001")
    to_evidence(person)
    # Each answer waits until all three requests are in flight: fetched one after the other,
    # none would be answered before the barrier gives up (20 s), far past the deadline.
    fake.media_barrier = threading.Barrier(3)
    twilio_channel(client).media_deadline = 15.0
    urls = [fake.add_media(JPEG, "image/jpeg") for _ in range(3)]
    started = time.monotonic()
    turn = person.send("", **media_form(urls))
    assert turn.status == 200
    assert time.monotonic() - started < 15.0
    assert kept(runtime) == 3
    assert "3" in turn.twiml[0]


@pytest.mark.parametrize("whatsapp", [False, True])
def test_stalled_media_cannot_hold_the_answer_past_the_deadline(
    client: TestClient, fake: FakeTwilio, runtime: Runtime, whatsapp: bool
) -> None:
    person = phone(client, fake, "+5219610000002", whatsapp=whatsapp)
    to_evidence(person)
    twilio_channel(client).media_deadline = 0.5
    good = fake.add_media(JPEG, "image/jpeg")
    stalled = [fake.add_media(JPEG, "image/jpeg") for _ in range(3)]
    for url in stalled:
        fake.slow_media(url, STALL)
    started = time.monotonic()
    with all_logs() as logs:
        turn = person.send("", **media_form([good, *stalled]))
    elapsed = time.monotonic() - started
    assert turn.status == 200
    # Generously above the deadline (a busy machine), far below one stall (let alone three).
    assert elapsed < 10.0, elapsed
    assert kept(runtime) == 1  # what arrived in time is kept ...
    said = " ".join(turn.twiml + [out.body for out in turn.rest])
    assert UNAVAILABLE in said  # ... and the person is told the rest was not
    assert not logs.tracebacks()
