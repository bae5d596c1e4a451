"""Words typed with an upload on the web chat: the answer at a question answered in words, a
note on the evidence elsewhere; a voice recording at the account is the account."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app.runtime import Runtime
from bot.store.models import Evidence
from tests.support.captions import ACCOUNT, NOTE, PLACE, TO_THE_ACCOUNT, notes
from tests.support.databases import count_rows
from tests.support.factories import make_runtime
from tests.support.web_chat import PNG, Chat

OGG = b"OggS" + b"voice" * 100


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    current = make_runtime(
        f"sqlite:///{tmp_path}/camino.db", tmp_path, CAMINO_WEB_RATE_PER_SESSION=1000
    )
    yield current
    current.close()


def _to_the_account(chat: Chat) -> None:
    if chat.step == "language":
        chat.say("1")
    for answer in TO_THE_ACCOUNT:
        chat.say(answer)
    assert chat.step == "description"


def test_words_with_an_upload_answer_where_words_do_and_are_a_note_elsewhere(
    client: TestClient, runtime: Runtime
) -> None:
    chat = Chat(client)
    _to_the_account(chat)
    photo = {"file": ("foto.png", PNG, "image/png")}
    chat.post({"text": ACCOUNT}, files=photo)
    assert chat.step == "incident_place"
    chat.post({"text": PLACE}, files=photo)
    assert chat.step == "incident_date"
    page = chat.post({"text": NOTE}, files=photo)
    assert chat.step == "incident_date"
    assert "Sus palabras quedaron guardadas con la prueba." in page
    assert notes(runtime) == [None, None, NOTE]


def test_a_voice_recording_at_the_account_is_the_account(
    client: TestClient, runtime: Runtime
) -> None:
    chat = Chat(client)
    _to_the_account(chat)
    chat.post({"text": ""}, files={"file": ("nota.ogg", OGG, "audio/ogg")})
    assert chat.step == "crime_types"
    assert count_rows(runtime, Evidence) == 1
