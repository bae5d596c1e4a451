"""SMS and WhatsApp complaints end to end: a running `camino serve`, the fake Twilio, signed
webhooks, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.channels.twilio import gsm7
from bot.store.models import Case, Contact, Evidence, InboundReceipt, OutboxMessage
from tests.support.complaint_script import VICTIM_IN_MEXICO
from tests.support.databases import count_rows_at
from tests.support.factories import camino_env
from tests.support.fakes.fake_twilio import FakeTwilio, Phone, sign
from tests.support.people import MAX_QUESTIONS, MAX_SMS_SEGMENTS, PEOPLE
from tests.support.server import running_server
from tests.support.twilio_helpers import ACCOUNT_SID, AUTH_TOKEN, twilio_values

PUBLIC = "https://camino.example.org"  # behind a proxy: the server itself listens on http
SMS_NUMBER = "+5215550001111"
WHATSAPP_NUMBER = "+5215550002222"
# The longest script, every kind of question asked (not a typical report: see the people below).
SMS_SEGMENT_BUDGET = 40


@pytest.fixture
def camino(database_url: str, tmp_path: Path, fake: FakeTwilio) -> Iterator[httpx.Client]:
    env = {
        **camino_env(database_url, tmp_path),
        "CAMINO_PUBLIC_URL": PUBLIC,
        **twilio_values(fake, sms_from=SMS_NUMBER, whatsapp_from=f"whatsapp:{WHATSAPP_NUMBER}"),
        "TELEGRAM_BOT_TOKEN": "",
    }
    with running_server(env, tmp_path) as base, httpx.Client(base_url=base, timeout=30) as c:
        yield c


def test_sms_refusals_and_spanish_complaint(
    camino: httpx.Client, fake: FakeTwilio, database_url: str
) -> None:
    # One server for both: starting `camino serve` is the slow part.
    check_forged_unsigned_replayed_and_malformed(camino, fake, database_url)
    phone = Phone(camino, fake, public_url=PUBLIC, sender="+5219611234567", to=SMS_NUMBER)
    script = [("start", "Hola"), *VICTIM_IN_MEXICO]
    segments = 0
    messages = 0
    last = None
    for _step, answer in script:
        last = phone.send(answer)
        assert last.status == 200
        assert last.twiml, f"no reply to {answer!r}"
        for body in last.twiml:
            assert gsm7.segments(body) <= 3
            segments += gsm7.segments(body)
            messages += 1
    assert last is not None
    assert re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", last.twiml[0])
    assert fake.sent() == []  # SMS replies travel as TwiML only
    print(
        f"\nA full Spanish complaint over SMS: {len(script)} messages from the person, "
        f"{messages} replies, {segments} segments."
    )
    assert segments <= SMS_SEGMENT_BUDGET
    assert count_rows_at(database_url, Case, Case.status == "submitted", Case.channel == "sms") == 1


def test_the_three_people_of_issue_14_over_sms_and_whatsapp(
    camino: httpx.Client, fake: FakeTwilio, database_url: str
) -> None:
    """At most 15 questions and 25 SMS segments each; the figures go to the README's table."""
    for person in PEOPLE:
        phone = Phone(camino, fake, public_url=PUBLIC, sender=person.sender, to=SMS_NUMBER)
        bodies: list[str] = []
        for answer in ["Hola", *(answer for _step, answer in person.script)]:
            turn = phone.send(answer)
            assert turn.status == 200 and turn.twiml, f"{person.name}: no reply to {answer!r}"
            bodies += turn.twiml
        assert all(gsm7.segments(body) <= 3 for body in bodies)
        segments = sum(gsm7.segments(body) for body in bodies)
        assert any("Su codigo de caso es" in body for body in bodies), person.name
        assert not any("PIN para su familiar" in body for body in bodies)  # none asked for one
        print(f"\nSMS, {person.name}: {person.questions} questions, {segments} segments")
        assert person.questions <= MAX_QUESTIONS
        assert segments <= MAX_SMS_SEGMENTS
    for person in PEOPLE:
        sender = person.sender.replace("+", "+1", 1)  # another number: another conversation
        phone = Phone(camino, fake, public_url=PUBLIC, sender=sender, to=WHATSAPP_NUMBER)
        phone.whatsapp, phone.path = True, "/webhooks/twilio/whatsapp"
        said: list[str] = []
        for answer in ["Hola", *(answer for _step, answer in person.script)]:
            turn = phone.send(answer)
            assert turn.status == 200
            said += [out.body for out in turn.out]
        print(f"WhatsApp, {person.name}: {person.questions} questions")
        assert any("Su código de caso es" in body for body in said), person.name
    assert count_rows_at(database_url, Case, Case.status == "submitted") == 2 * len(PEOPLE)


def test_english_complaint_over_whatsapp(
    camino: httpx.Client, fake: FakeTwilio, database_url: str
) -> None:
    phone = Phone(
        camino, fake, public_url=PUBLIC, sender="+50499112233", to=WHATSAPP_NUMBER, whatsapp=True
    )

    def expect(turn: object, kind: str, step: str | None = None) -> None:
        last = turn.last  # type: ignore[attr-defined]
        assert turn.status == 200  # type: ignore[attr-defined]
        # "choice": buttons or a list, whichever the number of options calls for.
        assert last.kind == kind or (kind == "choice" and last.kind != "text"), last.kind
        if step is not None:
            assert all(pid.startswith(f"{step}:") for pid in last.ids), last.ids
            assert len(last.ids) <= (3 if last.kind == "buttons" else 10)
            if last.kind == "buttons":
                assert all(len(title) <= 20 for title in last.titles)
            else:
                assert all(len(title) <= 24 for title in last.titles)

    expect(phone.send("Hi"), "choice", "menu")  # English, from the greeting
    expect(phone.send("Report", ListId="menu:report"), "buttons", "consent_store")
    expect(phone.send("Yes", ButtonPayload="consent_store:yes"), "list", "danger_now")
    # A list answer that arrives as its text only works too.
    expect(phone.send("No"), "list", "who")
    expect(phone.send("", ListId="who:me"), "buttons", "reporter_where")
    expect(phone.send("Chiapas"), "buttons", "description")
    # A voice note is the account itself, kept as evidence.
    voice = fake.add_media(b"OggS" + b"\x00" * 2000, "audio/ogg")
    turn = phone.send(
        "", NumMedia="1", MediaUrl0=voice, MediaContentType0="audio/ogg", MessageType="audio"
    )
    expect(turn, "text")  # 16 crime types: numbered text
    expect(phone.send("1, 5"), "text")  # perpetrators, numbered text as well
    # Officials among them: no collusion question. The incident place as a shared location.
    expect(phone.send("1, 5"), "buttons", "incident_place")
    expect(
        phone.send("", Latitude="17.5528", Longitude="-99.5006", MessageType="location"),
        "buttons",
        "incident_state",
    )
    expect(phone.send("Oaxaca"), "text")  # eleven kinds of place: numbered text
    expect(phone.send("1"), "buttons", "incident_date")
    expect(phone.send("yesterday"), "list", "victim_nationality")
    expect(phone.send("", ListId="victim_nationality:HN"), "list", "victim_gender")
    expect(phone.send("", ListId="victim_gender:man"), "buttons", "victim_age_group")
    expect(phone.send("25"), "text")  # what the person wants: numbered text
    expect(phone.send("1, 3"), "list", "contact")
    expect(phone.send("", ListId="contact:anonymous"), "buttons", "summary")
    turn = phone.send("", ButtonPayload="summary:send")
    assert any(re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", o.body) for o in turn.out)

    assert (
        count_rows_at(database_url, Case, Case.status == "submitted", Case.channel == "whatsapp")
        == 1
    )
    assert count_rows_at(database_url, Evidence, Evidence.kind == "audio") == 1
    assert count_rows_at(database_url, Evidence) == 2  # the voice note and the location
    media_requests = [r for r in fake.requests if "/Media/" in r.path]
    assert media_requests and all(r.authorized for r in media_requests)
    # Every REST send is in the outbox with Twilio's SID; templates were made once each.
    sent = fake.sent()
    assert count_rows_at(database_url, OutboxMessage, OutboxMessage.status == "sent") == len(sent)
    assert all(m["status_callback"] == f"{PUBLIC}/webhooks/twilio/status" for m in sent)
    names = [c["friendly_name"] for c in fake.contents.values()]
    assert len(names) == len(set(names))
    # A delivery status callback moves the outbox row on.
    status = {
        "MessageSid": sent[-1]["sid"],
        "MessageStatus": "delivered",
        "AccountSid": ACCOUNT_SID,
    }
    response = camino.post(
        "/webhooks/twilio/status",
        data=status,
        headers={
            "X-Twilio-Signature": sign(AUTH_TOKEN, f"{PUBLIC}/webhooks/twilio/status", status)
        },
    )
    assert response.status_code == 200
    assert count_rows_at(database_url, OutboxMessage, OutboxMessage.status == "delivered") == 1


def check_forged_unsigned_replayed_and_malformed(
    camino: httpx.Client, fake: FakeTwilio, database_url: str
) -> None:
    """Bad requests store nothing; a redelivered MessageSid is answered once."""
    phone = Phone(camino, fake, public_url=PUBLIC, sender="+5219617654321", to=SMS_NUMBER)
    form = phone.form("Hola")
    assert phone.post(form, signature="").status == 403
    assert phone.post(form, signature="bm90IGEgc2lnbmF0dXJl").status == 403
    # Signed for the server's own http:// address instead of the public one: forged.
    local = sign(AUTH_TOKEN, f"{camino.base_url}/webhooks/twilio/sms", form)
    assert phone.post(form, signature=local).status == 403
    tampered = dict(form, Body="Hola!")
    original = sign(AUTH_TOKEN, f"{PUBLIC}/webhooks/twilio/sms", form)
    assert phone.post(tampered, signature=original).status == 403
    assert (
        camino.post(
            "/webhooks/twilio/sms",
            content=b"\xff\xfe=%%",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ).status_code
        == 400
    )
    assert camino.post("/webhooks/twilio/sms", json=form).status_code == 400
    assert count_rows_at(database_url, InboundReceipt) == 0
    assert count_rows_at(database_url, Contact) == 0
    first = phone.post(form)
    replay = phone.post(form)
    assert first.status == replay.status == 200
    assert first.twiml and not replay.twiml
    assert count_rows_at(database_url, InboundReceipt) == 1
