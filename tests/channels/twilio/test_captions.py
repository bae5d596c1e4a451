"""Words sent with a photo over SMS (an MMS body) and WhatsApp: the answer at a question
answered in words, a note on the evidence elsewhere; a voice note at the account is the
account."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app.runtime import Runtime
from bot.core.text import normalize
from bot.store.models import Evidence
from tests.support.captions import ACCOUNT, NOTE, PLACE, TO_THE_ACCOUNT, notes
from tests.support.databases import count_rows
from tests.support.factories import make_runtime
from tests.support.fakes.fake_twilio import FakeTwilio, Phone, Turn
from tests.support.twilio_helpers import twilio_values

PUBLIC = "https://camino.example.org"
SMS = "+5215550005555"
WA = "+5215550006666"
JPEG = b"\xff\xd8\xff" + b"x" * 500
OGG = b"OggS" + b"voice" * 100


@pytest.fixture
def runtime(tmp_path: Path, fake: FakeTwilio) -> Iterator[Runtime]:
    current = make_runtime(
        f"sqlite:///{tmp_path}/camino.db",
        tmp_path,
        **twilio_values(fake, sms_from=SMS, whatsapp_from=f"whatsapp:{WA}"),
        CAMINO_PUBLIC_URL=PUBLIC,
    )
    yield current
    current.close()


def _phone(client: TestClient, fake: FakeTwilio, whatsapp: bool) -> Phone:
    if whatsapp:
        return Phone(client, fake, public_url=PUBLIC, sender="+50488881111", to=WA, whatsapp=True)
    return Phone(client, fake, public_url=PUBLIC, sender="+5219612223333", to=SMS)


def _said(turn: Turn) -> str:
    """What Camino answered, compared without accents (SMS may drop them to fit GSM-7)."""
    return normalize("\n".join([*turn.twiml, *(out.body for out in turn.out)]))


def _with_file(phone: Phone, fake: FakeTwilio, data: bytes, kind: str, words: str = "") -> Turn:
    url = fake.add_media(data, kind)
    return phone.send(words, NumMedia="1", MediaUrl0=url, MediaContentType0=kind)


def _to_the_account(phone: Phone) -> None:
    phone.send("Hola")  # Spanish, from the greeting
    for answer in TO_THE_ACCOUNT:
        turn = phone.send(answer)
    assert normalize("Cuente con sus palabras") in _said(turn)


@pytest.mark.parametrize("whatsapp", [False, True], ids=["sms", "whatsapp"])
def test_words_with_a_photo_answer_where_words_do_and_are_a_note_elsewhere(
    client: TestClient, fake: FakeTwilio, runtime: Runtime, whatsapp: bool
) -> None:
    phone = _phone(client, fake, whatsapp)
    _to_the_account(phone)
    assert normalize("¿Dónde pasó?") in _said(_with_file(phone, fake, JPEG, "image/jpeg", ACCOUNT))
    assert normalize("¿Cuándo pasó?") in _said(_with_file(phone, fake, JPEG, "image/jpeg", PLACE))
    said = _said(_with_file(phone, fake, JPEG, "image/jpeg", NOTE))
    assert normalize("Sus palabras quedaron guardadas con la prueba.") in said
    assert notes(runtime) == [None, None, NOTE]


@pytest.mark.parametrize("whatsapp", [False, True], ids=["sms", "whatsapp"])
def test_a_voice_note_at_the_account_is_the_account(
    client: TestClient, fake: FakeTwilio, runtime: Runtime, whatsapp: bool
) -> None:
    phone = _phone(client, fake, whatsapp)
    _to_the_account(phone)
    assert normalize("¿Qué pasó?") in _said(_with_file(phone, fake, OGG, "audio/ogg"))
    assert count_rows(runtime, Evidence) == 1
