"""Carries out the follow-up effects of the engine against the database (one transaction).

`bot.conversations` calls `perform` for each follow-up effect and hands the outcome back to the
engine with `engine.resume`; see `bot.follow_turn` for why outcomes never travel as messages.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.cases import subscriptions
from bot.config import Settings
from bot.follow_turn import (
    Checked,
    Done,
    FollowEffect,
    ListFollowers,
    Outcome,
    RecheckPin,
    RequestCallBack,
    RevokeFollower,
    ShowUpdates,
    Subscribe,
    Unsubscribe,
    Updates,
    VerifyFollowUp,
)
from bot.models import Contact
from bot.vault import Vault

FOLLOW_EFFECTS = (
    VerifyFollowUp,
    RecheckPin,
    Subscribe,
    ShowUpdates,
    Unsubscribe,
    RequestCallBack,
    ListFollowers,
    RevokeFollower,
)


def perform(
    db: Session,
    vault: Vault,
    settings: Settings,
    contact: Contact,
    effect: FollowEffect,
    now: datetime,
) -> Outcome:
    """Do what a follow-up effect asks, as this contact, and say how it went."""
    if isinstance(effect, VerifyFollowUp):
        return subscriptions.check(db, vault, contact, effect.code, effect.pin, now)
    if isinstance(effect, RecheckPin):
        return subscriptions.recheck(db, contact, effect.subscription_id, effect.pin, now)
    if isinstance(effect, Subscribe):
        done = subscriptions.subscribe(
            db,
            contact,
            effect.case_id,
            language=effect.language,
            timezone=effect.timezone,
            settings=settings,
            now=now,
        )
        return done if done is not None else Checked(False, "wrong")
    if isinstance(effect, ShowUpdates):
        return subscriptions.updates(
            db, vault, contact, effect.subscription_id, settings=settings, now=now
        )
    if isinstance(effect, Unsubscribe):
        if subscriptions.unsubscribe(db, contact, effect.subscription_id):
            return Done("unsubscribed")
        return Updates(None)
    if isinstance(effect, RequestCallBack):
        subscriptions.request_callback(db, contact, effect.subscription_id, now)
        return Done("callback")
    if isinstance(effect, ListFollowers):
        return subscriptions.followers(db, vault, contact)
    subscriptions.revoke(db, contact, effect.subscription_id)
    return Done("revoked")
