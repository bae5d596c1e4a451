"""The case store on SQLite and PostgreSQL: complaints filed, encrypted, found, never duplicated."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import cases
from bot.conversation.messages import InboundEvent, Location, Media
from bot.store import crypto
from bot.store.contacts import Sender, contact_address, find_contact
from bot.store.models import Case, Contact, Conversation, Evidence, InboundReceipt
from tests.support.chats import receipt_code, start, talk
from tests.support.complaint_script import (
    CANARIES,
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_SENTENCE,
    RELATIVE_ABROAD_ANONYMOUS,
    VICTIM_IN_MEXICO,
)
from tests.support.factories import make_runtime
from tests.support.people import GUATEMALAN_MAN, HONDURAN_WOMAN, PEOPLE, SALVADORAN_FATHER
from tests.support.rawscan import scan_pg_dump, scan_sqlite_files, sqlite_path

SENDER_PHONE = "+525598765432"  # the reporter's own number: personal data too


def test_complaint_is_filed_with_coded_columns_and_encrypted_personal_data(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path)
    sender = Sender("sms", SENDER_PHONE)
    start(runtime, sender)
    replies = talk(runtime, sender, VICTIM_IN_MEXICO)
    code = receipt_code(replies)
    with runtime.sessions() as db:
        case = cases.find_by_code(db, runtime.vault, code.lower().replace("-", " "))
        assert case is not None
        assert case.status == "submitted"
        assert case.reporter_role == "victim" and case.incident_state == "MX-OAX"
        assert sorted(c.code for c in case.crime_types) == ["extortion", "kidnapping"]
        assert case.victim_nationality == "HN" and case.victim_count == 2
        assert case.incident_date_precision == "day"
        assert case.language == "es" and case.channel == "sms"
        personal = cases.personal_data(runtime.vault, case)
        assert personal["description"] == CANARY_SENTENCE
        assert personal["reporter_name"] == CANARY_NAME
        assert personal["contact_phone"] == CANARY_PHONE
        assert case.pin_hash is not None and case.pin_hash.startswith("$argon2id$")
        assert case.contact_id is not None
        contact = db.get(Contact, case.contact_id)
        assert contact is not None and contact_address(runtime.vault, contact) == SENDER_PHONE
    runtime.close()


def test_anonymous_report_keeps_no_contact(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    sender = Sender("whatsapp", SENDER_PHONE)
    start(runtime, sender, "en")
    replies = talk(runtime, sender, RELATIVE_ABROAD_ANONYMOUS)
    with runtime.sessions() as db:
        case = cases.find_by_code(db, runtime.vault, receipt_code(replies))
        assert case is not None
        assert case.contact_id is None
        assert case.urgent and case.still_missing_or_held
        personal = cases.personal_data(runtime.vault, case)
        assert "reporter_name" not in personal and "contact_phone" not in personal
    runtime.close()


def test_no_canary_at_rest(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    runtime = make_runtime(database_url, tmp_path)
    sender = Sender("sms", SENDER_PHONE)
    start(runtime, sender)
    talk(runtime, sender, VICTIM_IN_MEXICO[:20])
    photo = Media("image/jpeg", b"\xff\xd8 " + CANARY_NAME.encode() + b" exif")
    runtime.conversations.handle(sender, InboundEvent(media=(photo,)))
    runtime.conversations.handle(sender, InboundEvent(location=Location(16.5612, -95.1003)))
    talk(runtime, sender, VICTIM_IN_MEXICO[20:])
    canaries = [*CANARIES, SENDER_PHONE, "16.5612"]
    if database_url.startswith("sqlite"):
        path = sqlite_path(database_url)
        assert Path(f"{path}-wal").exists()  # the scan covers the write-ahead log too
        assert scan_sqlite_files(path, canaries) == []
        runtime.close()
        assert scan_sqlite_files(path, canaries) == []
    else:
        server = request.getfixturevalue("postgres_server")
        assert scan_pg_dump(database_url, canaries, server.pg_dump) == []
        runtime.close()


def test_redelivery_is_processed_once(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    sender = Sender("sms", SENDER_PHONE)
    first = runtime.conversations.handle(sender, InboundEvent(text="hola"), external_id="SM1")
    again = runtime.conversations.handle(sender, InboundEvent(text="hola"), external_id="SM1")
    assert first is not None and again is None
    with runtime.sessions() as db:
        assert db.scalar(select(func.count()).select_from(InboundReceipt)) == 1
        assert db.scalar(select(func.count()).select_from(Contact)) == 1
    runtime.close()


def test_restart_in_the_middle_loses_nothing(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    sender = Sender("telegram", "123456789")
    start(runtime, sender)
    talk(runtime, sender, VICTIM_IN_MEXICO[:12])
    photo = Media("image/png", b"\x89PNG" + b"1" * 64)
    runtime.conversations.handle(sender, InboundEvent(media=(photo,)))
    runtime.close()

    restarted = make_runtime(database_url, tmp_path)  # a new process, same database and key
    replies = talk(restarted, sender, VICTIM_IN_MEXICO[12:])
    with restarted.sessions() as db:
        case = cases.find_by_code(db, restarted.vault, receipt_code(replies))
        assert case is not None and case.reporter_state == "MX-CHP"
        evidence = db.scalars(select(Evidence).where(Evidence.case_id == case.id)).all()
        assert len(evidence) == 1
        data = crypto.decrypt(
            cases.case_key(restarted.vault, case),
            evidence[0].data_enc,
            aad=f"evidence:{evidence[0].id}",
        )
        assert data == photo.data
    restarted.close()


def test_contacts_are_found_by_blind_index_only(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    sender = Sender("sms", SENDER_PHONE)
    start(runtime, sender)
    with runtime.sessions() as db:
        contact = find_contact(db, runtime.vault, sender)
        assert contact is not None
        assert SENDER_PHONE.encode() not in contact.address_enc
        assert contact.address_index != SENDER_PHONE
        assert find_contact(db, runtime.vault, Sender("whatsapp", SENDER_PHONE)) is None
        conversation = db.scalars(select(Conversation)).one()
        assert b"lang" not in conversation.state_enc
    runtime.close()


def test_exit_discards_the_draft_and_its_evidence(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    sender = Sender("console", "tty")
    start(runtime, sender)
    talk(runtime, sender, VICTIM_IN_MEXICO[:5])
    runtime.conversations.handle(sender, InboundEvent(media=(Media("image/png", b"\x89PNG1"),)))
    with runtime.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == 1
    talk(runtime, sender, [("", "salir"), ("", "sí")])
    with runtime.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == 0
        assert db.scalar(select(func.count()).select_from(Evidence)) == 0
    runtime.close()


def test_anonymous_case_times_are_kept_to_the_day(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    sender = Sender("sms", SENDER_PHONE)
    start(runtime, sender, "en")
    replies = talk(runtime, sender, RELATIVE_ABROAD_ANONYMOUS)
    with runtime.sessions() as db:
        case = cases.find_by_code(db, runtime.vault, receipt_code(replies))
        assert case is not None and case.submitted_at is not None
        for moment in (case.submitted_at, case.created_at, case.updated_at):
            assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
    runtime.close()


def test_the_three_people_are_stored_with_unknowns_apart(database_url: str, tmp_path: Path) -> None:
    """ "No sé" is kept as unknown: not "no", not a skipped question (issue 14)."""
    runtime = make_runtime(database_url, tmp_path)
    stored = {}
    for person in PEOPLE:
        sender = Sender("sms", person.sender)
        start(runtime, sender)
        code = receipt_code(talk(runtime, sender, list(person.script)))
        with runtime.sessions() as db:
            case = cases.find_by_code(db, runtime.vault, code)
            assert case is not None
            db.expunge(case)
            stored[person.name] = case
    woman = stored[HONDURAN_WOMAN.name]
    assert sorted(c.code for c in woman.crime_types) == ["robbery", "sexual_violence"]
    assert [p.code for p in woman.perpetrators] == ["gang"]
    assert woman.incident_state == "MX-TAB" and woman.place_type == "rail_or_route"
    assert woman.incident_date_precision == "unknown"  # "no sé"
    assert woman.victim_gender == "woman" and woman.victim_age_group == "18_29"
    assert woman.wants == "protection care"
    father = stored[SALVADORAN_FATHER.name]
    assert father.urgent and father.reporter_role == "relative_or_friend"
    assert father.reporter_country == "SV" and father.victim_count == 1
    assert father.officials_colluded is None and father.unknown_answers == "officials_colluded"
    assert [p.code for p in father.perpetrators] == ["unknown"]
    assert father.victim_age_group == "12_17" and father.wants == "search"
    man = stored[GUATEMALAN_MAN.name]
    assert [p.code for p in man.perpetrators] == ["inm_agent"]
    assert man.officials_colluded is None and man.unknown_answers is None  # not asked
    assert man.speaks_indigenous_language is True
    assert man.wants_complaint is True and man.wants == "complaint human_rights"
    assert man.contact_channel == "phone_call" and man.contact_hours == "afternoon"
    runtime.close()
