"""Working a case: its fields in plain words, internal notes, assignment, referral, evidence.

Internal notes are encrypted with the case key, like everything else said about a case.
Image previews are re-encoded with Pillow so that EXIF (and its GPS position) never leaves
the server; originals stay encrypted and are served only to caseworkers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases import case_key
from bot.cases.events import ALERT_STATUSES
from bot.core.geography import MX_STATES, MX_SUBDIVISIONS
from bot.core.i18n import Translate, country_name
from bot.staff.accounts import AccountError
from bot.staff.roles import has_role, roles_of
from bot.store import crypto
from bot.store.models import (
    Case,
    CaseAssignment,
    CaseNote,
    Evidence,
    Organization,
    Staff,
    new_id,
)
from bot.store.vault import Vault
from flows import codes
from flows.model import N_, Choice

PREVIEW_MAX = 1024  # pixels on the longest side
# Pillow refuses images over this many pixels (decompression bombs).
MAX_IMAGE_PIXELS = 40_000_000


def label_of(choices: tuple[Choice, ...], code: str | None, t: Translate) -> str:
    """A code's label in the reader's language (the code itself when unknown)."""
    if code is None:
        return "—"
    for choice in choices:
        if choice.code == code:
            return t(choice.label)
    return code


def place_name(code: str | None) -> str:
    """A Mexican state as people name it ("Veracruz", not its constitutional name or code)."""
    if not code:
        return "—"
    return MX_STATES.get(code) or state_name(code)


def state_name(code: str | None) -> str:
    """A Mexican state's name from its ISO 3166-2 code."""
    if not code:
        return "—"
    found = dict(MX_SUBDIVISIONS).get(code)
    return f"{found} ({code})" if found is not None else code


def country(code: str | None, language: str) -> str:
    return country_name(code, language) if code else "—"


CHANNEL_NAMES: dict[str, str] = {
    "telegram": "Telegram",
    "sms": "SMS",
    "whatsapp": "WhatsApp",
    "web": N_("Chat web"),
    "console": N_("Consola"),
}


EVIDENCE_KINDS: dict[str, str] = {
    "photo": N_("Foto"),
    "audio": N_("Audio"),
    "document": N_("Documento"),
}


def channel_name(code: str | None, t: Translate) -> str:
    """A channel as people call it."""
    return t(CHANNEL_NAMES[code]) if code in CHANNEL_NAMES else code or "—"


def yes_no(value: bool | None, t: Translate) -> str:
    if value is None:
        return "—"
    return t("Sí") if value else t("No")


ALL_STATUSES: tuple[Choice, ...] = (
    codes.INTAKE_STATUSES + codes.JUSTICE_STATUSES + codes.MIGRATION_STATUSES
)
# What a timeline may hold: the tracks' steps and what Camino records about urgent alerts.
TIMELINE_STATUSES: tuple[Choice, ...] = ALL_STATUSES + ALERT_STATUSES


def case_labels(case: Case, org: Organization, t: Translate) -> list[str]:
    """Marks beside a case: an urgent draft is "en curso" (being filled in); a case no
    organization covers is "sin cobertura" for the fallback organization that owns it."""
    labels = []
    if case.status == "draft":
        labels.append(t("En curso"))
    if case.uncovered and org.is_fallback:
        labels.append(t("Sin cobertura"))
    if case.victims_minors:  # children are owed special protection: seen before opening it
        labels.append(t("Menores de edad"))
    return labels


def answer_text(value: Any, t: Translate) -> str:
    """A personal answer in plain words: a place is typed text or a shared position."""
    if isinstance(value, dict):
        if value.get("text"):
            return str(value["text"])
        if "lat" in value and "lon" in value:
            return t("Ubicación compartida: {lat}, {lon}").format(
                lat=value["lat"], lon=value["lon"]
            )
        if "evidence" in value:  # a voice note or a location was the answer
            return t("Lo envió como archivo: está en las pruebas.")
        if value.get("person"):  # asked to tell it to a person: a call-back request
            return t("Prefiere contarlo a una persona")
        return "—"
    return str(value)


# --- notes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """An internal note, decrypted."""

    author: str
    body: str
    created_at: datetime


def add_note(
    db: Session,
    vault: Vault,
    case: Case,
    *,
    org: Organization,
    staff: Staff,
    body: str,
    now: datetime,
) -> CaseNote:
    """Store an internal note, encrypted with the case key."""
    note_id = new_id()
    note = CaseNote(
        id=note_id,
        case_id=case.id,
        org_id=org.id,
        staff_id=staff.id,
        body_enc=crypto.encrypt(case_key(vault, case), body.encode(), aad=f"note:{note_id}"),
        created_at=now,
    )
    db.add(note)
    db.flush()
    return note


def notes(db: Session, vault: Vault, case: Case, org: Organization) -> list[Note]:
    """The organization's notes on a case, oldest first."""
    key = case_key(vault, case)
    rows = db.execute(
        select(CaseNote, Staff.email)
        .outerjoin(Staff, Staff.id == CaseNote.staff_id)
        .where(CaseNote.case_id == case.id, CaseNote.org_id == org.id)
        .order_by(CaseNote.created_at)
    ).all()
    return [
        Note(
            author=email or "—",
            body=crypto.decrypt(key, note.body_enc, aad=f"note:{note.id}").decode(),
            created_at=note.created_at,
        )
        for note, email in rows
    ]


# --- assignment and referral ------------------------------------------------------------------


def caseworkers(db: Session, org: Organization) -> list[Staff]:
    return list(
        db.scalars(
            select(Staff)
            .where(Staff.org_id == org.id, has_role("caseworker"), Staff.active.is_(True))
            .order_by(Staff.email)
        )
    )


def assign(db: Session, case: Case, *, org: Organization, staff_id: str, now: datetime) -> Staff:
    """Give the case to one of the organization's caseworkers."""
    staff = db.get(Staff, staff_id) if staff_id.isalnum() else None
    if staff is None or staff.org_id != org.id or "caseworker" not in roles_of(staff):
        raise AccountError("That person is not a caseworker of this organization.")
    current = db.get(CaseAssignment, (case.id, org.id))
    if current is None:
        db.add(CaseAssignment(case_id=case.id, org_id=org.id, staff_id=staff.id, assigned_at=now))
    else:
        current.staff_id, current.assigned_at = staff.id, now
    db.flush()
    return staff


def assignee(db: Session, case: Case, org: Organization) -> Staff | None:
    current = db.get(CaseAssignment, (case.id, org.id))
    return db.get(Staff, current.staff_id) if current is not None else None


def other_organizations(db: Session, org: Organization) -> list[Organization]:
    return list(
        db.scalars(
            select(Organization).where(Organization.id != org.id).order_by(Organization.name)
        )
    )


# --- evidence ---------------------------------------------------------------------------------


def evidence_bytes(vault: Vault, case: Case, evidence: Evidence) -> bytes:
    """The original file, decrypted."""
    return crypto.decrypt(case_key(vault, case), evidence.data_enc, aad=f"evidence:{evidence.id}")


def image_preview(data: bytes) -> bytes | None:
    """A JPEG re-encoded from the pixels only: no EXIF, no GPS, no other metadata."""
    # Pillow is imported on the first preview: most processes never draw one.
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)  # keep the picture upright once EXIF is gone
            image.thumbnail((PREVIEW_MAX, PREVIEW_MAX))
            clean = Image.new("RGB", image.size, "white")
            clean.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
            out = io.BytesIO()
            clean.save(out, format="JPEG", quality=80)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def find_evidence(db: Session, case: Case, evidence_id: str) -> Evidence | None:
    if not evidence_id.isalnum() or len(evidence_id) > 32:
        return None
    found = db.get(Evidence, evidence_id)
    return found if found is not None and found.case_id == case.id else None


def case_evidence(db: Session, case: Case) -> list[Evidence]:
    return list(
        db.scalars(
            select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.created_at)
        )
    )
