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

import pycountry
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases import case_key
from bot.cases.events import ALERT_STATUSES
from bot.core.i18n import Translate, country_name, format_day, language_name
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
Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs

YES_NO_FIELDS: tuple[tuple[str, str], ...] = (
    ("still_missing_or_held", N_("¿Sigue desaparecida o retenida?")),
    ("in_danger", N_("¿En peligro ahora?")),
    ("speaks_indigenous_language", N_("¿Habla una lengua indígena?")),
    ("already_reported", N_("¿Ya lo reportó a una autoridad?")),
    ("wants_complaint", N_("¿Quiere presentar una denuncia?")),
    ("wants_visa_info", N_("¿Quiere información sobre la visa humanitaria?")),
    ("wants_contact", N_("¿Acepta que lo contacten?")),
    ("allow_family_follow", N_("¿Un familiar puede seguir el caso?")),
    ("anonymous", N_("¿Reporte anónimo?")),
)
PERSONAL_LABELS: dict[str, str] = {
    "happening_now": N_("Qué pasa ahora (reporte urgente)"),
    "victim_name": N_("Nombre de la víctima"),
    "incident_place": N_("Lugar (descrito)"),
    "indigenous_language": N_("Lengua indígena"),
    "description": N_("Qué pasó"),
    "authority": N_("Autoridad y número de carpeta"),
    "reporter_name": N_("Nombre de quien reporta"),
    "contact_phone": N_("Teléfono de contacto"),
}


def label_of(choices: tuple[Choice, ...], code: str | None, t: Translate) -> str:
    """A code's label in the reader's language (the code itself when unknown)."""
    if code is None:
        return "—"
    for choice in choices:
        if choice.code == code:
            return t(choice.label)
    return code


def state_name(code: str | None) -> str:
    """A Mexican state's name from its ISO 3166-2 code."""
    if not code:
        return "—"
    found = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    return f"{found.name} ({code})" if found is not None else code


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
    return labels


def case_fields(case: Case, t: Translate, language: str) -> list[tuple[str, str]]:
    """Every coded field of a case, as (label, value) in plain words."""
    when = "—"
    if case.incident_date is not None:
        when = format_day(case.incident_date, language)
        if case.incident_date_precision == "month":
            when = case.incident_date.strftime("%Y-%m")
    elif case.incident_date_precision:
        when = t("Hace más de un año") if case.incident_date_precision == "over_year" else "—"
    rows = [
        (t("Estado del caso"), label_of(ALL_STATUSES, case.status, t)),
        (t("Urgente"), yes_no(case.urgent, t)),
        (
            t("Delitos o abusos"),
            ", ".join(label_of(codes.CRIME_TYPES, c.code, t) for c in case.crime_types) or "—",
        ),
        (
            t("Responsables"),
            ", ".join(label_of(codes.PERPETRATORS, p.code, t) for p in case.perpetrators) or "—",
        ),
        (
            t("¿Hubo autoridades coludidas?"),
            label_of(codes.OFFICIALS_COLLUDED, case.officials_colluded, t),
        ),
        (t("Estado donde pasó"), state_name(case.incident_state)),
        (t("Tipo de lugar"), label_of(codes.PLACE_TYPES, case.place_type, t)),
        (t("Fecha aproximada"), when),
        (t("Quién reporta"), label_of(codes.REPORTER_ROLES, case.reporter_role, t)),
        (
            t("Dónde está quien reporta"),
            state_name(case.reporter_state)
            if case.reporter_state
            else country(case.reporter_country, language),
        ),
        (t("Número de víctimas"), str(case.victim_count) if case.victim_count else "—"),
        (t("Nacionalidad de la víctima"), country(case.victim_nationality, language)),
        (t("Género"), label_of(codes.GENDERS, case.victim_gender, t)),
        (t("Edad"), label_of(codes.AGE_GROUPS, case.victim_age_group, t)),
        (t("Cómo contactar"), label_of(codes.CONTACT_CHANNELS, case.contact_channel, t)),
        (t("Horario para contactar"), label_of(codes.CONTACT_HOURS, case.contact_hours, t)),
        (t("Canal"), channel_name(case.channel, t)),
        (t("Idioma"), language_name(case.language)),
    ]
    rows += [(t(label), yes_no(getattr(case, name), t)) for name, label in YES_NO_FIELDS]
    return rows


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
        return "—"
    return str(value)


def personal_rows(personal: dict[str, Any], t: Translate) -> list[tuple[str, str]]:
    """The decrypted personal answers, labelled."""
    return [
        (t(label), answer_text(personal[name], t))
        for name, label in PERSONAL_LABELS.items()
        if personal.get(name) not in (None, "", {})
    ]


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
