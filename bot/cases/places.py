"""The municipality of cases filed before it was read from the place (`camino case
municipalities`): each one's described place is decrypted, matched and forgotten."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.service import personal_data, place_text
from bot.core import municipalities
from bot.store.models import Case
from bot.store.vault import Vault


@dataclass(frozen=True)
class Matched:
    read: int  # cases whose place was decrypted
    matched: int  # of them, those given a municipality


def match_earlier(db: Session, vault: Vault) -> Matched:
    """Give a municipality to filed cases without one that staff never set (erased cases have
    no place left)."""
    found = db.scalars(
        select(Case).where(
            Case.incident_municipality.is_(None),
            Case.municipality_by_staff.is_(False),
            Case.erased_at.is_(None),
            Case.personal_enc.is_not(None),
            Case.submitted_at.is_not(None),
        )
    ).all()
    matched = 0
    for case in found:
        place = place_text(personal_data(vault, case).get("incident_place"))
        key = municipalities.match(place, case.incident_state)
        if key is not None:
            case.incident_municipality = key
            matched += 1
    return Matched(read=len(found), matched=matched)
