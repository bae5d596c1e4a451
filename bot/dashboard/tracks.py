"""The case page's tracks and referrals: its timeline with corrections, the event form's
choices, and the referrals that concern the organization."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot import cases
from bot.cases.events import ALERT_STATUSES, CALLBACK_STATUSES
from bot.cases.tracks import LABELS, offered
from bot.core.i18n import Translate
from bot.dashboard import casework, referrals
from bot.dashboard.casepage import local_time
from bot.store.models import Case, Organization
from bot.store.vault import Vault
from flows import codes
from flows.model import N_

TRACK_TITLES = (
    ("intake", N_("Admisión")),
    ("referral", N_("Envío a una autoridad")),
    ("justice", N_("Justicia (denuncia)")),
    ("queja", N_("Queja de derechos humanos")),
    ("migration", N_("Situación migratoria")),
    ("search", N_("Búsqueda de la persona")),
)
ALERT_LABELS = {choice.code: choice.label for choice in (*ALERT_STATUSES, *CALLBACK_STATUSES)}
BODY_LABELS = {choice.code: choice.label for choice in codes.REFERRAL_BODIES}
KIND_LABELS = {choice.code: choice.label for choice in codes.COMPLAINT_RECORDS}


def case_tracks(
    db: Session, vault: Vault, case: Case, org: Organization, t: Translate, tz: str
) -> dict[str, Any]:
    """What the track and referral partials of the case page show."""
    entries = cases.timeline(db, vault, case)
    labels = {**LABELS, **ALERT_LABELS}
    return {
        "events": [
            {
                "id": e.id,
                "status": t(labels.get(e.status, e.status)),
                "track": e.track,
                "body": t(BODY_LABELS[e.body]) if e.body in BODY_LABELS else None,
                "record": t(KIND_LABELS[e.record_kind]) if e.record_kind in KIND_LABELS else None,
                "number": e.number,
                "occurred_on": e.occurred_on.isoformat() if e.occurred_on else None,
                "author": e.author,
                "note": e.note,
                "family_visible": e.family_visible,
                "effective": e.effective,
                "corrects": e.corrects_id,
                "when": local_time(e.created_at, tz),
            }
            for e in entries
        ],
        "correctable": [
            (e.id, f"{local_time(e.created_at, tz)[:10]} · {t(LABELS.get(e.status, e.status))}")
            for e in entries
            if e.effective and e.track in LABELS_TRACKS
        ],
        "tracks": [(t(title), offered(track)) for track, title in TRACK_TITLES],
        "entered_in_error": codes.ENTERED_IN_ERROR,
        "bodies": codes.REFERRAL_BODIES,
        "record_kinds": codes.COMPLAINT_RECORDS,
        "referrals": referrals.listed(db, case, org),
        "prior_places": codes.PRIOR_REPORTS,
        "prior_outcomes": codes.PRIOR_OUTCOMES,
        "prior_chosen": set((case.prior_reports or "").split()),
        "organizations": casework.other_organizations(db, org),
    }


LABELS_TRACKS = frozenset(track for track, _ in TRACK_TITLES)
