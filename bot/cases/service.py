"""Case storage: coded answers become columns, personal answers an encrypted blob."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation.media import media_kind
from bot.conversation.messages import Location, Media
from bot.store import crypto
from bot.store.models import Case, CaseCrimeType, CasePerpetrator, Evidence, new_id
from bot.store.vault import Vault

# Answers that identify or describe people: only ever stored encrypted.
PERSONAL_FIELDS = (
    "victim_name",
    "incident_place",
    "indigenous_language",
    "description",
    "authority",
    "reporter_name",
    "contact_phone",
)
# Coded answers stored as plain columns, for statistics.
CODED_FIELDS = (
    "in_danger",
    "reporter_role",
    "reporter_state",
    "reporter_country",
    "officials_colluded",
    "incident_state",
    "place_type",
    "victim_count",
    "victim_nationality",
    "victim_gender",
    "victim_age_group",
    "still_missing_or_held",
    "already_reported",
    "wants_complaint",
    "wants_visa_info",
    "wants_contact",
    "contact_channel",
    "contact_hours",
    "allow_family_follow",
    "anonymous",
)
CODE_PURPOSE = "case-code"


@dataclass(frozen=True)
class Filed:
    """A filed case and the secrets shown to the reporter exactly once."""

    case: Case
    code: str
    pin: str | None


def case_key(vault: Vault, case: Case) -> bytes:
    return vault.open_key(case.wrapped_key, f"case:{case.id}")


def ensure_draft(
    db: Session, vault: Vault, *, case_id: str | None, channel: str, language: str, now: datetime
) -> Case:
    """The conversation's draft case, created with its own data key when first needed."""
    if case_id is not None:
        case = db.get(Case, case_id)
        if case is not None and case.status == "draft":
            return case
    new = new_id()
    _, wrapped = vault.new_key(f"case:{new}")
    case = Case(
        id=new,
        wrapped_key=wrapped,
        status="draft",
        urgent=False,
        channel=channel,
        language=language,
        created_at=now,
        updated_at=now,
    )
    db.add(case)
    db.flush()
    return case


def attach_evidence(
    db: Session,
    vault: Vault,
    case: Case,
    *,
    now: datetime,
    media: Media | None = None,
    location: Location | None = None,
) -> Evidence:
    """Store a file or location with a case, encrypted, with the SHA-256 of the original."""
    evidence_id = new_id()
    if media is not None:
        data, content_type, kind = media.data, media.content_type, media_kind(media.content_type)
    elif location is not None:
        data = f'{{"lat":{location.latitude},"lon":{location.longitude}}}'.encode()
        content_type, kind = "application/geo+json", "location"
    else:
        raise ValueError("evidence needs media or a location")
    evidence = Evidence(
        id=evidence_id,
        case_id=case.id,
        kind=kind,
        content_type=content_type[:100],
        size=len(data),
        digest_enc=crypto.encrypt(
            case_key(vault, case),
            hashlib.sha256(data).hexdigest().encode(),
            aad=f"evidence:{evidence_id}:sha256",
        ),
        data_enc=crypto.encrypt(case_key(vault, case), data, aad=f"evidence:{evidence_id}"),
        created_at=now,
    )
    db.add(evidence)
    case.updated_at = now
    return evidence


@dataclass(frozen=True)
class EvidenceItem:
    """What may be listed about a piece of evidence (not its content), decrypted."""

    id: str
    kind: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


def evidence_sha256(vault: Vault, case: Case, evidence: Evidence) -> str:
    """The SHA-256 of the original file, for chain of custody."""
    return crypto.decrypt(
        case_key(vault, case), evidence.digest_enc, aad=f"evidence:{evidence.id}:sha256"
    ).decode()


def evidence_items(vault: Vault, case: Case) -> list[EvidenceItem]:
    """The case's evidence, oldest first, with each original's SHA-256."""
    return [
        EvidenceItem(
            id=e.id,
            kind=e.kind,
            content_type=e.content_type,
            size=e.size,
            sha256=evidence_sha256(vault, case, e),
            created_at=e.created_at,
        )
        for e in sorted(case.evidence, key=lambda e: e.created_at)
    ]


def discard_draft(db: Session, case_id: str | None) -> None:
    """Forget a draft the person abandoned, with its evidence."""
    if case_id is None:
        return
    case = db.get(Case, case_id)
    if case is not None and case.status == "draft":
        db.delete(case)


def submit(
    db: Session,
    vault: Vault,
    case: Case,
    answers: dict[str, Any],
    *,
    language: str,
    urgent: bool,
    contact_id: str | None,
    now: datetime,
) -> Filed:
    """File a draft: coded columns, encrypted personal data, a case code and maybe a PIN."""
    for name in CODED_FIELDS:
        setattr(case, name, answers.get(name))
    indigenous = answers.get("indigenous_language")
    case.speaks_indigenous_language = bool(indigenous) if "indigenous_language" in answers else None
    when = answers.get("incident_date") or {}
    case.incident_date_precision = when.get("precision")
    case.incident_date = date.fromisoformat(when["value"]) if when.get("value") else None
    case.crime_types = [CaseCrimeType(code=code) for code in answers.get("crime_types", [])]
    case.perpetrators = [CasePerpetrator(code=code) for code in answers.get("perpetrators", [])]

    anonymous = bool(answers.get("anonymous"))
    personal = {name: answers[name] for name in PERSONAL_FIELDS if answers.get(name) is not None}
    if anonymous:  # an anonymous report keeps no way to reach the person
        personal.pop("reporter_name", None)
        personal.pop("contact_phone", None)
    personal["original_language"] = language
    case.personal_enc = crypto.encrypt_json(
        case_key(vault, case), personal, aad=f"case:{case.id}:personal"
    )
    case.contact_id = None if anonymous else contact_id
    if anonymous:  # exact times could match the case to the contact that wrote at that moment
        now = now.replace(hour=0, minute=0, second=0, microsecond=0)
        case.created_at = case.created_at.replace(hour=0, minute=0, second=0, microsecond=0)
        for item in case.evidence:
            item.created_at = now
    case.language = language
    case.urgent = case.urgent or urgent
    case.status = "submitted"
    case.submitted_at = now
    case.updated_at = now

    code = crypto.new_case_code()
    case.code_index = vault.index(db, code, purpose=CODE_PURPOSE)
    pin = crypto.new_pin() if answers.get("allow_family_follow") else None
    case.pin_hash = crypto.hash_pin(pin) if pin else None
    return Filed(case=case, code=code, pin=pin)


def personal_data(vault: Vault, case: Case) -> dict[str, Any]:
    """Decrypt a case's personal data (empty for a draft)."""
    if case.personal_enc is None:
        return {}
    data: dict[str, Any] = crypto.decrypt_json(
        case_key(vault, case), case.personal_enc, aad=f"case:{case.id}:personal"
    )
    return data


def code_index(db: Session, vault: Vault, typed: str) -> str | None:
    """The blind index of a typed code (any case, spaces or dashes); None when it is no code."""
    code = crypto.normalize_case_code(typed)
    if code is None:
        return None
    return vault.index(db, code, purpose=CODE_PURPOSE)


def find_by_code(db: Session, vault: Vault, typed: str) -> Case | None:
    """A submitted case from a typed code (any case, spaces or dashes), by its blind index."""
    index = code_index(db, vault, typed)
    if index is None:
        return None
    return db.scalars(select(Case).where(Case.code_index == index)).first()
