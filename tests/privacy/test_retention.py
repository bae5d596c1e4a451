"""Retention and erasure with an injected clock: on time, statistics intact, nothing left."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text

from bot import cases
from bot.app.runtime import Runtime
from bot.conversation.messages import InboundEvent, Media
from bot.core.clock import FrozenClock
from bot.follow import events as case_events
from bot.privacy import retention
from bot.staff import accounts
from bot.store.contacts import Sender, find_contact
from bot.store.models import (
    Case,
    CaseCrimeType,
    CaseEvent,
    Contact,
    Conversation,
    Evidence,
    Referral,
)
from tests.support.casework import add_event
from tests.support.complaint_script import (
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_SENTENCE,
    VICTIM_IN_MEXICO,
)
from tests.support.dashboard_helpers import file_case
from tests.support.factories import make_runtime
from tests.support.rawscan import scan_sqlite_files, sqlite_files, sqlite_path

START = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
EVIDENCE_CANARY = b"CANARY-EVIDENCE-7f3a9c"


def talk(runtime: Runtime, sender: Sender, script: list[tuple[str, str]]) -> str:
    runtime.conversations.handle(sender, InboundEvent(language_hint="es"))
    text_out = ""
    for step, answer in script:
        if step == "description":  # a photo first: kept as evidence
            runtime.conversations.handle(
                sender, InboundEvent(media=(Media("image/jpeg", EVIDENCE_CANARY),))
            )
        reply = runtime.conversations.handle(sender, InboundEvent(text=answer))
        assert reply is not None
        text_out = "\n".join(m.text for m in reply.messages)
    for line in text_out.splitlines():
        if ":" in line and "-" in line.split(":")[-1]:
            return line.split(":")[-1].strip()
    raise AssertionError(text_out)


def crime_counts(runtime: Runtime) -> dict[str, int]:
    with runtime.sessions() as db:
        rows = db.execute(
            select(CaseCrimeType.code, func.count()).group_by(CaseCrimeType.code)
        ).all()
    return {code: count for code, count in rows}


def raw_bytes(url: str) -> bytes:
    return b"".join(path.read_bytes() for path in sqlite_files(sqlite_path(url)))


def test_sqlite_runs_with_secure_delete(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path)
    with runtime.engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
    runtime.close()


def test_closed_case_is_shredded_after_retention_and_still_counted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/c.db"
    clock = FrozenClock(START)
    runtime = make_runtime(url, tmp_path, clock=clock, CAMINO_RETENTION_DAYS="365")
    code = talk(runtime, Sender("sms", "+525511112222"), VICTIM_IN_MEXICO)
    before = crime_counts(runtime)
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        case_events.add_event(
            db,
            runtime.vault,
            case,
            status="not_actionable",
            author="staff",
            note=f"Llamar a {CANARY_NAME}",
            family_visible=False,
            now=clock(),
        )
        case_id, wrapped, personal = case.id, case.wrapped_key, case.personal_enc
        assert personal is not None
        assert db.scalar(select(func.count()).select_from(Evidence)) == 1

    clock.advance(days=364)
    assert retention.purge(runtime.sessions, runtime.settings, clock).cases == 0
    clock.advance(days=2)
    assert retention.purge(runtime.sessions, runtime.settings, clock, dry_run=True).cases == 1
    report = retention.purge(runtime.sessions, runtime.settings, clock)
    assert report.cases == 1

    with runtime.sessions() as db:
        case = db.get(Case, case_id)
        assert case is not None and case.erased_at is not None
        assert case.wrapped_key == b"" and case.personal_enc is None
        assert case.code_index is None and case.pin_hash is None and case.contact_id is None
        assert case.reply_pin_hash is None
        assert case.incident_state == "MX-OAX" and case.status == "not_actionable"
        assert db.scalar(select(func.count()).select_from(Evidence)) == 0
        events = db.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)).all()
        assert [e.status for e in events] == ["not_actionable"] and events[0].note_enc is None
        assert cases.find_by_code(db, runtime.vault, code) is None
    assert crime_counts(runtime) == before  # statistics still count it
    assert retention.purge(runtime.sessions, runtime.settings, clock).cases == 0
    runtime.close()
    stored = raw_bytes(url)
    assert wrapped not in stored and personal not in stored
    assert scan_sqlite_files(sqlite_path(url), [CANARY_NAME, CANARY_SENTENCE]) == []
    assert EVIDENCE_CANARY not in stored


def test_open_cases_and_recent_activity_are_kept(tmp_path: Path) -> None:
    clock = FrozenClock(START)
    runtime = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path, clock=clock)
    code = talk(runtime, Sender("sms", "+525511113333"), VICTIM_IN_MEXICO)
    add_event(runtime, code, "no_prosecution", author="s")
    clock.advance(days=300)
    # A visa request after closing is new activity: the retention clock starts again.
    add_event(runtime, code, "humanitarian_visa_requested", author="s")
    clock.advance(days=100)
    assert retention.purge(runtime.sessions, runtime.settings, clock).cases == 0
    clock.advance(days=300)
    assert retention.purge(runtime.sessions, runtime.settings, clock).cases == 1
    runtime.close()


def test_abandoned_draft_expires_after_seven_days(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/c.db"
    clock = FrozenClock(START)
    runtime = make_runtime(url, tmp_path, clock=clock)
    sender = Sender("telegram", "4242")
    runtime.conversations.handle(sender, InboundEvent(language_hint="es"))
    script = [a for s, a in VICTIM_IN_MEXICO if s != "summary"][:19]  # up to the description
    for answer in script:
        runtime.conversations.handle(sender, InboundEvent(text=answer))
    runtime.conversations.handle(
        sender, InboundEvent(media=(Media("image/jpeg", EVIDENCE_CANARY),))
    )
    with runtime.sessions() as db:
        conversation = db.scalars(select(Conversation)).one()
        state_blob = conversation.state_enc
        assert db.scalar(select(func.count()).select_from(Case)) == 1  # the draft
    clock.advance(days=6)
    assert retention.purge(runtime.sessions, runtime.settings, clock).drafts == 0
    clock.advance(days=2)
    assert retention.purge(runtime.sessions, runtime.settings, clock).drafts == 1
    with runtime.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == 0
        assert db.scalar(select(func.count()).select_from(Conversation)) == 0
        assert db.scalar(select(func.count()).select_from(Evidence)) == 0
    # Writing again starts afresh.
    reply = runtime.conversations.handle(sender, InboundEvent(text="hola"))
    assert reply is not None and reply.messages
    runtime.close()
    stored = raw_bytes(url)
    assert state_blob not in stored and EVIDENCE_CANARY not in stored


def test_delete_my_data_erases_the_contact_and_detaches_reports(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/c.db"
    clock = FrozenClock(START)
    runtime = make_runtime(url, tmp_path, clock=clock)
    sender = Sender("sms", "+525599990000")
    code = talk(runtime, sender, VICTIM_IN_MEXICO)
    before = crime_counts(runtime)
    with runtime.sessions() as db:
        contact = find_contact(db, runtime.vault, sender)
        assert contact is not None
        address_blob, contact_wrapped = contact.address_enc, contact.wrapped_key
    reply = runtime.conversations.handle(sender, InboundEvent(text="Borrar mis datos"))
    assert reply is not None and reply.messages[-1].step_id == "confirm_erase"
    reply = runtime.conversations.handle(sender, InboundEvent(text="sí"))
    assert reply is not None and reply.erased
    assert "Twilio" in reply.messages[-1].text
    with runtime.sessions() as db:
        assert find_contact(db, runtime.vault, sender) is None
        assert db.scalar(select(func.count()).select_from(Contact)) == 0
        assert db.scalar(select(func.count()).select_from(Conversation)) == 0
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None and case.contact_id is None
        personal = cases.personal_data(runtime.vault, case)
        assert "reporter_name" not in personal and "contact_phone" not in personal
        assert personal["description"] == CANARY_SENTENCE  # the report itself stays filed
    assert crime_counts(runtime) == before
    retention.checkpoint(runtime.sessions)
    runtime.close()
    stored = raw_bytes(url)
    assert address_blob not in stored and contact_wrapped not in stored
    assert scan_sqlite_files(sqlite_path(url), [CANARY_NAME, CANARY_PHONE, "+525599990000"]) == []


def _close(runtime: Runtime, case_id: str, now: datetime) -> None:
    with runtime.sessions() as db, db.begin():
        case = db.get(Case, case_id)
        assert case is not None
        case_events.add_event(
            db,
            runtime.vault,
            case,
            status="not_actionable",
            author="staff",
            note="nota",
            family_visible=False,
            now=now,
        )


def _erased(runtime: Runtime) -> set[str]:
    with runtime.sessions() as db:
        return set(db.scalars(select(Case.id).where(Case.erased_at.is_not(None))))


def test_each_case_is_kept_for_the_longest_period_of_the_organizations_that_see_it(
    tmp_path: Path,
) -> None:
    clock = FrozenClock(START)
    runtime = make_runtime(
        f"sqlite:///{tmp_path}/c.db", tmp_path, clock=clock, CAMINO_RETENTION_DAYS="365"
    )
    with runtime.sessions() as db, db.begin():
        short = accounts.create_organization(
            db, slug="short", name="S", city=None, states=["MX-CHP", "MX-OAX"], now=START
        )
        long = accounts.create_organization(
            db, slug="long", name="L", city=None, states=["MX-CHP"], now=START
        )
        # An organization that sets no period keeps the global one.
        accounts.create_organization(
            db, slug="plain", name="P", city=None, states=["MX-VER"], now=START
        )
        short.retention_days, long.retention_days = 60, 400
        short_id, long_id = short.id, long.id
    base = {"crime_types": ["extortion"], "perpetrators": ["inm_agent"], "description": "x"}
    ids = {
        name: file_case(runtime, {**base, **answers})[0]
        for name, answers in {
            "both": {"incident_state": "MX-CHP"},
            "both_by_reporter": {"reporter_state": "MX-CHP"},
            "short_only": {"incident_state": "MX-OAX"},
            "referred": {"incident_state": "MX-OAX"},
            "plain": {"incident_state": "MX-VER"},
            "nobody": {"incident_state": "MX-YUC"},
        }.items()
    }
    with runtime.sessions() as db, db.begin():
        db.add(
            Referral(
                case_id=ids["referred"], from_org_id=short_id, to_org_id=long_id, created_at=START
            )
        )
    for case_id in ids.values():
        _close(runtime, case_id, START)
    before = crime_counts(runtime)

    def purge_at(day: int) -> set[str]:
        clock.advance(days=day - (clock() - START).days)
        retention.purge(runtime.sessions, runtime.settings, clock)
        return {name for name, case_id in ids.items() if case_id in _erased(runtime)}

    assert purge_at(59) == set()
    assert purge_at(61) == {"short_only"}
    assert purge_at(300) == {"short_only"}  # the 400-day organization still keeps its cases
    assert purge_at(366) == {"short_only", "plain", "nobody"}
    assert purge_at(399) == {"short_only", "plain", "nobody"}
    assert purge_at(401) == set(ids)
    assert crime_counts(runtime) == before  # statistics still count every erased case
    runtime.close()


def test_without_organization_periods_the_global_period_applies(tmp_path: Path) -> None:
    clock = FrozenClock(START)
    runtime = make_runtime(
        f"sqlite:///{tmp_path}/c.db", tmp_path, clock=clock, CAMINO_RETENTION_DAYS="100"
    )
    with runtime.sessions() as db, db.begin():
        accounts.create_organization(
            db, slug="shelter", name="S", city=None, states=["MX-CHP"], now=START
        )
    case_id, _ = file_case(runtime, {"incident_state": "MX-CHP", "crime_types": ["robbery"]})
    _close(runtime, case_id, START)
    clock.advance(days=99)
    assert retention.purge(runtime.sessions, runtime.settings, clock, dry_run=True).cases == 0
    clock.advance(days=2)
    assert retention.purge(runtime.sessions, runtime.settings, clock).cases == 1
    runtime.close()
