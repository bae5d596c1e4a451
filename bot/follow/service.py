"""Carries out the follow-up effects of the engine against the database (one transaction).

`bot.intake.service` calls `perform` for each follow-up effect and hands the outcome back to the
engine with `engine.resume`; see `bot.conversation.protocol` for why outcomes never travel as
messages.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.conversation.protocol import (
    AnswerMessage,
    Checked,
    Done,
    FollowEffect,
    FollowOutcome,
    ListFollowers,
    RecheckPin,
    RequestCallBack,
    RevokeFollower,
    ShowMessages,
    ShowUpdates,
    Subscribe,
    Subscribed,
    Unsubscribe,
    Updates,
    VerifyFollowUp,
)
from bot.core.config import Settings
from bot.follow import messages as talkback_web
from bot.follow import subscriptions
from bot.store.models import Contact
from bot.store.vault import Vault

FOLLOW_EFFECTS = (
    VerifyFollowUp,
    RecheckPin,
    Subscribe,
    ShowUpdates,
    Unsubscribe,
    RequestCallBack,
    ListFollowers,
    RevokeFollower,
    ShowMessages,
    AnswerMessage,
)


def perform(
    db: Session,
    vault: Vault,
    settings: Settings,
    contact: Contact,
    effect: FollowEffect,
    now: datetime,
) -> FollowOutcome:
    """Do what a follow-up effect asks, as this contact, and say how it went."""
    outcome: FollowOutcome
    match effect:
        case VerifyFollowUp():
            outcome = subscriptions.check(db, vault, contact, effect.code, effect.pin, now)
        case RecheckPin():
            outcome = subscriptions.recheck(db, contact, effect.subscription_id, effect.pin, now)
        case Subscribe():
            done = subscriptions.subscribe(
                db,
                contact,
                effect.case_id,
                language=effect.language,
                timezone=effect.timezone,
                settings=settings,
                now=now,
            )
            outcome = done if done is not None else Checked(False, "wrong")
        case ShowUpdates():
            outcome = subscriptions.updates(
                db, vault, contact, effect.subscription_id, settings=settings, now=now
            )
        case Unsubscribe():
            left = subscriptions.unsubscribe(db, contact, effect.subscription_id)
            outcome = Done("unsubscribed") if left else Updates(None)
        case RequestCallBack():
            subscriptions.request_callback(db, contact, effect.subscription_id, now)
            outcome = Done("callback")
        case ListFollowers():
            outcome = subscriptions.followers(db, vault, contact)
        case ShowMessages():
            outcome = talkback_web.read(db, vault, contact, effect.subscription_id, now)
        case AnswerMessage():
            outcome = talkback_web.answer(
                db, vault, contact, effect.subscription_id, effect.text, now
            )
        case RevokeFollower():
            subscriptions.revoke(db, contact, effect.subscription_id)
            outcome = Done("revoked")
    return _with_talk(db, contact, outcome)


def _with_talk(db: Session, contact: Contact, outcome: FollowOutcome) -> FollowOutcome:
    """Mark outcomes that lead to the case menu when a shelter's messages are there to read."""
    if isinstance(outcome, Checked):
        if outcome.ok and outcome.subscription_id and outcome.case_id:
            return replace(outcome, talk=talkback_web.has_messages(db, contact, outcome.case_id))
        return outcome
    shows_menu = isinstance(outcome, Subscribed) or (
        isinstance(outcome, Updates) and not outcome.need_pin
    )
    if isinstance(outcome, Subscribed | Updates) and shows_menu and outcome.subscription_id:
        return replace(outcome, talk=_talk(db, contact, outcome.subscription_id))
    return outcome


def _talk(db: Session, contact: Contact, subscription_id: str) -> bool:
    subscription = subscriptions.own_subscription(db, contact, subscription_id)
    return subscription is not None and talkback_web.has_messages(db, contact, subscription.case_id)
