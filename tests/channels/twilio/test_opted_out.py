"""A person who opted out (STOP) writes again without opting in: the message is receipted once
and nothing else happens (no conversation step, no answer), in the message's own transaction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.app.runtime import Runtime
from bot.store.models import Contact, Conversation, InboundReceipt
from tests.support.databases import count_rows
from tests.support.factories import make_runtime
from tests.support.fakes.fake_twilio import FakeTwilio, Phone
from tests.support.twilio_helpers import twilio_values

PUBLIC = "https://camino.example.org"
SMS = "+5215550003333"


@pytest.fixture
def runtime(tmp_path: Path, fake: FakeTwilio) -> Iterator[Runtime]:
    values = {**twilio_values(fake, sms_from=SMS), "CAMINO_PUBLIC_URL": PUBLIC}
    current = make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path, **values)
    yield current
    current.close()


def _contact(runtime: Runtime) -> tuple[bool, object, bytes]:
    with runtime.sessions() as db:
        contact = db.scalars(select(Contact)).one()
        state = db.scalars(select(Conversation.state_enc)).one()
        return contact.opted_out, contact.last_inbound_at, state


def test_an_opted_out_sender_is_receipted_and_not_answered(
    client: TestClient, fake: FakeTwilio, runtime: Runtime
) -> None:
    phone = Phone(client, fake, public_url=PUBLIC, sender="+5219611112222", to=SMS)
    assert phone.send("Hola").twiml
    assert phone.send("STOP").twiml == []
    before = _contact(runtime)
    assert before[0] is True
    receipts = count_rows(runtime, InboundReceipt)
    form = phone.form("1")
    first, again = phone.post(form), phone.post(form)
    assert first.status == again.status == 200
    assert first.twiml == again.twiml == []
    assert count_rows(runtime, InboundReceipt) == receipts + 1
    # The conversation did not move, and the contact was not touched.
    assert _contact(runtime) == before
