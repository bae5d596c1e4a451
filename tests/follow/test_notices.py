"""Notices reach every follower in their language and channel, after quiet hours, discreetly;
digests after 14 silent days; WhatsApp outside its 24-hour window gets a template."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import cases
from bot.app.runtime import Runtime
from bot.conversation.parsers import MX_STATES
from bot.core import i18n
from bot.core.clock import FrozenClock
from bot.core.quiet_hours import QuietHours
from bot.delivery import Outcome, Outgoing, Sent
from bot.delivery import queue as outbox
from bot.delivery.worker import OutboxWorker
from bot.follow import subscriptions
from bot.follow.notices import notice_text
from bot.store.contacts import Sender
from bot.store.models import Contact, FollowSubscription, OutboxMessage
from flows.codes import CRIME_TYPES, PERPETRATORS
from tests.support.casework import add_event
from tests.support.chats import filed_case, follow, say, start
from tests.support.complaint_script import CANARIES
from tests.support.factories import make_runtime

NIGHT = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # 21:00 in Honduras and Mexico City


class Recorder:
    """A channel sender that records what it is asked to send."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    async def send(self, message: Outgoing) -> Outcome:
        self.sent.append(message)
        return Sent(f"id{len(self.sent)}")

    async def close(self) -> None:
        """Nothing to close."""


def drain(runtime: Runtime, senders: dict[str, Recorder]) -> None:
    """Deliver everything due now."""
    worker = OutboxWorker(runtime.settings, runtime.sessions, runtime.vault, runtime.clock, senders)  # type: ignore[arg-type]

    async def run() -> None:
        for channel, sender in senders.items():
            while await worker.deliver_one(channel, sender):
                pass

    asyncio.run(run())


def test_event_reaches_every_follower_in_their_language_after_quiet_hours(
    database_url: str, tmp_path: Path
) -> None:
    clock = FrozenClock(NIGHT)
    runtime = make_runtime(database_url, tmp_path, clock=clock, CAMINO_RATE_TELEGRAM_PER_CHAT=1000)
    code, pin = filed_case(runtime)
    follow(runtime, Sender("sms", "+50499990011"), code, pin, lang="en")  # English, SMS
    follow(runtime, Sender("telegram", "777"), code, pin, lang="fr")  # French, Telegram
    web = Sender("web", "browser")  # the web chat cannot be written to: timeline only
    start(runtime, web)
    say(runtime, web, "Seguir un caso")
    say(runtime, web, code)
    assert "PIN correctos" in say(runtime, web, pin)
    add_event(runtime, code)
    senders = {"sms": Recorder(), "telegram": Recorder()}
    drain(runtime, senders)
    assert not senders["sms"].sent and not senders["telegram"].sent  # 21:00: quiet hours
    clock.advance(hours=10, minutes=59)  # 07:59 in Honduras
    drain(runtime, senders)
    assert not senders["sms"].sent
    clock.advance(minutes=1)
    drain(runtime, senders)
    (sms,), (telegram,) = senders["sms"].sent, senders["telegram"].sent
    assert sms.address == "+50499990011" and "there is news" in sms.text
    assert telegram.address == "777" and "il y a du nouveau" in telegram.text
    drain(runtime, senders)
    assert len(senders["sms"].sent) == 1  # once
    with runtime.sessions() as db:
        assert db.query(OutboxMessage).filter(OutboxMessage.status == "sent").count() == 2


def test_notice_text_never_names_the_crime_place_or_people(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path, clock=FrozenClock(NIGHT))
    code, _ = filed_case(runtime)
    with runtime.sessions() as db:
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        personal = cases.personal_data(runtime.vault, case)
        labels = {c.code: c.label for c in (*CRIME_TYPES, *PERPETRATORS)}
        codes = [c.code for c in case.crime_types] + [c.code for c in case.perpetrators]
        forbidden = [str(v) for v in personal.values() if isinstance(v, str) and len(v) > 3]
        forbidden += [MX_STATES[s] for s in (case.incident_state, case.reporter_state) if s]
        forbidden += list(CANARIES)
    for lang in i18n.available_languages():
        t = i18n.translator(lang)
        text = notice_text(lang, "K7QM").lower()
        for code_ in codes:
            forbidden_here = [*forbidden, t(labels[code_]), code_]
            for word in forbidden_here:
                assert word.lower() not in text, (lang, word)
        assert "camino" in text and "k7qm" in text


def test_digest_after_14_silent_days_and_not_before(database_url: str, tmp_path: Path) -> None:
    clock = FrozenClock(datetime(2026, 3, 10, 18, 0, tzinfo=UTC))
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    code, pin = filed_case(runtime)
    follow(runtime, Sender("sms", "+50499990011"), code, pin)
    add_event(runtime, code)
    clock.advance(days=13, hours=23)
    with runtime.sessions() as db, db.begin():
        assert subscriptions.queue_digests(db, runtime.vault, runtime.settings, clock()) == 0
    clock.advance(hours=1)
    with runtime.sessions() as db, db.begin():
        assert subscriptions.queue_digests(db, runtime.vault, runtime.settings, clock()) == 1
        assert subscriptions.queue_digests(db, runtime.vault, runtime.settings, clock()) == 0
    senders = {"sms": Recorder()}
    drain(runtime, senders)
    _notice, digest = senders["sms"].sent  # the event's notice, then the digest
    assert "still open" in digest.text and "March 10, 2026" in digest.text
    clock.advance(days=14)
    with runtime.sessions() as db, db.begin():  # another fortnight of silence: another one
        assert subscriptions.queue_digests(db, runtime.vault, runtime.settings, clock()) == 1


def test_whatsapp_outside_24_hours_gets_the_template(database_url: str, tmp_path: Path) -> None:
    clock = FrozenClock(datetime(2026, 3, 10, 18, 0, tzinfo=UTC))
    runtime = make_runtime(
        database_url,
        tmp_path,
        clock=clock,
        CAMINO_WHATSAPP_TEMPLATES={"notice:en": "HXnoticeEN", "notice:es": "HXnoticeES"},
    )
    code, pin = filed_case(runtime)
    follow(runtime, Sender("whatsapp", "+50499990022"), code, pin)
    add_event(runtime, code)
    clock.advance(hours=1)
    senders = {"whatsapp": Recorder()}
    drain(runtime, senders)
    inside = senders["whatsapp"].sent[-1]
    assert inside.content_sid is None and "there is news" in inside.text
    clock.advance(hours=24)
    add_event(runtime, code, "referred")
    drain(runtime, senders)
    outside = senders["whatsapp"].sent[-1]
    assert outside.content_sid == "HXnoticeEN"
    with runtime.sessions() as db:
        reference = db.query(FollowSubscription).one().reference
    assert outside.variables == {"1": reference}
    say(runtime, Sender("whatsapp", "+50499990022"), "hola")  # writing reopens the window
    with runtime.sessions() as db:
        contact = db.query(Contact).filter(Contact.channel == "whatsapp").one()
        assert outbox.in_window(contact, clock())


def test_quiet_hours_cross_midnight() -> None:
    quiet = QuietHours.parse("21:00-08:00")
    night = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # 21:30 in Mexico City
    morning = quiet.next_allowed(night, "America/Mexico_City")
    assert morning == datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    assert quiet.next_allowed(morning, "America/Mexico_City") == morning
    early = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 06:00
    assert quiet.next_allowed(early, "America/Mexico_City") - early == timedelta(hours=2)
