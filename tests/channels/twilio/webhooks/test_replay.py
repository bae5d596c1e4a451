"""Item: a corpus of real-world Twilio webhook bodies (tests/corpus/twilio/, each with its
origin), replayed as sent through the real routes with real signature validation (the test
auth token): no 5xx, an answer for every message a person can send (or a documented 4xx for a
sender on the wrong route), and no traceback in the log."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from fastapi.testclient import TestClient

from tests.support.fakes.fake_twilio import FakeTwilio, sign
from tests.support.traffic import (
    PUBLIC,
    TWILIO_TOKEN,
    all_logs,
    phone,
    to_evidence,
    twilio_channel,
)

CORPUS = Path(__file__).parents[3] / "corpus" / "twilio" / "webhooks.json"
CASES: list[dict[str, Any]] = json.loads(CORPUS.read_text())["cases"]
PATHS = {
    "sms": "/webhooks/twilio/sms",
    "whatsapp": "/webhooks/twilio/whatsapp",
    "status": "/webhooks/twilio/status",
}


def post(client: TestClient, route: str, body: str) -> tuple[int, str]:
    """POST the body exactly as Twilio sent it, signed over the public URL and its fields."""
    path = PATHS[route]
    signature = sign(TWILIO_TOKEN, PUBLIC + path, dict(parse_qsl(body, keep_blank_values=True)))
    response = client.post(
        path,
        content=body.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )
    return response.status_code, response.text


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_corpus_replays_cleanly(
    client: TestClient, fake: FakeTwilio, case: dict[str, Any]
) -> None:
    assert case["origin"]
    sent = len(fake.sent())
    with all_logs() as logs:
        status, text = post(client, case["route"], case["body"])
        again, _ = post(client, case["route"], case["body"])  # Twilio's retry
    assert status < 500 and again < 500
    assert not logs.tracebacks(), logs.tracebacks()
    messages = re.findall(r"<Message>(.*?)</Message>", text, re.S)
    if case["expect"] == "answer":
        assert status == 200
        assert [m for m in messages if m.strip()] or len(fake.sent()) > sent
    elif case["expect"] == "refused":
        assert 400 <= status < 500
    else:
        assert status == 200 and not messages


def test_the_corpus_replays_again_mid_complaint(client: TestClient, fake: FakeTwilio) -> None:
    """The inbound cases again, each from a person already at the evidence question."""
    for number, case in enumerate(CASES):
        if case["expect"] != "answer":
            continue
        form = dict(parse_qsl(case["body"], keep_blank_values=True))
        whatsapp = case["route"] == "whatsapp"
        person = phone(client, fake, form["From"].removeprefix("whatsapp:"), whatsapp=whatsapp)
        to_evidence(person)
        sid = f"SM{number:032x}"
        form["MessageSid"] = form["SmsMessageSid"] = form["SmsSid"] = sid
        with all_logs() as logs:
            turn = person.post(form)
        assert turn.status == 200 and turn.out, case["name"]
        assert not logs.tracebacks()


def test_the_cases_of_the_issue_replay_cleanly(client: TestClient, fake: FakeTwilio) -> None:
    person = phone(client, fake, "+5219619990001")
    to_evidence(person)
    twilio_channel(client).media_deadline = 0.5
    urls = [fake.add_media(b"\xff\xd8\xff" + b"x" * 100, "image/jpeg") for _ in range(3)]
    for url in urls[1:]:
        fake.slow_media(url, 60.0)
    form = {"NumMedia": "4", "MediaUrl3": "https://elsewhere.example/Media/ME1"}
    for index, url in enumerate(urls):
        form[f"MediaUrl{index}"] = url
    for index in range(4):
        form[f"MediaContentType{index}"] = "image/jpeg"
    with all_logs() as logs:
        turn = person.send("", **form)
    assert turn.status == 200 and turn.out
    assert not logs.tracebacks()
