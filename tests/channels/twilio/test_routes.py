"""The Twilio webhooks in process (FastAPI TestClient + the fake Twilio): signatures, dedupe,
opt-out, media, buttons, templates, status callbacks, and fuzzed bodies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app.runtime import Runtime
from bot.channels.twilio.render import QuickReply
from bot.channels.twilio.rest import TwilioRest
from bot.store.models import Contact, Evidence, InboundReceipt, OutboxMessage
from tests.support.databases import count_rows
from tests.support.factories import make_runtime
from tests.support.fakes.fake_twilio import FakeTwilio, Phone, sign
from tests.support.twilio_helpers import ACCOUNT_SID, AUTH_TOKEN, twilio_values
from webhook import create_app

PUBLIC = "https://camino.example.org"
SMS = "+5215550003333"
WA = "+5215550004444"


def _runtime(tmp_path: Path, fake: FakeTwilio, **overrides: object) -> Runtime:
    values: dict[str, object] = {
        **twilio_values(fake, sms_from=SMS, whatsapp_from=f"whatsapp:{WA}"),
        "CAMINO_PUBLIC_URL": PUBLIC,
        "CAMINO_MEDIA_MAX_BYTES": 10_000,
    }
    values.update(overrides)
    return make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path, **values)


@pytest.fixture
def runtime(tmp_path: Path, fake: FakeTwilio) -> Iterator[Runtime]:
    current = _runtime(tmp_path, fake)
    yield current
    current.close()


def sms(client: TestClient, fake: FakeTwilio, sender: str = "+5219611112222") -> Phone:
    return Phone(client, fake, public_url=PUBLIC, sender=sender, to=SMS)


def wa(client: TestClient, fake: FakeTwilio, sender: str = "+50488887777") -> Phone:
    return Phone(client, fake, public_url=PUBLIC, sender=sender, to=WA, whatsapp=True)


def opted_out(runtime: Runtime) -> list[bool]:
    with runtime.sessions() as db:
        return list(db.scalars(select(Contact.opted_out)))


# -- refusals ---------------------------------------------------------------------------------


def test_channel_off_answers_404(tmp_path: Path, fake: FakeTwilio) -> None:
    current = _runtime(tmp_path, fake, TWILIO_AUTH_TOKEN=None)
    with TestClient(create_app(current)) as c:
        for path in ("sms", "whatsapp", "status"):
            assert c.post(f"/webhooks/twilio/{path}", data={"a": "b"}).status_code == 404
    current.close()


def test_sms_only_leaves_whatsapp_off(tmp_path: Path, fake: FakeTwilio) -> None:
    current = _runtime(tmp_path, fake, TWILIO_WHATSAPP_FROM=None)
    with TestClient(create_app(current)) as c:
        assert wa(c, fake).send("hola").status == 404
        assert sms(c, fake).send("hola").status == 200
    current.close()


def test_bad_signatures_are_403_and_store_nothing(
    client: TestClient, fake: FakeTwilio, runtime: Runtime
) -> None:
    phone = sms(client, fake)
    form = phone.form("Hola")
    assert client.post("/webhooks/twilio/sms", data=form).status_code == 403
    assert phone.post(form, signature="x").status == 403
    wrong_url = sign(AUTH_TOKEN, "http://testserver/webhooks/twilio/sms", form)
    assert phone.post(form, signature=wrong_url).status == 403
    wrong_token = sign("other", f"{PUBLIC}/webhooks/twilio/sms", form)
    assert phone.post(form, signature=wrong_token).status == 403
    # A WhatsApp form signed for the SMS path does not validate on the WhatsApp path.
    assert (
        wa(client, fake)
        .post(form, signature=sign(AUTH_TOKEN, f"{PUBLIC}/webhooks/twilio/sms", form))
        .status
        == 403
    )
    assert count_rows(runtime, InboundReceipt) == count_rows(runtime, Contact) == 0


def test_query_string_is_part_of_the_signed_url(client: TestClient, fake: FakeTwilio) -> None:
    form = sms(client, fake).form("Hola")
    url = f"{PUBLIC}/webhooks/twilio/sms?source=console"
    response = client.post(
        "/webhooks/twilio/sms?source=console",
        data=form,
        headers={"X-Twilio-Signature": sign(AUTH_TOKEN, url, form)},
    )
    assert response.status_code == 200


def test_malformed_requests_are_400(client: TestClient, fake: FakeTwilio, runtime: Runtime) -> None:
    url = f"{PUBLIC}/webhooks/twilio/sms"
    assert (
        client.post(
            "/webhooks/twilio/sms", content=b"not a form", headers={"Content-Type": "text/plain"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/webhooks/twilio/sms",
            content=b"a=%ff%fe",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": "x",
            },
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/webhooks/twilio/sms",
            content=b"x" * 70_000,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ).status_code
        == 413
    )
    # Signed, but with no usable sender (or a WhatsApp sender on the SMS number).
    for form in (
        {"Body": "hola", "MessageSid": "SM1"},
        {"Body": "hola", "MessageSid": "SM2", "From": "whatsapp:+52155"},
    ):
        response = client.post(
            "/webhooks/twilio/sms",
            data=form,
            headers={"X-Twilio-Signature": sign(AUTH_TOKEN, url, form)},
        )
        assert response.status_code == 400
    assert count_rows(runtime, InboundReceipt) == 0


def test_redelivery_is_processed_once(
    client: TestClient, fake: FakeTwilio, runtime: Runtime
) -> None:
    phone = sms(client, fake)
    form = phone.form("Hola")
    first, second = phone.post(form), phone.post(form)
    assert first.twiml and second.status == 200 and second.twiml == []
    assert count_rows(runtime, InboundReceipt) == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.binary(max_size=400) | st.text(max_size=400).map(str.encode),
    form=st.dictionaries(st.text(max_size=12), st.text(max_size=60), max_size=8),
)
def test_fuzzed_bodies_never_500_and_unsigned_store_nothing(
    client: TestClient, runtime: Runtime, body: bytes, form: dict[str, str]
) -> None:
    receipts = count_rows(runtime, InboundReceipt)
    for path in ("sms", "whatsapp", "status"):
        raw = client.post(
            f"/webhooks/twilio/{path}",
            content=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": "x",
            },
        )
        assert raw.status_code in (400, 403)
        unsigned = client.post(f"/webhooks/twilio/{path}", data=form)
        assert unsigned.status_code in (400, 403)
        signed = client.post(
            f"/webhooks/twilio/{path}",
            data=form,
            headers={
                "X-Twilio-Signature": sign(AUTH_TOKEN, f"{PUBLIC}/webhooks/twilio/{path}", form)
            },
        )
        assert signed.status_code in (200, 400)
    assert count_rows(runtime, InboundReceipt) >= receipts


# -- opt-out ----------------------------------------------------------------------------------


def test_sms_stop_start(client: TestClient, fake: FakeTwilio, runtime: Runtime) -> None:
    phone = sms(client, fake)
    assert phone.send("Hola").twiml
    stop = phone.send("STOP")
    assert stop.status == 200 and stop.twiml == []  # Twilio answers the carrier word itself
    assert opted_out(runtime) == [True]
    assert phone.send("1").twiml == []  # nothing more until opt-in
    back = phone.send("INICIO")
    assert "Bienvenido de nuevo" in back.twiml[0]
    assert opted_out(runtime) == [False]
    alto = phone.send("alto")
    assert "START o INICIO" in alto.twiml[0]  # Spanish words get Camino's own answer
    assert opted_out(runtime) == [True]


def test_whatsapp_stop_is_confirmed(client: TestClient, fake: FakeTwilio, runtime: Runtime) -> None:
    turn = wa(client, fake).send("Stop")
    assert "START" in turn.twiml[0]
    assert opted_out(runtime) == [True]


def test_error_21610_marks_the_contact_opted_out(
    client: TestClient, fake: FakeTwilio, runtime: Runtime
) -> None:
    phone = wa(client, fake)
    fake.fail_next(21610)
    turn = phone.send("Hi")  # the language list goes through the REST API
    assert turn.status == 200 and turn.rest == []
    assert opted_out(runtime) == [True]
    assert (
        count_rows(
            runtime,
            OutboxMessage,
            OutboxMessage.error_code == "21610",
            OutboxMessage.status == "failed",
        )
        == 1
    )


def test_server_error_on_send_is_recorded(
    client: TestClient, fake: FakeTwilio, runtime: Runtime
) -> None:
    fake.fail_next(20500, 500)
    assert wa(client, fake).send("Hi").status == 200
    assert count_rows(runtime, OutboxMessage, OutboxMessage.status == "failed") == 1
    assert opted_out(runtime) == [False]


# -- WhatsApp buttons, templates, status ---------------------------------------------------------


def test_buttons_stale_buttons_and_typed_numbers(client: TestClient, fake: FakeTwilio) -> None:
    phone = wa(client, fake)
    assert phone.send("Ok").last.kind == "list"  # no greeting: the language is asked
    menu = phone.send("", ListId="language:es")
    assert menu.last.kind in ("buttons", "list") and menu.last.ids[0] == "menu:report"
    consent = phone.send("", ButtonPayload="menu:report")
    assert consent.last.ids == ["consent_store:yes", "consent_store:no"]
    danger = phone.send("1")  # typed number still works
    assert danger.last.kind == "list" and danger.last.ids[0] == "danger_now:me"
    stale = phone.send("", ButtonPayload="consent_store:yes")
    assert "pregunta anterior" in " ".join(o.body for o in stale.out)
    assert stale.last.ids[0] == "danger_now:me"
    assert phone.send("No", ListTitle="No").last.ids[0].startswith("who:")
    where = phone.send("1")
    assert where.last.ids == ["reporter_where:_unknown"]  # "No sé", a button of its own


def test_templates_are_made_once_and_found_after_restart(
    client: TestClient, fake: FakeTwilio, runtime: Runtime
) -> None:
    fake.contents.clear()
    for sender in ("+50411110001", "+50411110002"):
        wa(client, fake, sender).send("Ok")
    assert len(fake.contents) == 1  # the language list, reused for the second person
    part = QuickReply("x", (("a:1", "Uno"), ("a:2", "Dos")))
    first = TwilioRest(ACCOUNT_SID, AUTH_TOKEN, fake.base_url).template_sid(part, "es")
    restarted = TwilioRest(ACCOUNT_SID, AUTH_TOKEN, fake.base_url)
    assert restarted.template_sid(part, "es") == first
    assert len(fake.contents) == 2


def test_status_callbacks(client: TestClient, fake: FakeTwilio, runtime: Runtime) -> None:
    wa(client, fake).send("Hola")
    sid = fake.sent()[-1]["sid"]
    url = f"{PUBLIC}/webhooks/twilio/status"

    def callback(status: str, signed: bool = True, **extra: str) -> int:
        form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID, **extra}
        signature = sign(AUTH_TOKEN, url, form) if signed else "forged"
        return client.post(
            "/webhooks/twilio/status", data=form, headers={"X-Twilio-Signature": signature}
        ).status_code

    def status() -> str:
        with runtime.sessions() as db:
            return str(
                db.scalar(
                    select(OutboxMessage.status).where(OutboxMessage.provider_message_id == sid)
                )
            )

    assert status() == "sent"
    assert callback("read", signed=False) == 403 and status() == "sent"
    assert callback("delivered") == 200 and status() == "delivered"
    assert callback("sent") == 200 and status() == "delivered"  # never goes back
    assert callback("read") == 200 and status() == "read"
    other = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"}
    assert (
        client.post(
            "/webhooks/twilio/status",
            data=other,
            headers={"X-Twilio-Signature": sign(AUTH_TOKEN, url, other)},
        ).status_code
        == 200
    )


# -- media ------------------------------------------------------------------------------------


def _to_the_account(phone: Phone) -> None:
    """Up to "what happened": files sent there are kept, and the question asked again."""
    phone.send("Hola")  # Spanish, from the greeting
    for answer in ("1", "1", "4", "1", "Chiapas"):
        phone.send(answer)


def test_media_kinds_and_limits(client: TestClient, fake: FakeTwilio, runtime: Runtime) -> None:
    phone = sms(client, fake, "+5219613334444")
    _to_the_account(phone)
    fake.requests.clear()
    video = fake.add_media(b"x" * 100, "video/mp4")
    turn = phone.send("", NumMedia="1", MediaUrl0=video, MediaContentType0="video/mp4")
    assert "tipo de archivo" in turn.twiml[0]
    assert not [r for r in fake.requests if "/Media/" in r.path]  # never downloaded
    big = fake.add_media(b"x" * 20_000, "image/jpeg")
    turn = phone.send("", NumMedia="1", MediaUrl0=big, MediaContentType0="image/jpeg")
    assert "10 KB" in turn.twiml[0]  # the limit in force (CAMINO_MEDIA_MAX_BYTES)
    photo = fake.add_media(b"\xff\xd8\xff" + b"x" * 500, "image/jpeg")
    pdf = fake.add_media(b"%PDF-1.4 test", "application/pdf")
    turn = phone.send(
        "",
        NumMedia="2",
        MediaUrl0=photo,
        MediaContentType0="image/jpeg",
        MediaUrl1=pdf,
        MediaContentType1="application/pdf",
    )
    assert "2" in turn.twiml[0]
    assert count_rows(runtime, Evidence) == 2
    missing = photo.rsplit("/", 1)[0] + "/ME" + "0" * 32
    turn = phone.send("", NumMedia="1", MediaUrl0=missing, MediaContentType0="image/png")
    assert "descargar" in turn.twiml[0]
    assert count_rows(runtime, Evidence) == 2
