"""Family follow-up: code and PIN checks with stored locks, subscriptions, notices and digests.

Locks are computed from stored attempts (`follow_attempts`), so a restart resets nothing:
5 wrong tries at one code (whichever chats or browser sessions they came from, and whether or
not a case has that code), or 10 wrong tries (code or PIN) from one chat, within an hour lock
further tries for an hour after the last of them. Tries made while locked are refused without
being checked or counted. An unknown code and a wrong PIN get the same answer after the same
work (one Argon2 check each), so neither the answer nor its time tells whether a code exists.

A call-back request is its own row (`callback_requests`), not a case event: it is a task for the
shelter, not a step of the case, and it must not appear in the family's timeline.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, delete, exists, func, select
from sqlalchemy.orm import Session

from bot.cases.events import latest_status, timeline
from bot.cases.service import code_index, find_by_code
from bot.cases.tracks import JUSTICE_ENDINGS
from bot.conversation.protocol import Checked, Entry, Followers, Subscribed, Updates
from bot.core.channels import can_push, display_name
from bot.core.config import Settings
from bot.core.quiet_hours import QuietHours
from bot.delivery import queue as outbox
from bot.follow.notices import (
    digest_text,
    notice_text,
    template_variables,
)
from bot.store import crypto
from bot.store.contacts import contact_address
from bot.store.models import (
    CallbackRequest,
    Case,
    CaseEvent,
    Contact,
    FollowAttempt,
    FollowSubscription,
)
from bot.store.vault import Vault

CASE_LIMIT = 5
SENDER_LIMIT = 10
WINDOW = timedelta(hours=1)
LOCK = timedelta(hours=1)
REFERENCE_LENGTH = 4
CLOSED = {
    "intake": {"duplicate", "not_actionable"},
    "justice": set(JUSTICE_ENDINGS),
}


# -- locks -----------------------------------------------------------------------------------


def _locked_until(
    db: Session, now: datetime, limit: int, counted: ColumnElement[bool]
) -> datetime | None:
    """When a lock ends: the newest `limit` failures among the `counted` attempts fit in an
    hour and the last is recent."""
    query = select(FollowAttempt.created_at).where(
        FollowAttempt.ok.is_(False), FollowAttempt.created_at > now - WINDOW - LOCK, counted
    )
    failures = list(db.scalars(query.order_by(FollowAttempt.created_at.desc()).limit(limit)))
    if len(failures) < limit or failures[0] - failures[-1] > WINDOW:
        return None
    until = failures[0] + LOCK
    return until if until > now else None


def sender_locked_until(db: Session, contact_id: str, now: datetime) -> datetime | None:
    """Ten wrong tries from one chat within an hour lock it for an hour."""
    return _locked_until(db, now, SENDER_LIMIT, FollowAttempt.contact_id == contact_id)


def case_locked_until(db: Session, case_id: str, now: datetime) -> datetime | None:
    """Five wrong PINs for one case within an hour lock the case for an hour (dashboard)."""
    return _locked_until(db, now, CASE_LIMIT, FollowAttempt.case_id == case_id)


def code_locked_until(db: Session, index: str, now: datetime) -> datetime | None:
    """Five wrong tries at one code (by its blind index) within an hour lock it for an hour,
    from every chat and browser session, whether a case has the code or not."""
    return _locked_until(db, now, CASE_LIMIT, FollowAttempt.code_index == index)


def _record(
    db: Session,
    contact: Contact,
    case: Case | None,
    index: str | None,
    ok: bool,
    now: datetime,
    as_reporter: bool = False,
) -> None:
    db.add(
        FollowAttempt(
            contact_id=contact.id,
            case_id=case.id if case else None,
            code_index=index,
            ok=ok,
            created_at=now,
            as_reporter=as_reporter,
        )
    )
    db.flush()


def _reporters_pin(case: Case, pin: str) -> bool:
    """Whether the PIN is the web chat reporter's own (not the relatives')."""
    return case.reply_pin_hash is not None and crypto.verify_pin(case.reply_pin_hash, pin)


def _relatives_pin(case: Case, pin: str) -> bool:
    return case.pin_hash is not None and crypto.verify_pin(case.pin_hash, pin)


def _locked(
    db: Session, contact: Contact, case: Case | None, index: str | None, now: datetime
) -> bool:
    return (
        sender_locked_until(db, contact.id, now) is not None
        or (index is not None and code_locked_until(db, index, now) is not None)
        or (case is not None and case_locked_until(db, case.id, now) is not None)
    )


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    """An Argon2 hash no PIN is checked against for real: an unknown code costs the same."""
    return crypto.hash_pin(secrets.token_hex(16))


# -- checking code and PIN -------------------------------------------------------------------


def check(
    db: Session, vault: Vault, contact: Contact, code: str, pin: str, now: datetime
) -> Checked:
    """A relative's code and PIN (or the web chat reporter's own PIN): counted, and refused
    while a lock holds.

    Per chat (a browser session is a chat) and per code, so a new cookie starts nothing over;
    an unknown code and a wrong PIN answer alike, after one Argon2 check each.
    """
    if sender_locked_until(db, contact.id, now) is not None:
        return Checked(False, "locked")
    index = code_index(db, vault, code) if code else None
    case = find_by_code(db, vault, code) if index is not None else None
    if case is not None and (
        case.status == "draft" or (case.pin_hash is None and case.reply_pin_hash is None)
    ):
        case = None  # a case nobody may follow answers exactly like a wrong code
    if _locked(db, contact, case, index, now):
        return Checked(False, "locked")
    # Both PINs are checked whatever the code (a decoy where a case has none): an unknown code
    # takes as long as a wrong PIN.
    mine = case.reply_pin_hash if case is not None and case.reply_pin_hash else _decoy_hash()
    theirs = case.pin_hash if case is not None and case.pin_hash else _decoy_hash()
    reporter_ok, relatives_ok = crypto.verify_pin(mine, pin), crypto.verify_pin(theirs, pin)
    as_reporter = case is not None and case.reply_pin_hash is not None and reporter_ok
    ok = as_reporter or (case is not None and case.pin_hash is not None and relatives_ok)
    _record(db, contact, case, index, ok, now, as_reporter)
    if not ok or case is None:
        return Checked(False, "locked" if _locked(db, contact, case, index, now) else "wrong")
    existing = _subscription(db, case.id, contact.id)
    if existing is not None:
        existing.pin_checked_at = now
        existing.as_reporter = as_reporter
        return Checked(True, case_id=case.id, subscription_id=existing.id)
    return Checked(True, case_id=case.id)


def recheck(
    db: Session, contact: Contact, subscription_id: str, pin: str, now: datetime
) -> Checked:
    """The PIN again, before details on SMS/WhatsApp when the last check is old."""
    subscription = own_subscription(db, contact, subscription_id)
    if subscription is None:
        return Checked(False, "wrong")
    case = db.get(Case, subscription.case_id)
    index = case.code_index if case is not None else None
    if case is None or _locked(db, contact, case, index, now):
        return Checked(False, "locked")
    # The same PIN as the subscription was made with: a relative cannot become the reporter.
    as_reporter = subscription.as_reporter
    ok = _reporters_pin(case, pin) if as_reporter else _relatives_pin(case, pin)
    _record(db, contact, case, index, ok, now, as_reporter)
    if ok:
        subscription.pin_checked_at = now
        return Checked(True)
    return Checked(False, "locked" if _locked(db, contact, case, index, now) else "wrong")


# -- subscriptions ---------------------------------------------------------------------------


def _subscription(db: Session, case_id: str, contact_id: str) -> FollowSubscription | None:
    return db.scalars(
        select(FollowSubscription).where(
            FollowSubscription.case_id == case_id, FollowSubscription.contact_id == contact_id
        )
    ).first()


def own_subscription(
    db: Session, contact: Contact, subscription_id: str
) -> FollowSubscription | None:
    """A subscription of this contact (never someone else's, whatever id is asked for)."""
    subscription = db.get(FollowSubscription, subscription_id)
    if subscription is None or subscription.contact_id != contact.id:
        return None
    return subscription


def subscribe(
    db: Session,
    contact: Contact,
    case_id: str,
    *,
    language: str,
    timezone: str,
    settings: Settings,
    now: datetime,
) -> Subscribed | None:
    """Follow a case whose code and PIN this contact gave within the last hour (as the reporter
    when that PIN was the reporter's own)."""
    verified = db.scalars(
        select(FollowAttempt)
        .where(
            FollowAttempt.contact_id == contact.id,
            FollowAttempt.case_id == case_id,
            FollowAttempt.ok.is_(True),
            FollowAttempt.created_at > now - WINDOW,
        )
        .order_by(FollowAttempt.created_at.desc())
    ).first()
    if verified is None:
        return None
    quiet = QuietHours.parse(settings.quiet_hours)
    subscription = _subscription(db, case_id, contact.id)
    if subscription is None:
        subscription = FollowSubscription(
            case_id=case_id,
            contact_id=contact.id,
            channel=contact.channel,
            reference="".join(
                secrets.choice(crypto.CODE_ALPHABET) for _ in range(REFERENCE_LENGTH)
            ),
            seen_seq=0,
            created_at=now,
            pin_checked_at=now,
        )
        db.add(subscription)
    subscription.as_reporter = verified.as_reporter
    subscription.language = language
    subscription.timezone = timezone
    subscription.quiet_start = quiet.start.strftime("%H:%M")
    subscription.quiet_end = quiet.end.strftime("%H:%M")
    db.flush()
    return Subscribed(subscription.id, subscription.reference)


def chat_flags(db: Session, contact_id: str) -> tuple[bool, bool]:
    """(follows a case, reported a case relatives may follow), in one round trip."""
    row = db.execute(
        select(
            exists().where(FollowSubscription.contact_id == contact_id),
            exists().where(Case.contact_id == contact_id, Case.pin_hash.is_not(None)),
        )
    ).one()
    return bool(row[0]), bool(row[1])


def follows(db: Session, contact_id: str) -> bool:
    """Whether this chat follows any case."""
    return bool(db.scalar(select(exists().where(FollowSubscription.contact_id == contact_id))))


def reports_followable(db: Session, contact_id: str) -> bool:
    """Whether this chat reported a case that relatives may follow."""
    return bool(
        db.scalar(select(exists().where(Case.contact_id == contact_id, Case.pin_hash.is_not(None))))
    )


def updates(
    db: Session,
    vault: Vault,
    contact: Contact,
    subscription_id: str | None,
    *,
    settings: Settings,
    now: datetime,
) -> Updates:
    """The family-visible timeline of a followed case (the one with news when none is named)."""
    if subscription_id is not None:
        subscription = own_subscription(db, contact, subscription_id)
    else:
        subscription = _with_news(db, contact.id)
    if subscription is None:
        return Updates(None)
    case = db.get(Case, subscription.case_id)
    if case is None:
        return Updates(None)
    recheck_after = timedelta(days=settings.pin_recheck_days)
    if contact.channel in ("sms", "whatsapp") and (
        now - subscription.pin_checked_at > recheck_after
    ):
        return Updates(subscription.id, subscription.reference, need_pin=True)
    zone = ZoneInfo(subscription.timezone)
    entries = tuple(
        Entry(status=e.status, day=e.created_at.astimezone(zone).date(), note=e.note)
        for e in timeline(db, vault, case, family_only=True)
        if e.effective  # a corrected step is gone from the family's view
    )
    last_seq = db.scalar(
        select(func.max(CaseEvent.seq)).where(
            CaseEvent.case_id == case.id, CaseEvent.family_visible.is_(True)
        )
    )
    subscription.seen_seq = int(last_seq or 0)
    return Updates(subscription.id, subscription.reference, entries)


def _with_news(db: Session, contact_id: str) -> FollowSubscription | None:
    """The contact's subscription with the newest unseen visible event, else the newest one."""
    subscriptions = list(
        db.scalars(
            select(FollowSubscription)
            .where(FollowSubscription.contact_id == contact_id)
            .order_by(FollowSubscription.created_at.desc())
        )
    )
    best: tuple[datetime, FollowSubscription] | None = None
    for subscription in subscriptions:
        newest = db.scalar(
            select(func.max(CaseEvent.created_at)).where(
                CaseEvent.case_id == subscription.case_id,
                CaseEvent.family_visible.is_(True),
                CaseEvent.seq > subscription.seen_seq,
            )
        )
        if newest is not None and (best is None or newest > best[0]):
            best = (newest, subscription)
    if best is not None:
        return best[1]
    return subscriptions[0] if subscriptions else None


def unsubscribe(db: Session, contact: Contact, subscription_id: str) -> bool:
    """Stop following (pending notices go with the subscription)."""
    subscription = own_subscription(db, contact, subscription_id)
    if subscription is None:
        return False
    db.delete(subscription)
    db.flush()
    return True


def request_callback(db: Session, contact: Contact, subscription_id: str, now: datetime) -> bool:
    """Ask the shelter to call back; one open request per subscription is enough."""
    subscription = own_subscription(db, contact, subscription_id)
    if subscription is None:
        return False
    pending = db.scalar(
        select(
            exists().where(
                CallbackRequest.subscription_id == subscription.id,
                CallbackRequest.handled_at.is_(None),
            )
        )
    )
    if not pending:
        db.add(
            CallbackRequest(
                case_id=subscription.case_id, subscription_id=subscription.id, created_at=now
            )
        )
    return True


def followers(db: Session, vault: Vault, reporter: Contact) -> Followers:
    """Who follows the cases this contact reported: channel and a masked address only."""
    rows = db.execute(
        select(FollowSubscription, Contact)
        .join(Case, Case.id == FollowSubscription.case_id)
        .join(Contact, Contact.id == FollowSubscription.contact_id)
        .where(Case.contact_id == reporter.id)
        .order_by(FollowSubscription.created_at)
    ).all()
    return Followers(tuple((sub.id, masked(vault, contact)) for sub, contact in rows))


def masked(vault: Vault, contact: Contact) -> str:
    """`WhatsApp ···34`: enough to recognise a relative, never the whole number."""
    name = display_name(contact.channel)
    if contact.channel in ("sms", "whatsapp"):
        digits = "".join(ch for ch in contact_address(vault, contact) if ch in "0123456789")
        return f"{name} ···{digits[-2:]}"
    return name


def revoke(db: Session, reporter: Contact, subscription_id: str) -> bool:
    """The reporter removes a follower of one of their own cases."""
    subscription = db.get(FollowSubscription, subscription_id)
    if subscription is None:
        return False
    case = db.get(Case, subscription.case_id)
    if case is None or case.contact_id != reporter.id:
        return False
    db.delete(subscription)
    db.flush()
    return True


# -- notices and digests ---------------------------------------------------------------------


def _send_time(subscription: FollowSubscription, now: datetime) -> datetime:
    quiet = QuietHours.parse(f"{subscription.quiet_start}-{subscription.quiet_end}")
    return quiet.next_allowed(now, subscription.timezone)


def queue_event_notices(
    db: Session, vault: Vault, case: Case, event: CaseEvent, now: datetime
) -> int:
    """A family-visible event: a discreet notice for every follower, after their quiet hours."""
    if not event.family_visible:
        return 0
    queued = 0
    for subscription in db.scalars(
        select(FollowSubscription).where(FollowSubscription.case_id == case.id)
    ):
        contact = db.get(Contact, subscription.contact_id)
        if contact is None or not can_push(contact.channel):
            continue  # web and console followers see it in the timeline
        queued += _queue_for_follower(
            db,
            vault,
            contact,
            subscription,
            kind="notice",
            text=notice_text(subscription.language, subscription.reference),
            now=now,
            dedupe_key=f"notice:{event.id}:{subscription.id}",
        )
    return queued


def is_closed(db: Session, case: Case) -> bool:
    """A case whose intake or justice track reached an end."""
    return any(latest_status(db, case, track) in ends for track, ends in CLOSED.items())


def queue_digests(db: Session, vault: Vault, settings: Settings, now: datetime) -> int:
    """Followers of open cases with no visible event for `digest_days`: still open, since when."""
    silence = timedelta(days=settings.digest_days)
    queued = 0
    for subscription, case in db.execute(
        select(FollowSubscription, Case).join(Case, Case.id == FollowSubscription.case_id)
    ).all():
        last_visible = db.scalar(
            select(func.max(CaseEvent.created_at)).where(
                CaseEvent.case_id == case.id, CaseEvent.family_visible.is_(True)
            )
        )
        moved = last_visible or case.submitted_at or case.created_at
        anchor = max(
            [moved, subscription.created_at]
            + ([subscription.last_digest_at] if subscription.last_digest_at else [])
        )
        if now - anchor < silence or is_closed(db, case):
            continue
        contact = db.get(Contact, subscription.contact_id)
        subscription.last_digest_at = now
        if contact is None or not can_push(contact.channel):
            continue
        day: date = moved.astimezone(ZoneInfo(subscription.timezone)).date()
        queued += _queue_for_follower(
            db,
            vault,
            contact,
            subscription,
            kind="digest",
            text=digest_text(subscription.language, subscription.reference, day),
            now=now,
            dedupe_key=f"digest:{subscription.id}:{anchor.isoformat()}",
        )
    return queued


def _queue_for_follower(
    db: Session,
    vault: Vault,
    contact: Contact,
    subscription: FollowSubscription,
    *,
    kind: str,
    text: str,
    now: datetime,
    dedupe_key: str,
) -> bool:
    """Queue a notice or digest in the follower's language, after their quiet hours.

    False when that message was queued before (its dedupe key is taken)."""
    row = outbox.enqueue(
        db,
        vault,
        contact,
        kind=kind,
        text=text,
        language=subscription.language,
        now=now,
        not_before=_send_time(subscription, now),
        subscription_id=subscription.id,
        dedupe_key=dedupe_key,
        variables=template_variables(kind, subscription.reference),
    )
    return row is not None


def forget_attempts(db: Session, now: datetime) -> int:
    """Attempts older than any lock can use are useless: drop them."""
    result = db.execute(
        delete(FollowAttempt).where(
            FollowAttempt.created_at < now - WINDOW - LOCK - timedelta(days=1)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
