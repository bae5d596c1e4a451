"""Coming back to the web chat with the case code and PIN: the timeline, and talk back.

In process (TestClient) on SQLite: a person files on /chat, a caseworker writes through
`bot.talkback.threads.send` (as the dashboard does), a new browser session gives the code and
PIN, reads the message and answers; the answer is in the case's thread and on the dashboard's
case page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot import cases
from bot.app.runtime import Runtime
from bot.conversation import engine, protocol
from bot.conversation.messages import InboundEvent
from bot.conversation.protocol import AnswerMessage, Checked, Done, Messages, Said
from bot.conversation.state import Following, Mode, State
from bot.core.clock import FrozenClock
from bot.staff import accounts, second_factor
from bot.store.contacts import Sender
from bot.store.models import (
    Case,
    Organization,
    OutboxMessage,
    Staff,
    TalkbackMessage,
)
from bot.talkback import threads as talkback
from flows import follow_up as fu
from tests.support.casework import add_event
from tests.support.complaint_script import VICTIM_IN_MEXICO
from tests.support.dashboard_helpers import PASSWORD, login
from tests.support.factories import make_runtime
from tests.support.web_chat import Chat
from webhook import create_app

# A victim in Chiapas (la-72's state) who wants a shelter to write back "in this same chat",
# and a PIN for relatives.
CHANGED = {"contact": "1", "incident_state": "Chiapas"}
WEB_SCRIPT = [
    (step, CHANGED.get(step, answer))
    for step, answer in VICTIM_IN_MEXICO
    if step not in ("contact_phone", "reporter_name", "contact_hours")  # asked for calls only
]
WRITTEN = "Hola, somos del albergue. ¿Está a salvo? Podemos acompañarle a la fiscalía."
ANSWER = "Estoy bien, gracias. Quiero ir a la fiscalía el lunes."


CASEWORKER = "caseworker@la-72.example.org"


@dataclass
class World:
    runtime: Runtime
    client: TestClient
    clock: FrozenClock
    totp_secret: str


def caseworker(runtime: Runtime) -> str:
    """La 72 (Chiapas) and one caseworker with TOTP; the TOTP secret."""
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        org = accounts.create_organization(
            db, slug="la-72", name="La 72", city=None, states=["MX-CHP"], now=now
        )
        staff = accounts.create_staff(
            db,
            runtime.vault,
            org=org,
            email=CASEWORKER,
            roles=["caseworker"],
            password=PASSWORD,
            now=now,
        )
        secret, _ = second_factor.start_totp(runtime.vault, staff)
        staff.totp_confirmed = True
        return secret


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    clock = FrozenClock(datetime.now(UTC))
    runtime = make_runtime(
        f"sqlite:///{tmp_path}/camino.db",
        tmp_path,
        clock=clock,
        CAMINO_WEB_RATE_PER_SESSION=1000,
        CAMINO_OUTBOX_ENABLED="false",
    )
    secret = caseworker(runtime)
    with TestClient(create_app(runtime)) as client:
        yield World(runtime, client, clock, secret)
    runtime.close()


def file_on_web(chat: Chat, script: list[tuple[str, str]] = WEB_SCRIPT) -> tuple[str, str]:
    """File the script on /chat; the receipt's code and PIN."""
    for step, answer in script:
        assert chat.step == step, (step, chat.step)
        chat.say(answer)
    code = re.search(r"([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", chat.page)
    pin = re.search(r"PIN[^0-9]*(\d{6})", chat.page)
    assert code is not None and pin is not None, chat.page[-2000:]
    return code.group(1), pin.group(1)


def new_session(world: World) -> Chat:
    """Another browser session: no cookie from before."""
    world.client.cookies.clear()
    return Chat(world.client)


def write(world: World, code: str, text: str = WRITTEN) -> TalkbackMessage:
    """A caseworker of la-72 writes to the reporter, through the service the dashboard uses."""
    runtime = world.runtime
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None and case.channel == "web"
        staff = db.scalars(select(Staff).where(Staff.email == CASEWORKER)).one()
        org = db.get(Organization, staff.org_id)
        assert org is not None
        return talkback.send(
            db,
            runtime.vault,
            case,
            org=org,
            staff=staff,
            text=text,
            now=runtime.clock(),
            timezone=runtime.settings.default_timezone,
        )


def thread(world: World, code: str) -> list[talkback.ThreadMessage]:
    """The case's thread as the dashboard shows it to la-72."""
    runtime = world.runtime
    with runtime.sessions() as db:
        case = cases.find_by_code(db, runtime.vault, code)
        org = db.scalars(select(Organization).where(Organization.slug == "la-72")).one()
        assert case is not None
        messages, _ = talkback.thread_messages(db, runtime.vault, case, org)
        return messages


def follow_on_web(chat: Chat, code: str, pin: str) -> str:
    """Menu -> follow -> code -> PIN, on a fresh page."""
    assert chat.step == "menu"
    chat.press("follow")
    assert chat.step == fu.CODE
    chat.say(code)
    assert chat.step == fu.PIN
    return chat.say(pin)


def test_web_reporter_comes_back_reads_and_answers(world: World) -> None:
    runtime = world.runtime
    reporter = Chat(world.client)
    code, pin = file_on_web(reporter)
    add_event(runtime, code, note="Revisamos su reporte con cuidado")
    add_event(
        runtime, code, "verified", note="Nota interna que la familia no ve", family_visible=False
    )
    sent = write(world, code)
    assert sent.outbox_id is None  # a browser cannot be written to first: nothing queued
    with runtime.sessions() as db:
        assert not db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "talkback")).all()

    chat = new_session(world)
    assert WRITTEN not in chat.page
    page = follow_on_web(chat, code, pin)
    # No language, country or clock to ask on the web: the timeline comes at once.
    assert "Código y PIN correctos" in page
    assert "Revisamos su reporte con cuidado" in page
    assert "Nota interna" not in page
    assert chat.step == fu.MENU
    assert "Mensajes del albergue" in page and "Pedir que me llamen" not in page
    assert WRITTEN not in page  # read only when asked for

    page = chat.press("messages")
    assert WRITTEN in page
    assert "Quien tenga el código y el PIN" in page
    assert chat.step == fu.REPLY
    page = chat.say(ANSWER)
    assert "Recibimos su mensaje" in page
    assert chat.step == fu.MENU

    answers = [m for m in thread(world, code) if m.direction == "in"]
    assert [m.body for m in answers] == [ANSWER]
    with runtime.sessions() as db:
        stored = db.scalars(select(TalkbackMessage).where(TalkbackMessage.direction == "in")).one()
        assert ANSWER.encode() not in stored.body_enc  # encrypted with the case key

    # The caseworker sees the answer in the case's thread on the dashboard.
    world.client.cookies.clear()
    login(world.client, CASEWORKER, world.totp_secret)
    with runtime.sessions() as db:
        case_id = db.scalars(select(Case.id).where(Case.channel == "web")).one()
    dashboard = world.client.get(f"/dashboard/cases/{case_id}")
    assert dashboard.status_code == 200
    assert ANSWER in dashboard.text and WRITTEN in dashboard.text
    # Whoever holds the code and PIN may be a relative: never shown as the reporter.
    assert "Familiar o persona con el código y PIN ·" in dashboard.text
    assert "Quien reportó ·" not in dashboard.text
    with runtime.sessions() as db:
        assert (
            db.scalars(
                select(TalkbackMessage.sender).where(TalkbackMessage.direction == "in")
            ).one()
            == "follower"
        )


def test_nothing_is_readable_without_the_right_pin(world: World) -> None:
    code, pin = file_on_web(Chat(world.client))
    write(world, code)
    chat = new_session(world)
    wrong = "000000" if pin != "000000" else "111111"
    page = follow_on_web(chat, code, wrong)
    assert "no coinciden" in page and WRITTEN not in page
    assert chat.step == fu.CODE
    # Typing the option's code or a forged button does not open the messages either.
    page = chat.post({"choice": "messages", "step_id": fu.MENU})
    assert WRITTEN not in page


def test_the_pin_is_asked_again_after_an_hour_and_the_answer_waits_for_it(world: World) -> None:
    code, pin = file_on_web(Chat(world.client))
    write(world, code)
    chat = new_session(world)
    follow_on_web(chat, code, pin)
    chat.press("messages")
    world.clock.advance(hours=2)
    page = chat.say(ANSWER)
    assert chat.step == fu.RECHECK and ANSWER not in [m.body for m in thread(world, code)]
    page = chat.say(pin)
    assert "Recibimos su mensaje" in page
    assert [m.body for m in thread(world, code) if m.direction == "in"] == [ANSWER]


def test_a_closed_thread_is_read_but_not_answered(world: World) -> None:
    runtime = world.runtime
    code, pin = file_on_web(Chat(world.client))
    write(world, code)
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        org = db.scalars(select(Organization).where(Organization.slug == "la-72")).one()
        assert case is not None
        talkback.close_thread(db, case, org, runtime.clock())
    chat = new_session(world)
    follow_on_web(chat, code, pin)
    page = chat.press("messages")
    assert WRITTEN in page and "está cerrada" in page
    assert chat.step == fu.MENU


def test_the_reporters_own_session_keeps_talking_to_the_bot(world: World) -> None:
    reporter = Chat(world.client)
    code, _ = file_on_web(reporter)
    write(world, code)
    page = reporter.say("menú")
    assert "Recibimos su mensaje" not in page
    reporter.say("hola")
    assert not [m for m in thread(world, code) if m.direction == "in"]


def test_talk_back_on_the_web_needs_no_family_pin_and_other_channels_cannot_read(
    world: World,
) -> None:
    runtime = world.runtime
    no_pin = [(s, "1, 3" if s == "wants" else a) for s, a in WEB_SCRIPT]
    reporter = Chat(world.client)
    for step, answer in no_pin:
        assert reporter.step == step
        reporter.say(answer)
    with runtime.sessions() as db:
        case = db.scalars(select(Case).where(Case.channel == "web")).one()
        # No relatives' PIN, but the reporter's own: they can come back to read and answer.
        assert case.pin_hash is None and case.reply_pin_hash is not None
        assert talkback.reachable_contact(db, case, runtime.clock()).channel == "web"
        case.reply_pin_hash = None  # a case filed before reporters had a PIN of their own
        with pytest.raises(talkback.TalkbackRefused) as refused:
            talkback.reachable_contact(db, case, runtime.clock())
        assert refused.value.reason == "channel"
        db.rollback()

    # A relative following a web case by SMS sees the timeline, never the messages.
    world.client.cookies.clear()
    code, pin = file_on_web(Chat(world.client))
    write(world, code)
    relative = Sender("sms", "+50499990011")
    handle = runtime.conversations.handle
    handle(relative, InboundEvent(language_hint="es"))
    for text in ("Seguir un caso", code, pin, "1", "Honduras"):
        reply = handle(relative, InboundEvent(text=text))
    assert reply is not None
    labels = [o.label for m in reply.messages for o in m.options]
    assert "Mensajes del albergue" not in labels
    forged = handle(relative, InboundEvent(choice="messages", step_id=fu.MENU))
    assert forged is not None
    assert all(WRITTEN not in m.text for m in forged.messages)


# -- the engine alone: pure steps and outcomes --------------------------------------------------


def _ctx() -> protocol.Context:
    return protocol.Context(now=datetime(2026, 3, 10, 18, tzinfo=UTC), channel="web")


def _at_reply() -> State:
    follow = Following(step=fu.REPLY, subscription_id="S1", talk=True)
    return State(language="es", mode=Mode.FOLLOW, follow=follow)


def test_engine_sends_the_kept_answer_after_the_pin_is_given_again() -> None:
    ctx = _ctx()
    typed = engine.handle(_at_reply(), InboundEvent(text=ANSWER), ctx)
    assert typed.effects == [AnswerMessage("S1", ANSWER)]
    stale = engine.resume(typed.state, Messages("S1", need_pin=True), ctx)
    assert stale.messages[-1].step_id == fu.RECHECK
    pin = engine.handle(stale.state, InboundEvent(text="123456"), ctx)
    again = engine.resume(pin.state, Checked(True), ctx)
    assert again.effects == [AnswerMessage("S1", ANSWER)]
    done = engine.resume(again.state, Done("answered"), ctx)
    assert done.state.follow.answer is None
    assert done.messages[-1].step_id == fu.MENU


def test_engine_shows_messages_oldest_first_with_who_wrote() -> None:
    state = _at_reply()
    state.follow = Following(step="waiting", subscription_id="S1")
    day = datetime(2026, 3, 10, tzinfo=UTC).date()
    items = (Said(False, day, "Hola desde el albergue"), Said(True, day, "Gracias"))
    shown = engine.resume(state, Messages("S1", items, can_answer=True), _ctx())
    text = shown.messages[0].text
    assert text.index("Albergue: Hola") < text.index("Usted: Gracias")
    assert shown.messages[0].sensitive
    assert shown.messages[-1].step_id == fu.REPLY


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=1200))
def test_any_typed_reply_is_sent_whole_or_asked_again(text: str) -> None:
    result = engine.handle(_at_reply(), InboundEvent(text=text), _ctx())
    sent = [e for e in result.effects if isinstance(e, AnswerMessage)]
    if sent:
        assert sent[0].text == text.strip() and 0 < len(sent[0].text) <= 1000
    else:
        assert result.messages, "every answer gets a reply"


def reply_pin_of(page: str) -> str:
    """The reporter's own PIN, from the receipt."""
    found = re.search(r"PIN para leer y contestar[^0-9]*(\d{6})", page)
    assert found is not None, page[-2000:]
    return found.group(1)


def test_web_reporter_without_a_family_pin_has_their_own_way_back(world: World) -> None:
    no_family = [(s, "1, 3" if s == "wants" else a) for s, a in WEB_SCRIPT]  # no "PIN"
    reporter = Chat(world.client)
    for step, answer in no_family:
        assert reporter.step == step, (step, reporter.step)
        reporter.say(answer)
    code = re.search(r"([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", reporter.page)
    assert code is not None and "PIN para su familiar" not in reporter.page
    own = reply_pin_of(reporter.page)
    sent = write(world, code.group(1))  # no family PIN: the reporter can still be written to
    assert sent.outbox_id is None

    chat = new_session(world)
    assert "Código y PIN correctos" in follow_on_web(chat, code.group(1), own)
    assert WRITTEN in chat.press("messages")
    chat.say(ANSWER)
    answers = [m for m in thread(world, code.group(1)) if m.direction == "in"]
    assert [(m.body, m.sender) for m in answers] == [(ANSWER, "reporter")]
    # After an hour the PIN is asked again: the relatives' PIN could never pass for theirs.
    world.clock.advance(hours=2)
    assert chat.press("messages") and chat.step == fu.RECHECK
    chat.say("000000" if own != "000000" else "111111")
    assert chat.step == fu.RECHECK
    chat.say(own)
    assert chat.step == fu.REPLY


def test_the_reporters_pin_and_the_relatives_pin_are_told_apart(world: World) -> None:
    reporter = Chat(world.client)
    code, family = file_on_web(reporter)
    own = reply_pin_of(reporter.page)
    assert own != family
    write(world, code)
    relative = new_session(world)
    follow_on_web(relative, code, family)
    relative.press("messages")
    relative.say("Soy su hermana, ¿cómo está?")
    me = new_session(world)
    follow_on_web(me, code, own)
    me.press("messages")
    me.say(ANSWER)
    senders = [(m.body, m.sender) for m in thread(world, code) if m.direction == "in"]
    assert senders == [("Soy su hermana, ¿cómo está?", "follower"), (ANSWER, "reporter")]
    world.client.cookies.clear()
    login(world.client, CASEWORKER, world.totp_secret)
    with world.runtime.sessions() as db:
        case_id = db.scalars(select(Case.id).where(Case.channel == "web")).one()
    page = world.client.get(f"/dashboard/cases/{case_id}").text
    assert "Familiar o persona con el código y PIN ·" in page and "Quien reportó ·" in page
