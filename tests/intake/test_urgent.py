"""An urgent report in the database: visible at once, filed after the fast path, never lost."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot import cases
from bot.app.runtime import Runtime
from bot.conversation.messages import InboundEvent
from bot.core.clock import FrozenClock
from bot.intake.urgent import file_abandoned
from bot.privacy import retention
from bot.store.contacts import Sender
from bot.store.models import Case, Conversation
from tests.support.chats import start
from tests.support.complaint_script import CANARY_NOW
from tests.support.factories import make_runtime

SENDER = Sender("sms", "+50499001122")
AT_3AM = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 03:00 in Mexico City


def say(runtime: Runtime, text: str) -> str:
    reply = runtime.conversations.handle(SENDER, InboundEvent(text=text))
    assert reply is not None
    return "\n".join(m.text for m in reply.messages)


def only_case(runtime: Runtime) -> Case:
    with runtime.sessions() as db:
        [case] = db.scalars(select(Case)).all()
        db.expunge(case)
        return case


def test_the_fast_path_files_the_report_and_the_rest_completes_it(
    database_url: str, tmp_path: Path
) -> None:
    clock = FrozenClock(AT_3AM)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    start(runtime, SENDER)
    for answer in ("1", "1"):
        say(runtime, answer)
    danger = say(runtime, "sí")
    assert "no se puede llamar al 911" in danger  # a Honduran number: 911 is not for her
    draft = only_case(runtime)
    assert draft.status == "draft" and draft.urgent and draft.submitted_at == AT_3AM
    say(runtime, "Tamaulipas")
    assert only_case(runtime).incident_state == "MX-TAM"  # routed while the person answers
    say(runtime, CANARY_NOW)
    # "Por este chat, a cualquier hora": the hours in the same answer, filed after three answers.
    receipt = say(runtime, "1")
    case = only_case(runtime)
    assert case.status == "submitted" and case.urgent and case.code_index is not None
    assert "Su código de caso es" in receipt and "¿Quiere completar el reporte" in receipt
    with runtime.sessions() as db:
        personal = cases.personal_data(runtime.vault, db.get_one(Case, case.id))
    assert personal["happening_now"] == CANARY_NOW
    assert case.contact_channel == "this_chat" and case.contact_hours == "any"
    assert case.wants_contact is True

    say(runtime, "sí")
    say(runtime, "1")  # it happened to me
    assert only_case(runtime).reporter_role == "victim"  # saved as it is answered
    goodbye = say(runtime, "salir")  # leaving files what there is, in the same case
    assert "se agregaron a su reporte" in goodbye and "Hasta pronto" in goodbye
    again = only_case(runtime)
    assert again.id == case.id and again.code_index == case.code_index
    runtime.close()


def test_an_urgent_draft_is_never_discarded(database_url: str, tmp_path: Path) -> None:
    clock = FrozenClock(AT_3AM)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    start(runtime, SENDER)
    for answer in ("1", "1", "sí", "Chiapas"):
        say(runtime, answer)
    with runtime.sessions() as db, db.begin():
        cases.discard_draft(db, only_case(runtime).id)
        conversation = db.scalars(select(Conversation)).one()
        retention.expire_draft(db, conversation)
    assert only_case(runtime).status == "draft"  # still there, still urgent
    runtime.close()


def test_an_urgent_report_left_half_way_is_filed_after_ten_minutes(
    database_url: str, tmp_path: Path
) -> None:
    clock = FrozenClock(AT_3AM)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    start(runtime, SENDER)
    for answer in ("1", "1", "sí", "Chiapas"):
        say(runtime, answer)
    clock.advance(minutes=9)
    with runtime.sessions() as db, db.begin():
        assert file_abandoned(db, runtime.settings, runtime.vault, clock()) == 0
    clock.advance(minutes=2)
    with runtime.sessions() as db, db.begin():
        assert file_abandoned(db, runtime.settings, runtime.vault, clock()) == 1
    case = only_case(runtime)
    assert case.status == "submitted" and case.incident_state == "MX-CHP"
    # The person comes back: the same case goes on, and filing it now gives the code.
    say(runtime, "saltar")
    receipt = say(runtime, "saltar")
    assert "Su código de caso es" in receipt
    assert only_case(runtime).id == case.id
    runtime.close()
