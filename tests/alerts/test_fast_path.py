"""A person in danger, end to end: over SMS and Telegram through the urgent fast path, to the
covering organization's inbox and its on-call staff at 03:00; a place nobody covers goes to the
fallback organization, which the receipt names; the full complaint completes the same case."""

from __future__ import annotations

from typing import Any

from bot import alerts
from bot.scheduling import jobs
from bot.staff.access import InboxFilters, find_visible_case, inbox_page
from bot.store.models import Alert, Case
from tests.alerts.conftest import (
    FALLBACK_SMS,
    ON_CALL_GROUP,
    ON_CALL_SMS,
    PUBLIC,
    World,
    ok_by_sms,
)
from tests.support.alerting import org_by_slug
from tests.support.complaint_script import CANARY_NOW, RELATIVE_ABROAD_ANONYMOUS
from tests.support.fakes.fake_twilio import Phone
from tests.support.telegram_helpers import SECRET, URL
from tests.support.twilio_helpers import SMS_FROM

# What a person in danger says after the urgent answer: where, what now, how to reach them (this
# chat: no time to ask). Three messages, then the report is filed.
FAST_PATH = ["Tabasco", CANARY_NOW, "1"]
SECRETS = (CANARY_NOW, "Tabasco", "MX-TAB", "secuestro", "casa de seguridad", "Canaryburgo")


def inbox_ids(world: World, slug: str) -> dict[str, Case]:
    org = org_by_slug(world.runtime, slug)
    with world.runtime.sessions() as db:
        rows, _ = inbox_page(db, org, InboxFilters(), None)
        for row in rows:
            db.expunge(row)
        return {row.id: row for row in rows}


def only_case(world: World) -> Case:
    with world.runtime.sessions() as db:
        [case] = db.query(Case).all()
        db.expunge(case)
        return case


def test_a_person_in_danger_over_sms_reaches_on_call_staff_at_3am(world: World) -> None:
    phone = Phone(
        world.client, world.twilio, public_url=PUBLIC, sender="+5219341234567", to=SMS_FROM
    )
    for text in ("Hola", "1", "1"):  # Spanish from the greeting; report, consent
        assert phone.send(text).status == 200
    urgent = phone.send("sí")  # in danger now
    assert any("911" in body and "089" in body for body in urgent.twiml)
    case = only_case(world)
    assert case.urgent and case.status == "draft"  # staff can see it at once, "in progress"
    sent = 0
    for text in FAST_PATH:
        turn = phone.send(text)
        sent += 1
        if only_case(world).status == "submitted":
            break
    assert sent <= 4
    receipt = "\n".join(turn.twiml)
    assert "LA-72" in receipt and "guardia" in receipt  # who was alerted
    case = only_case(world)
    assert case.urgent and case.incident_state == "MX-TAB" and case.id in inbox_ids(world, "la-72")
    assert case.id not in inbox_ids(world, "kino")

    world.clock.advance(seconds=30)
    world.deliver()
    texts = world.sms_to(ON_CALL_SMS) + world.telegram_to(ON_CALL_GROUP)
    assert len(texts) == 2
    link = f"{PUBLIC}/dashboard/cases/{case.id}"
    for text in texts:
        assert text == f"Camino: nuevo reporte urgente. Ábralo en el panel: {link}"
        for secret in SECRETS:
            assert secret not in text
    assert ok_by_sms(world) == ["Recibido: usted atiende el reporte urgente."]
    with world.runtime.sessions() as db:
        assert not alerts.needs_acknowledgement(db, db.get_one(Case, case.id))


def telegram_says(world: World, chat: int, text: str) -> None:
    update = world.telegram.text(chat, text, "es")
    assert world.telegram.post(URL, update, SECRET, world.client).status_code == 200


def test_over_telegram_nobody_answers_and_the_fallback_is_alerted(world: World) -> None:
    chat = 5551234
    for text in ("/start", "1", "1", "sí"):  # report, consent, in danger now
        telegram_says(world, chat, text)
    for text in ("Tabasco", "saltar", "saltar"):
        telegram_says(world, chat, text)
    case = only_case(world)
    assert case.status == "submitted" and case.urgent
    world.deliver()  # the replies and the on-call alert both go through the outbox
    assert any("Su código de caso es" in text for text in world.telegram_to(chat))
    assert len(world.telegram_to(ON_CALL_GROUP)) == 1
    jobs.bind(world.runtime)
    world.clock.advance(seconds=61)  # escalation is set to one minute in this world
    assert jobs.alerts_job() == 1
    world.deliver()
    assert world.sms_to(FALLBACK_SMS) == [
        f"Camino: nuevo reporte urgente. Ábralo en el panel: {PUBLIC}/dashboard/cases/{case.id}"
    ]
    respaldo = org_by_slug(world.runtime, "respaldo")
    with world.runtime.sessions() as db:
        assert find_visible_case(db, respaldo, case.id) is not None


def test_a_place_nobody_covers_goes_to_the_fallback_and_the_receipt_names_it(
    world: World,
) -> None:
    # A father in El Salvador whose son is held in Tamaulipas, which no organization covers.
    phone = Phone(world.client, world.twilio, public_url=PUBLIC, sender="+50370001111", to=SMS_FROM)
    for text in ("Hola", "1", "1"):  # Spanish from the greeting; report, consent
        phone.send(text)
    held = phone.send("2")  # someone is held
    assert any("no se puede llamar al 911" in body for body in held.twiml)  # from abroad
    replies: list[str] = []
    for text in ("Tamaulipas", CANARY_NOW, "1"):  # where, what now, this chat: filed
        replies = phone.send(text).twiml
    receipt = "\n".join(replies)
    assert "RESPALDO" in receipt
    case = only_case(world)
    assert case.uncovered and case.incident_state == "MX-TAM"
    assert case.id in inbox_ids(world, "respaldo")
    assert case.id not in inbox_ids(world, "la-72")
    world.deliver()
    assert len(world.sms_to(FALLBACK_SMS)) == 1  # the owner's on-call number, at once

    # The full complaint, finished afterwards, ends in the same case.
    rest: list[tuple[str, Any]] = RELATIVE_ABROAD_ANONYMOUS[6:]
    assert rest[0][0] == "complete"
    for _step, answer in rest:
        assert phone.send(answer).status == 200
    done = only_case(world)
    assert done.id == case.id and done.code_index == case.code_index
    assert done.reporter_country == "HN" and done.crime_types  # the completion's answers
    with world.runtime.sessions() as db:
        assert db.query(Alert).filter_by(case_id=case.id).count() == 1  # nobody alerted twice
