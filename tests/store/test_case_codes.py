"""Each crime type and perpetrator row carries its case's inbox key, on every write path: a
report filed by chat (and its urgent fast path), a draft filed when abandoned, ownership
recomputed, codes or routing corrected on a loaded case, a code row added on its own, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import cases
from bot.app.runtime import Runtime
from bot.conversation.messages import InboundEvent
from bot.core.clock import FrozenClock
from bot.intake.urgent import file_abandoned
from bot.privacy import retention
from bot.staff import accounts, ownership
from bot.staff.access import InboxFilters, inbox_page
from bot.store.casecodes import MIRRORED
from bot.store.contacts import Sender
from bot.store.models import Case, CaseCrimeType, CasePerpetrator
from tests.support.chats import receipt_code, start, talk
from tests.support.complaint_script import RELATIVE_ABROAD_ANONYMOUS, VICTIM_IN_MEXICO
from tests.support.dashboard_helpers import file_case
from tests.support.factories import make_runtime

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def out_of_sync(db: Session) -> list[tuple[str, str]]:
    """(table, case id) of every code row whose key differs from its case's."""
    found = []
    for table in (CaseCrimeType, CasePerpetrator):
        differs = [getattr(table, name).is_distinct_from(getattr(Case, name)) for name in MIRRORED]
        rows = db.execute(
            select(table.case_id).join(Case, Case.id == table.case_id).where(or_(*differs))
        )
        found += [(table.__tablename__, case_id) for case_id in rows.scalars()]
    return found


def code_rows(runtime: Runtime) -> int:
    with runtime.sessions() as db:
        return len(db.scalars(select(CaseCrimeType)).all()) + len(
            db.scalars(select(CasePerpetrator)).all()
        )


def check(runtime: Runtime) -> None:
    with runtime.sessions() as db:
        assert out_of_sync(db) == []


def test_a_report_filed_by_chat_carries_its_key_and_is_found_by_its_codes(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path, clock=FrozenClock(NOW))
    sender = Sender("sms", "+525512340000")
    start(runtime, sender)
    for step in VICTIM_IN_MEXICO:
        talk(runtime, sender, [step])
        check(runtime)
    assert code_rows(runtime) == 4
    with runtime.sessions() as db, db.begin():
        org = accounts.create_organization(
            db, slug="oaxaca", name="O", city=None, states=["MX-OAX"], now=NOW - timedelta(days=1)
        )
        [case] = db.scalars(select(Case)).all()
        row = db.scalars(select(CaseCrimeType).where(CaseCrimeType.code == "extortion")).one()
        assert (row.incident_state, row.reporter_state) == ("MX-OAX", "MX-CHP")
        assert row.submitted_at == case.submitted_at == NOW and row.urgent is False
        for filters in (
            InboxFilters(crime_type="extortion"),
            InboxFilters(perpetrator=case.perpetrators[0].code),
            InboxFilters(crime_type="kidnapping", perpetrator=case.perpetrators[1].code),
        ):
            assert [found.id for found in inbox_page(db, org, filters, None)[0]] == [case.id]
        assert inbox_page(db, org, InboxFilters(crime_type="robbery"), None)[0] == []
    runtime.close()


def test_the_urgent_fast_path_and_its_completion_keep_the_key(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path, clock=FrozenClock(NOW))
    sender = Sender("whatsapp", "+50499001122")
    start(runtime, sender)
    replies = []
    for step in RELATIVE_ABROAD_ANONYMOUS:
        replies += talk(runtime, sender, [step])
        check(runtime)
    receipt_code(replies)
    with runtime.sessions() as db:
        [case] = db.scalars(select(Case)).all()
        assert case.urgent and case.incident_state == "MX-TAM"
        # Anonymous: filed at the day's start, and the codes say so too.
        assert {row.submitted_at for row in case.crime_types} == {NOW.replace(hour=0)}
        assert all(row.urgent for row in [*case.crime_types, *case.perpetrators])
    runtime.close()


def test_an_abandoned_urgent_draft_filed_later_keeps_the_key(
    database_url: str, tmp_path: Path
) -> None:
    clock = FrozenClock(NOW)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    sender = Sender("sms", "+50499001133")
    start(runtime, sender)
    for answer in ("1", "1", "sí", "Chiapas"):
        runtime.conversations.handle(sender, InboundEvent(text=answer))
    with runtime.sessions() as db, db.begin():
        [draft] = db.scalars(select(Case)).all()
        draft.crime_types = [CaseCrimeType(code="kidnapping")]
    check(runtime)
    clock.advance(minutes=11)
    with runtime.sessions() as db, db.begin():
        assert file_abandoned(db, runtime.settings, runtime.vault, clock()) == 1
    check(runtime)
    runtime.close()


def test_corrections_ownership_and_codes_added_alone_keep_the_key(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path, clock=FrozenClock(NOW))
    answers = {"incident_state": "MX-SON", "crime_types": ["robbery"], "perpetrators": ["gang"]}
    case_id, _ = file_case(runtime, answers)
    check(runtime)
    with runtime.sessions() as db, db.begin():
        case = db.get_one(Case, case_id)
        assert case.uncovered is False
        ownership.assign(db, case)  # nobody covers Sonora
        assert case.uncovered is True
    check(runtime)
    with runtime.sessions() as db, db.begin():
        case = db.get_one(Case, case_id)
        case.incident_state, case.urgent = None, True
        case.reporter_state = "MX-CHP"
        case.submitted_at = NOW - timedelta(hours=1)
    check(runtime)
    with runtime.sessions() as db, db.begin():
        case = db.get_one(Case, case_id)
        answers = {**answers, "incident_state": "MX-CHP", "crime_types": ["extortion", "threats"]}
        cases.write_answers(db, runtime.vault, case, answers, language="es", contact_id=None)
    check(runtime)
    with runtime.sessions() as db, db.begin():
        db.add(CasePerpetrator(case_id=case_id, code="inm_agent"))
        db.add(CaseCrimeType(case_id=case_id, code="robbery"))
    check(runtime)
    with runtime.sessions() as db:
        rows = db.scalars(select(CaseCrimeType).where(CaseCrimeType.case_id == case_id)).all()
        assert sorted(row.code for row in rows) == ["extortion", "robbery", "threats"]
        assert {(row.incident_state, row.urgent) for row in rows} == {("MX-CHP", True)}
    runtime.close()


def test_erasure_keeps_the_codes_with_their_key_and_deletion_takes_them(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path, clock=FrozenClock(NOW))
    kept, _ = file_case(runtime, {"incident_state": "MX-OAX", "crime_types": ["robbery"]})
    gone, _ = file_case(runtime, {"incident_state": "MX-OAX", "crime_types": ["extortion"]})
    with runtime.sessions() as db, db.begin():
        retention.erase_case(db, db.get_one(Case, kept), now=NOW)
        db.delete(db.get_one(Case, gone))
    check(runtime)
    with runtime.sessions() as db:
        [row] = db.scalars(select(CaseCrimeType)).all()
        assert (row.case_id, row.code, row.incident_state) == (kept, "robbery", "MX-OAX")
    runtime.close()
