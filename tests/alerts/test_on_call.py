"""An urgent report reaches on-call staff at 03:00 through the fake providers, says nothing
about the report, is acknowledged by OK over SMS (and from a Telegram staff group), and,
unacknowledged, escalates to the fallback organization."""

from __future__ import annotations

from datetime import timedelta

from bot import alerts
from bot.scheduling import jobs
from bot.staff.access import find_visible_case
from bot.store.models import Alert, AuditEntry, Case, CaseEvent, Contact, OutboxMessage
from tests.alerts.conftest import (
    ANSWERS,
    FALLBACK_SMS,
    NIGHT,
    ON_CALL_GROUP,
    ON_CALL_SMS,
    PUBLIC,
    World,
    group_update,
    ok_by_sms,
)
from tests.support.alerting import file_and_alert, org_by_slug
from tests.support.complaint_script import (
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PLACE,
    CANARY_SENTENCE,
)
from tests.support.telegram_helpers import SECRET, URL


def test_an_urgent_report_at_3am_alerts_on_call_staff_within_a_minute(world: World) -> None:
    case_id = file_and_alert(world.runtime, ANSWERS)
    world.clock.advance(seconds=30)  # the worker polls every second; half a minute is plenty
    world.deliver()

    sms = world.sms_to(ON_CALL_SMS)
    group = world.telegram_to(ON_CALL_GROUP)
    assert len(sms) == 1 and len(group) == 1
    link = f"{PUBLIC}/dashboard/cases/{case_id}"
    for text in sms + group:
        assert text.startswith("Camino: nuevo reporte urgente.")
        assert text.endswith(link)
        for secret in (CANARY_NAME, CANARY_PHONE, CANARY_PLACE, CANARY_SENTENCE):
            assert secret not in text
        for word in ("secuestro", "Secuestro", "kidnapping", "Tabasco", "MX-TAB", "Honduras"):
            assert word not in text
    with world.runtime.sessions() as db:
        case = db.get(Case, case_id)
        assert case is not None and case.code_index is not None
        rows = db.query(OutboxMessage).filter(OutboxMessage.destination_id.is_not(None)).all()
        assert {r.status for r in rows} == {"sent"} and len(rows) == 2
        assert all(r.updated_at - NIGHT <= timedelta(seconds=60) for r in rows)
        assert db.query(Contact).count() == 0  # staff destinations are not contacts
    code_words = [m for m in sms + group if "-" in m.split("/")[-1]]
    assert code_words == []  # the link names the internal id, never a case code


def test_ok_by_sms_acknowledges_and_silences_the_escalation(world: World) -> None:
    case_id = file_and_alert(world.runtime, ANSWERS)
    world.clock.advance(seconds=20)
    world.deliver()
    world.clock.advance(seconds=20)
    assert ok_by_sms(world) == ["Recibido: usted atiende el reporte urgente."]
    with world.runtime.sessions() as db:
        alert = db.query(Alert).filter_by(case_id=case_id).one()
        assert alert.acknowledged_at == NIGHT + timedelta(seconds=40)
        assert alert.acknowledged_by is not None and alert.acknowledged_by.startswith("oncall:")
        event = db.query(CaseEvent).filter_by(case_id=case_id).one()
        assert event.status == "urgent_acknowledged" and not event.family_visible
        assert ON_CALL_SMS not in event.author and event.author.endswith("33")
        audit = db.query(AuditEntry).filter_by(action="alert.acknowledge").one()
        assert audit.target == f"case:{case_id}" and ON_CALL_SMS not in audit.detail
    # Nothing repeats or escalates after an acknowledgement.
    world.clock.advance(minutes=5)
    jobs.bind(world.runtime)
    assert jobs.alerts_job() == 0
    world.deliver()
    assert world.sms_to(FALLBACK_SMS) == []
    # A second OK finds nothing waiting; other words from staff go to the conversation.
    # (SMS folds the accents GSM-7 lacks.)
    assert ok_by_sms(world, "OK.") == ["No hay ningun reporte urgente sin atender."]


def test_unacknowledged_alerts_repeat_and_reach_the_fallback(world: World) -> None:
    case_id = file_and_alert(world.runtime, ANSWERS)
    world.deliver()
    respaldo = org_by_slug(world.runtime, "respaldo")
    with world.runtime.sessions() as db:
        assert find_visible_case(db, respaldo, case_id) is None
    jobs.bind(world.runtime)
    world.clock.advance(seconds=59)
    assert jobs.alerts_job() == 0  # not yet: escalation is set to one minute
    world.clock.advance(seconds=2)
    assert jobs.alerts_job() == 1
    world.deliver()
    assert len(world.sms_to(ON_CALL_SMS)) == 2  # sent again
    fallback_texts = world.sms_to(FALLBACK_SMS)
    assert len(fallback_texts) == 1 and fallback_texts[0].endswith(case_id)
    with world.runtime.sessions() as db:
        assert find_visible_case(db, respaldo, case_id) is not None  # the escalation grants it
        statuses = [e.status for e in db.query(CaseEvent).filter_by(case_id=case_id)]
        assert statuses == ["urgent_escalated"]
    # Bounded: at most MAX_ROUNDS sends of each alert, however long nobody answers.
    for _ in range(10):
        world.clock.advance(minutes=2)
        jobs.alerts_job()
    world.deliver()
    assert len(world.sms_to(ON_CALL_SMS)) == alerts.MAX_ROUNDS
    assert len(world.sms_to(FALLBACK_SMS)) == alerts.MAX_ROUNDS
    # The staff group's OK acknowledges it (and every open alert of the case with it).
    response = world.telegram.post(URL, group_update(world, "ok"), SECRET, world.client)
    assert response.status_code == 200
    assert world.telegram_to(ON_CALL_GROUP)[-1] == "Recibido: usted atiende el reporte urgente."
    with world.runtime.sessions() as db:
        assert db.query(Alert).filter(Alert.acknowledged_at.is_(None)).count() == 0


def test_other_groups_and_other_words_are_not_read(world: World) -> None:
    file_and_alert(world.runtime, ANSWERS)
    world.deliver()
    before = len(world.telegram.calls_to("sendMessage"))
    chatter = group_update(world, "buenas noches a todos")
    assert world.telegram.post(URL, chatter, SECRET, world.client).status_code == 200
    stranger = group_update(world, "ok")
    stranger["message"]["chat"]["id"] = -100999
    assert world.telegram.post(URL, stranger, SECRET, world.client).status_code == 200
    assert len(world.telegram.calls_to("sendMessage")) == before
    with world.runtime.sessions() as db:
        assert db.query(Alert).filter(Alert.acknowledged_at.is_(None)).count() == 1
        assert db.query(Contact).count() == 0


def test_every_report_alerts_only_organizations_that_asked(world: World) -> None:
    file_and_alert(world.runtime, ANSWERS, urgent=False)
    world.deliver()
    assert world.sms_to(ON_CALL_SMS) == []
    with world.runtime.sessions() as db, db.begin():
        org = db.merge(org_by_slug(world.runtime, "la-72"))
        org.alert_every_report = True
    case_id = file_and_alert(world.runtime, ANSWERS, urgent=False)
    world.deliver()
    assert world.sms_to(ON_CALL_SMS) == [
        f"Camino: nuevo reporte. Ábralo en el panel: {PUBLIC}/dashboard/cases/{case_id}"
    ]
