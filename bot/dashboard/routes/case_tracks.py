"""Changes to a case's tracks and referrals, each confirmed where it matters.

A step on the justice, queja, migration or search track, a family-visible step and every
correction are shown back for confirmation first (`confirm=1` records it): one mis-click does
not reach the family, the complaint PDF, the statistics or the retention clock. A wrong step is
corrected by a correcting event that supersedes it; both stay in the timeline and the audit log.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from bot.cases.events import EventError
from bot.cases.tracks import CONFIRMED_TRACKS, LABELS, TRACK_OF
from bot.core.i18n import translator
from bot.dashboard import referrals
from bot.dashboard.deps import WritableCase, changes
from bot.dashboard.web import PREFIX, Denied, page
from bot.follow.events import add_event
from bot.staff.accounts import AccountError
from bot.staff.trail import audit_as
from bot.store.models import Referral
from flows.codes import COMPLAINT_RECORDS, PRIOR_OUTCOMES, PRIOR_REPORTS, REFERRAL_BODIES

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise EventError("not a date") from None


@router.post("/cases/{case_id}/events", dependencies=changes("case.event"))
def case_add_event(
    request: Request,
    change: WritableCase,
    status: str = Form(..., max_length=40),
    body: str = Form("", max_length=24),
    record_kind: str = Form("", max_length=12),
    number: str = Form("", max_length=120),
    occurred_on: str = Form("", max_length=10),
    corrects: str = Form("", max_length=32),
    note: str = Form("", max_length=2000),
    family_visible: str = Form(""),
    confirm: str = Form(""),
) -> Response:
    """Record a step on a track, or correct a wrong one (after confirmation where it matters)."""
    visible = bool(family_visible)
    track = TRACK_OF.get(status, "")
    if not confirm and (track in CONFIRMED_TRACKS or visible or corrects):
        # Shown back, not recorded: the audit log says a confirmation was asked.
        audit_as(request, "case.event", outcome="confirm", status=status[:40])
        t = translator(change.actor.language)
        bodies = {c.code: c.label for c in REFERRAL_BODIES}
        kinds = {c.code: c.label for c in COMPLAINT_RECORDS}
        return page(
            "case_confirm.html",
            change.actor,
            case=change.case,
            status_label=t(LABELS.get(status, status)),
            body_label=t(bodies[body]) if body in bodies else None,
            kind_label=t(kinds[record_kind]) if record_kind in kinds else None,
            fields={
                "status": status,
                "body": body,
                "record_kind": record_kind,
                "number": number,
                "occurred_on": occurred_on,
                "corrects": corrects,
                "note": note,
                "family_visible": "1" if visible else "",
            },
            family_visible=visible,
            correction=bool(corrects),
            occurred_on=occurred_on,
        )
    try:
        recorded = add_event(
            change.db,
            change.runtime.vault,
            change.case,
            status=status,
            author=change.actor.staff.email,
            note=note.strip() or None,
            family_visible=visible,
            now=change.runtime.clock(),
            body=body or None,
            record_kind=record_kind or None,
            number=number.strip() or None,
            occurred_on=_day(occurred_on),
            corrects=corrects or None,
        )
    except EventError:
        audit_as(request, "case.event", outcome="rejected", status=status[:40])
        return change.back("error=event")
    audit_as(
        request,
        "case.event",
        status=status,
        family_visible=visible,
        event=recorded.id,
        corrects=recorded.corrects_id,
    )
    return change.back("done=corrected" if corrects else "done=event")


@router.post("/cases/{case_id}/refer", dependencies=changes("case.refer"))
def case_refer(
    request: Request,
    change: WritableCase,
    organization: str = Form("", max_length=60),
    onward_allowed: str = Form(""),
) -> Response:
    """Refer the case to another organization, named explicitly."""
    actor = change.actor
    try:
        target = referrals.refer(
            change.db,
            change.case,
            from_org=actor.org,
            to_slug=organization,
            staff=actor.staff,
            onward_allowed=bool(onward_allowed),
            now=change.runtime.clock(),
        )
    except referrals.OnwardRefused:
        audit_as(request, "case.refer", outcome="rejected", reason="onward")
        return change.back("error=onward")
    except AccountError:
        return change.back("error=refer")
    audit_as(request, "case.refer", to_org=target.id, onward_allowed=bool(onward_allowed))
    return change.back("done=refer")


def made_referral(referral_id: str, change: WritableCase) -> Referral:
    """A referral of the case that this organization made; back to the case page otherwise."""
    found = referrals.made_by(change.db, change.case, referral_id, change.actor.org)
    if found is None:
        raise Denied(303, change.page("error=withdraw"))
    return found


MadeReferral = Annotated[Referral, Depends(made_referral)]


@router.post(
    "/cases/{case_id}/referrals/{referral_id}/withdraw", dependencies=changes("case.unrefer")
)
def case_withdraw_referral(
    request: Request, change: WritableCase, referral: MadeReferral
) -> Response:
    """Withdraw a referral this organization made: the other one no longer sees the case."""
    referrals.withdraw(change.db, change.case, referral, now=change.runtime.clock())
    audit_as(request, "case.unrefer", to_org=referral.to_org_id, referral=referral.id)
    return change.back("done=withdrawn")


@router.post("/cases/{case_id}/referrals/{referral_id}/onward", dependencies=changes("case.onward"))
def case_onward_consent(
    request: Request, change: WritableCase, referral: MadeReferral, allowed: str = Form("")
) -> Response:
    """Consent (or not) to the receiving organization referring the case onward."""
    referrals.set_onward(change.db, referral, allowed=bool(allowed))
    audit_as(request, "case.onward", referral=referral.id, allowed=referral.onward_allowed)
    return change.back("done=onward")


@router.post("/cases/{case_id}/history", dependencies=changes("case.history"))
def case_prior_reports(
    request: Request,
    change: WritableCase,
    prior: Annotated[list[str] | None, Form()] = None,
    outcome: str = Form("", max_length=16),
) -> Response:
    """Code where the case was reported before Camino and how the authority answered."""
    places = {c.code for c in PRIOR_REPORTS}
    outcomes = {c.code for c in PRIOR_OUTCOMES}
    prior = prior or []
    chosen = [code for code in prior if code in places]
    if len(chosen) != len(prior) or (outcome and outcome not in outcomes):
        return change.back("error=history")
    if "none" in chosen and len(chosen) > 1:
        return change.back("error=history")
    change.case.prior_reports = " ".join(sorted(set(chosen))) or None
    change.case.prior_outcome = outcome or None
    audit_as(request, "case.history", prior=change.case.prior_reports, outcome=outcome or None)
    return change.back("done=history")
