"""On-call alerts in tests: a fallback organization, destinations, and urgent cases filed and
alerted the way the conversation service will (file, assign an owner, report)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import alerts
from bot.app.runtime import Runtime
from bot.staff import accounts, orgsettings
from bot.staff.ownership import assign, set_fallback
from bot.store.models import Case, Organization
from tests.support.dashboard_helpers import file_case


def add_org(runtime: Runtime, slug: str, states: list[str], *, is_fallback: bool = False) -> str:
    """An organization (the network's fallback when asked); its id."""
    with runtime.sessions() as db, db.begin():
        org = accounts.create_organization(
            db, slug=slug, name=slug.upper(), city=None, states=states, now=runtime.clock()
        )
        if is_fallback:
            set_fallback(db, org)
        return org.id


def make_fallback(runtime: Runtime, slug: str) -> None:
    with runtime.sessions() as db, db.begin():
        org = accounts.find_organization(db, slug)
        assert org is not None
        set_fallback(db, org)


def set_destinations(
    runtime: Runtime,
    slug: str,
    *,
    sms: list[str] | None = None,
    whatsapp: list[str] | None = None,
    telegram: list[str] | None = None,
) -> None:
    with runtime.sessions() as db, db.begin():
        org = accounts.find_organization(db, slug)
        assert org is not None
        wanted = orgsettings.Destinations.parse(sms or [], whatsapp or [], telegram or [])
        orgsettings.replace_destinations(db, runtime.vault, org, wanted, runtime.clock())


def file_and_alert(
    runtime: Runtime,
    answers: dict[str, Any],
    *,
    urgent: bool = True,
    when: datetime | None = None,
) -> str:
    """A case filed (urgent by default), given its owner and alerted; its id."""
    now = when or runtime.clock()
    case_id, _code = file_case(runtime, answers, urgent=urgent, when=now)
    with runtime.sessions() as db, db.begin():
        case = db.get(Case, case_id)
        assert case is not None
        assign(db, case)
        report = alerts.report_urgent if urgent else alerts.report_filed
        report(db, runtime.settings, runtime.vault, case, now)
    return case_id


def org_by_slug(runtime: Runtime, slug: str) -> Organization:
    with runtime.sessions() as db:
        org = accounts.find_organization(db, slug)
        assert org is not None
        db.expunge(org)
        return org
