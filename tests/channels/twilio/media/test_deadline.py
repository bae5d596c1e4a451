"""Item: MMS media are fetched together under one deadline; every webhook answers in time."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from bot.app.runtime import Runtime
from tests.support.fakes.fake_twilio import FakeTwilio
from tests.support.traffic import (
    JPEG,
    all_logs,
    kept,
    media_form,
    phone,
    to_evidence,
    twilio_channel,
)

STALL = 60.0  # far longer than any deadline: a host that never answers in time
UNAVAILABLE = "No pude descargar su archivo. Intente enviarlo de nuevo."


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
