"""Case storage: coded answers become columns, personal answers an encrypted blob."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.victims import write_victims
from bot.conversation.media import media_kind
from bot.conversation.messages import Location, Media
from bot.core import municipalities
from bot.store import crypto
from bot.store.models import Case, CaseCrimeType, CasePerpetrator, Evidence, new_id
from bot.store.vault import Vault
from flows.codes import PRIOR_REPORTS
from flows.model import UNKNOWN

# Answers that identify or describe people: only ever stored encrypted.
PERSONAL_FIELDS = (
    "victim_name",
    "incident_place",
    "indigenous_language",
    "description",
    "happening_now",
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
_PRIOR_PLACES = frozenset(choice.code for choice in PRIOR_REPORTS)
MAX_NOTE = 4096  # the longest text a message may carry


@dataclass(frozen=True)
class Filed:
    """A filed case and the secrets shown to the reporter exactly once."""

    case: Case
    code: str | None  # None when the answers completed a report filed before
    pin: str | None
    reply_pin: str | None = None  # the web chat reporter's own, to read and answer talk back


def case_key(vault: Vault, case: Case) -> bytes:
    return vault.open_key(case.wrapped_key, f"case:{case.id}")


def ensure_draft(
    db: Session,
    vault: Vault,
    *,
    case_id: str | None,
    channel: str,
    language: str,
    now: datetime,
    filed: bool = False,
) -> Case:
    """The conversation's draft case, created with its own data key when first needed.

    `filed`: the conversation completes an urgent report already filed, which it returns.
    """
    if case_id is not None:
        case = db.get(Case, case_id)
        # An urgent report stays this conversation's, even once filed without the person.
        usable = case is not None and (case.status == "draft" or filed or case.urgent)
        if case is not None and usable and case.erased_at is None:
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
    note: str | None = None,
) -> Evidence:
    """Store a file or location with a case, encrypted, with the SHA-256 of the original and
    the words sent with it (`note`)."""
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
        note_enc=crypto.encrypt(
            case_key(vault, case), note[:MAX_NOTE].encode(), aad=f"evidence:{evidence_id}:note"
        )
        if note
        else None,
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
    note: str | None = None  # the words sent with it


def evidence_note(vault: Vault, case: Case, evidence: Evidence) -> str | None:
    """The words sent with a piece of evidence, decrypted (None when there were none)."""
    if evidence.note_enc is None:
        return None
    return crypto.decrypt(
        case_key(vault, case), evidence.note_enc, aad=f"evidence:{evidence.id}:note"
    ).decode()


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
            note=evidence_note(vault, case, e),
        )
        for e in sorted(case.evidence, key=lambda e: e.created_at)
    ]


def discard_draft(db: Session, case_id: str | None) -> None:
    """Forget a draft the person abandoned, with its evidence."""
    if case_id is None:
        return
    case = db.get(Case, case_id)
    if case is not None and case.status == "draft" and not case.urgent:  # urgent: never lost
        db.delete(case)


def write_answers(
    db: Session,
    vault: Vault,
    case: Case,
    answers: dict[str, Any],
    *,
    language: str,
    contact_id: str | None,
) -> None:
    """Coded answers become columns, personal ones the encrypted blob (an urgent draft's too).

    "No sé" (`UNKNOWN`) leaves the column empty and is listed in `unknown_answers`: unknown is
    neither "no" nor a skipped question.
    """
    unknown = sorted(name for name, value in answers.items() if _is_unknown(value))
    case.unknown_answers = " ".join(unknown) or None
    answers = {name: value for name, value in answers.items() if not _is_unknown(value)}
    for name in CODED_FIELDS:
        setattr(case, name, answers.get(name))
    wants = answers.get("wants")
    case.wants = " ".join(wants) if isinstance(wants, list) else None
    told = answers.get("description")
    case.prefers_person = True if isinstance(told, dict) and told.get("person") else None
    # Until the person says where it happened, an urgent report goes where the person is now.
    case.incident_state = answers.get("incident_state") or answers.get("danger_state")
    if not case.municipality_by_staff:
        case.incident_municipality = municipalities.match(
            place_text(answers.get("incident_place")), case.incident_state
        )
    if "wants_contact" not in answers and answers.get("contact_channel"):
        case.wants_contact = True  # the urgent fast path asks how, not whether
    indigenous = answers.get("indigenous_language")
    case.speaks_indigenous_language = (
        bool(indigenous) if "indigenous_language" in answers and indigenous is not None else None
    )
    when = answers.get("incident_date") or {}
    case.incident_date_precision = when.get("precision")
    case.incident_date = date.fromisoformat(when["value"]) if when.get("value") else None
    write_victims(case, answers)
    write_prior_reports(case, answers)
    crimes, perpetrators = answers.get("crime_types", []), answers.get("perpetrators", [])
    if [c.code for c in case.crime_types] != crimes:
        case.crime_types = [CaseCrimeType(code=code) for code in crimes]
    if [p.code for p in case.perpetrators] != perpetrators:
        case.perpetrators = [CasePerpetrator(code=code) for code in perpetrators]

    anonymous = bool(answers.get("anonymous"))
    personal = {name: answers[name] for name in PERSONAL_FIELDS if answers.get(name) is not None}
    if case.prefers_person:  # nothing told yet: a person will listen
        personal.pop("description", None)
    if anonymous:  # an anonymous report keeps no way to reach the person
        personal.pop("reporter_name", None)
        personal.pop("contact_phone", None)
    personal["original_language"] = language
    case.personal_enc = crypto.encrypt_json(
        case_key(vault, case), personal, aad=f"case:{case.id}:personal"
    )
    case.contact_id = None if anonymous else contact_id
    case.language = language


def place_text(answer: Any) -> str:
    """The words of a place answer (typed text, or a dict holding it; a shared position has
    none)."""
    if isinstance(answer, dict):
        answer = answer.get("text")
    return answer if isinstance(answer, str) else ""


def write_prior_reports(case: Case, answers: dict[str, Any]) -> None:
    """Where it was reported before Camino and how the authority answered, as the codes staff
    use on the case page; left as it is when the answers do not say."""
    said = answers.get("prior_reports")
    if isinstance(said, list):
        places = [code for code in said if code in _PRIOR_PLACES]
        case.prior_reports = " ".join(sorted(set(places))) or None
        # Asking for money is the graver answer when both were given.
        outcome = next((code for code in ("asked_money", "refused") if code in said), None)
        case.prior_outcome = outcome or ("unknown" if "unknown" in said else None)
    elif answers.get("already_reported") is False:
        case.prior_reports, case.prior_outcome = "none", None


def _is_unknown(value: Any) -> bool:
    return bool(value == UNKNOWN)


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
    """File a report: its answers, a case code and maybe a PIN.

    A report filed before (an urgent one, completed now) keeps its code and status; it gets a
    PIN only if a relative may now follow it and none was given.
    """
    write_answers(db, vault, case, answers, language=language, contact_id=contact_id)
    first = case.code_index is None
    if bool(answers.get("anonymous")):
        # Exact times could match the case to the contact that wrote at that moment.
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        case.created_at = case.created_at.replace(hour=0, minute=0, second=0, microsecond=0)
        case.submitted_at = day
        for item in case.evidence:
            item.created_at = day
        now = day
    case.urgent = case.urgent or urgent
    if case.status == "draft":
        case.status = "submitted"
    if first:
        case.submitted_at = now
    case.updated_at = now

    code = None
    if first:
        code = crypto.new_case_code()
        case.code_index = vault.index(db, code, purpose=CODE_PURPOSE)
    pin = None
    if answers.get("allow_family_follow") and case.pin_hash is None:
        pin = crypto.new_pin()
        case.pin_hash = crypto.hash_pin(pin)
    reply_pin = None
    if wants_replies_on_the_web(case) and case.reply_pin_hash is None:
        reply_pin = crypto.new_pin()
        while pin is not None and reply_pin == pin:  # never the relatives' PIN
            reply_pin = crypto.new_pin()
        case.reply_pin_hash = crypto.hash_pin(reply_pin)
    return Filed(case=case, code=code, pin=pin, reply_pin=reply_pin)


def wants_replies_on_the_web(case: Case) -> bool:
    """A web chat reporter who wants to be written to in this chat: a browser cannot be written
    to first, so they come back with the case code and a PIN of their own to read and answer."""
    return (
        case.channel == "web"
        and not case.anonymous
        and bool(case.wants_contact)
        and case.contact_channel == "this_chat"
    )


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
