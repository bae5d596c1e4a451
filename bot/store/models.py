"""SQLAlchemy models: what Camino stores.

Coded fields (the code lists of domain.md) are plain columns, for statistics. Personal data
(addresses, names, free text, media, conversation state) is only ever stored encrypted under the
owning case's or contact's data key, which is itself stored wrapped by the master key.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.store.alerting import Alert as Alert
from bot.store.alerting import AlertDestination as AlertDestination
from bot.store.base import NAMING as NAMING
from bot.store.base import Base as Base
from bot.store.base import new_id as new_id
from bot.store.casecodes import InboxKey, inbox_indexes, install
from bot.store.rates import RateSlot as RateSlot
from bot.store.referrals import Referral as Referral
from bot.store.talk import CaseRead as CaseRead
from bot.store.talk import InboxShown as InboxShown
from bot.store.talk import TalkbackMessage as TalkbackMessage
from bot.store.talk import TalkbackThread as TalkbackThread
from bot.store.upkeep import SchedulerLeader as SchedulerLeader
from bot.store.upkeep import WhatsappTemplate as WhatsappTemplate


class KeyringEntry(Base):
    """Long-lived secrets (the blind-index key) stored wrapped by the master key."""

    __tablename__ = "keyring"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    wrapped_key: Mapped[bytes]
    created_at: Mapped[datetime]
    key_id: Mapped[str | None] = mapped_column(String(16))  # master key that wrapped it


class Contact(Base):
    """A person as reached on one channel; the address is encrypted, looked up by blind index."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("channel", "address_index"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    channel: Mapped[str] = mapped_column(String(16))
    address_index: Mapped[str] = mapped_column(String(64))
    address_enc: Mapped[bytes]
    wrapped_key: Mapped[bytes]
    key_id: Mapped[str | None] = mapped_column(String(16))  # master key that wrapped it
    language: Mapped[str | None] = mapped_column(String(8))
    opted_out: Mapped[bool] = mapped_column(default=False)
    stopped: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    last_inbound_at: Mapped[datetime | None]

    conversation: Mapped[Conversation | None] = relationship(
        back_populates="contact", cascade="all, delete-orphan", uselist=False
    )


class Conversation(Base):
    """Where a contact is in a flow; the state (answers so far) is encrypted."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), unique=True
    )
    state_enc: Mapped[bytes]
    draft_case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(index=True)
    reminder_sent_at: Mapped[datetime | None]

    contact: Mapped[Contact] = relationship(back_populates="conversation")


class Case(Base):
    """A report: coded fields in columns, personal data in `personal_enc`."""

    __tablename__ = "cases"
    # The inbox walks these in its order (urgent, newest, id): one range per covered state.
    __table_args__ = (
        Index("ix_cases_inbox", "urgent", "submitted_at", "id"),
        Index("ix_cases_inbox_state", "incident_state", "urgent", "submitted_at", "id"),
        # The fallback organization's slice: the cases no organization covers.
        Index(
            "ix_cases_inbox_uncovered",
            "urgent",
            "submitted_at",
            "id",
            sqlite_where=text("uncovered"),
            postgresql_where=text("uncovered"),
        ),
        Index(
            "ix_cases_inbox_reporter",
            "reporter_state",
            "urgent",
            "submitted_at",
            "id",
            sqlite_where=text("incident_state IS NULL"),
            postgresql_where=text("incident_state IS NULL"),
        ),
        # The "Piden llamada" count's reporters (`inboxcounts`), as its query spells it.
        Index(
            "ix_cases_prefers_person",
            "prefers_person",
            sqlite_where=text("prefers_person = 1"),
            postgresql_where=text("prefers_person"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    code_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    # The web chat reporter's own PIN (migration 0820): reads and answers talk back as them.
    reply_pin_hash: Mapped[str | None] = mapped_column(String(200))
    wrapped_key: Mapped[bytes]  # empty once erased (shredded)
    key_id: Mapped[str | None] = mapped_column(String(16))  # master key that wrapped it
    personal_enc: Mapped[bytes | None]
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Set when retention crypto-shredded the case: only coded, anonymous columns remain.
    erased_at: Mapped[datetime | None] = mapped_column(index=True)
    urgent: Mapped[bool] = mapped_column(default=False)
    # No organization covered its routing state when it was filed or last changed: the
    # network's fallback organization owns it (`bot.staff.ownership.assign`).
    uncovered: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    contact_id: Mapped[str | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )

    reporter_role: Mapped[str | None] = mapped_column(String(24))
    in_danger: Mapped[bool | None]
    reporter_state: Mapped[str | None] = mapped_column(String(8))
    reporter_country: Mapped[str | None] = mapped_column(String(2))
    officials_colluded: Mapped[str | None] = mapped_column(String(8))
    incident_state: Mapped[str | None] = mapped_column(String(8))
    place_type: Mapped[str | None] = mapped_column(String(24))
    # INEGI's key of the municipality (migration 0870): matched from the described place, or
    # set by staff (then a later answer never overwrites it).
    incident_municipality: Mapped[str | None] = mapped_column(String(5), index=True)
    municipality_by_staff: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    incident_date: Mapped[date | None] = mapped_column(Date)
    incident_date_precision: Mapped[str | None] = mapped_column(String(12))
    victim_count: Mapped[int | None]
    victim_nationality: Mapped[str | None] = mapped_column(String(2))
    victim_gender: Mapped[str | None] = mapped_column(String(12))
    victim_age_group: Mapped[str | None] = mapped_column(String(12))
    # Several victims by group (migration 0870): None where the person did not know.
    victims_women: Mapped[int | None]
    victims_men: Mapped[int | None]
    victims_children: Mapped[int | None]
    # Minors among the victims: children counted, or a victim's age under 18.
    victims_minors: Mapped[bool | None]
    # Where several victims come from: "HN:2 GT:1" (a code alone: how many not known).
    victim_nationalities: Mapped[str | None] = mapped_column(String(120))
    still_missing_or_held: Mapped[bool | None]
    speaks_indigenous_language: Mapped[bool | None]
    already_reported: Mapped[bool | None]
    # Coded history (migration 0820): where it was reported before Camino (space-separated
    # codes of `flows.codes.PRIOR_REPORTS`) and how the authority answered.
    prior_reports: Mapped[str | None] = mapped_column(String(200))
    prior_outcome: Mapped[str | None] = mapped_column(String(16))
    wants_complaint: Mapped[bool | None]
    wants_visa_info: Mapped[bool | None]
    wants_contact: Mapped[bool | None]
    contact_channel: Mapped[str | None] = mapped_column(String(16))
    contact_hours: Mapped[str | None] = mapped_column(String(16))
    allow_family_follow: Mapped[bool | None]
    anonymous: Mapped[bool | None]
    # Questions answered "no sé" (space-separated field names): unknown, not "no", not skipped.
    unknown_answers: Mapped[str | None] = mapped_column(String(400))
    # What the person wants to happen (flows.codes.WANTS), space-separated codes.
    wants: Mapped[str | None] = mapped_column(String(200))
    # "Prefiero contarlo a una persona": the account is to be taken by a call.
    prefers_person: Mapped[bool | None]

    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    crime_types: Mapped[list[CaseCrimeType]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    perpetrators: Mapped[list[CasePerpetrator]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        cascade="all, delete-orphan", back_populates="case"
    )


class CaseCrimeType(InboxKey, Base):
    """One crime type of a case (several may apply), with the case's inbox key (`casecodes`)."""

    __tablename__ = "case_crime_types"
    __table_args__ = inbox_indexes("case_crime_types")

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class CasePerpetrator(InboxKey, Base):
    """One perpetrator type of a case (several may apply), with the case's inbox key."""

    __tablename__ = "case_perpetrators"
    __table_args__ = inbox_indexes("case_perpetrators")

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


install(Case, ("crime_types", "perpetrators"), (CaseCrimeType, CasePerpetrator))


class Evidence(Base):
    """A photo, voice note, document or location, encrypted under the case key."""

    __tablename__ = "evidence"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    # SHA-256 of the original, encrypted too: a bare hash would confirm a guessed photo or place.
    digest_enc: Mapped[bytes]
    data_enc: Mapped[bytes]
    # The words sent with the file (a caption), encrypted under the case key (migration 0870).
    note_enc: Mapped[bytes | None]
    created_at: Mapped[datetime]

    case: Mapped[Case] = relationship(back_populates="evidence")


class InboundReceipt(Base):
    """Provider message ids already processed: a redelivery is answered but not redone."""

    __tablename__ = "inbound_receipts"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class OutboxMessage(Base):
    """A message Camino sends outside a direct reply, or a reply sent through a provider API.

    queued -> sending -> sent -> delivered/read | failed, with the provider's id.
    """

    __tablename__ = "outbox_messages"
    # The claim's order (see `claim_batch`), so a claim reads a few rows instead of sorting all.
    __table_args__ = (Index("ix_outbox_due", "status", "channel", "next_attempt_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    contact_id: Mapped[str | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="reply")
    status: Mapped[str] = mapped_column(String(12), default="queued")
    body_enc: Mapped[bytes | None]
    provider_message_id: Mapped[str | None] = mapped_column(String(64), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    # Set by a claim, cleared when the send begins (migration 0910): a Telegram row claimed by
    # a process that died before sending it was never in flight, and is queued again.
    waiting_since: Mapped[datetime | None]
    error_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Families/outbox (migration 0100): whose notice this is, and a key that queues it once.
    subscription_id: Mapped[str | None] = mapped_column(
        ForeignKey("follow_subscriptions.id", ondelete="CASCADE"), index=True
    )
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # On-call alerts (migration 0800) go to an organization's on-call destination, not a contact.
    destination_id: Mapped[str | None] = mapped_column(
        ForeignKey("alert_destinations.id", ondelete="CASCADE"),
        index=True,
    )


class RecentMessage(Base):
    """A chat message id kept for up to 48 hours so the person can erase their screen."""

    __tablename__ = "recent_messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    message_ref_enc: Mapped[bytes]
    sent_at: Mapped[datetime] = mapped_column(index=True)


class CaseEvent(Base):
    """One change on a case's intake, justice or migration track; families see visible ones."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    seq: Mapped[int]  # order within the case, even within one instant
    track: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(40))
    author: Mapped[str] = mapped_column(String(120))
    note_enc: Mapped[bytes | None]
    family_visible: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    # Tracks (migration 0820): the body a referral, justice or queja event is about; what a
    # denuncia opened (carpeta or acta) and its number, encrypted; the day it happened when
    # not the day it was recorded; a correcting event names the one it corrects, which is then
    # superseded (kept, but no longer part of the case's track).
    body: Mapped[str | None] = mapped_column(String(24))
    record_kind: Mapped[str | None] = mapped_column(String(12))
    number_enc: Mapped[bytes | None]
    occurred_on: Mapped[date | None] = mapped_column(Date)
    corrects_id: Mapped[str | None] = mapped_column(String(32))
    superseded_by_id: Mapped[str | None] = mapped_column(String(32))


# --- families and the outbox: follow-up subscriptions, PIN attempts, call-back requests ----


class FollowSubscription(Base):
    """A relative following a case on one channel, in their language and time zone.

    `reference` is a random 4-character label shown at subscription time and named in every
    notice: case codes are stored only as hashes, so a notice cannot quote one.
    """

    __tablename__ = "follow_subscriptions"
    __table_args__ = (UniqueConstraint("case_id", "contact_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[str] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    quiet_start: Mapped[str] = mapped_column(String(5))  # "HH:MM", local
    quiet_end: Mapped[str] = mapped_column(String(5))
    reference: Mapped[str] = mapped_column(String(8))
    seen_seq: Mapped[int] = mapped_column(default=0)  # last event the person saw
    pin_checked_at: Mapped[datetime]
    last_digest_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Given the reporter's own PIN, not the relatives' (migration 0820): answers as the reporter.
    as_reporter: Mapped[bool] = mapped_column(default=False, server_default=text("false"))


class FollowAttempt(Base):
    """One try at a case code and PIN: counted for the locks (so a restart resets nothing).

    Counted per chat and per typed code (its blind index, whether a case has it or not); a
    contact that goes (quick exit, erasure) leaves its tries counting.
    """

    __tablename__ = "follow_attempts"
    __table_args__ = (
        Index("ix_follow_attempts_contact", "contact_id", "created_at"),
        Index("ix_follow_attempts_case", "case_id", "created_at"),
        Index("ix_follow_attempts_code", "code_index", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    contact_id: Mapped[str | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    code_index: Mapped[str | None] = mapped_column(String(64))
    ok: Mapped[bool]
    created_at: Mapped[datetime]
    as_reporter: Mapped[bool] = mapped_column(default=False, server_default=text("false"))


class CallbackRequest(Base):
    """A following relative asked the shelter to call them back; the dashboard lists these."""

    __tablename__ = "callback_requests"
    __table_args__ = (Index("ix_callback_requests_pending", "handled_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[str | None] = mapped_column(
        ForeignKey("follow_subscriptions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]


# --- dashboard: organizations, staff, sessions, API tokens, case work, audit log ---


class Organization(Base):
    """A shelter or organization; it sees the cases of the states it covers, or referred to it."""

    __tablename__ = "organizations"
    __table_args__ = (
        Index(
            "uq_organizations_fallback",
            "is_fallback",
            unique=True,
            sqlite_where=text("is_fallback"),
            postgresql_where=text("is_fallback"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(120))
    states: Mapped[str] = mapped_column(String(400), default="")  # space-separated ISO 3166-2
    # How long its closed cases are kept after their last activity; None: CAMINO_RETENTION_DAYS.
    retention_days: Mapped[int | None]
    created_at: Mapped[datetime]
    # Alerts and the receipt (migration 0800): the stated response time, in hours, told to the
    # reporter; the organization's public phone line (E.164, public by nature, so stored plain:
    # it is what the organization publishes); whether every new report alerts its on-call staff.
    response_hours: Mapped[int | None]
    contact_line: Mapped[str | None] = mapped_column(String(20))
    alert_every_report: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # The network's fallback organization: owns every report no organization covers (at most
    # one: a unique partial index).
    is_fallback: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # When each covered state was added (JSON {"MX-SON": "2026-12-02T10:00:00+00:00"}); a state
    # covered since before migration 0820 has no entry. Coverage reaches the reports filed
    # after it was added; older cases move only by referral.
    coverage_since: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")


class Staff(Base):
    """A staff account: work email (not a victim's data), Argon2id password, optional TOTP."""

    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(64))  # space-separated: "admin caseworker"
    language: Mapped[str] = mapped_column(String(8), default="es")
    wrapped_key: Mapped[bytes]
    totp_secret_enc: Mapped[bytes | None]
    totp_confirmed: Mapped[bool] = mapped_column(default=False)
    totp_last_step: Mapped[int | None]  # a code is accepted once
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    lockouts: Mapped[int] = mapped_column(default=0)  # in a row: the backoff doubles
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class RecoveryCode(Base):
    """A one-time recovery code of a staff account's second factor (only its hash is stored)."""

    __tablename__ = "staff_recovery_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class StaffSession(Base):
    """A signed-in browser: only the SHA-256 of its cookie token is stored."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(8))  # "mfa", "enrol" or "ok"
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class ApiToken(Base):
    """An organization's API token (hashed) with its scopes, held by one staff member."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    # Whose work the token does: it stops when they are deactivated (None: older tokens).
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]


class CaseAssignment(Base):
    """Which caseworker of an organization works a case."""

    __tablename__ = "case_assignments"
    __table_args__ = (Index("ix_case_assignments_staff", "staff_id", "org_id"),)  # "Míos"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    assigned_at: Mapped[datetime]


class CaseNote(Base):
    """An internal note on a case, encrypted with the case key; never shown to families."""

    __tablename__ = "case_notes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    body_enc: Mapped[bytes]
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """One append-only, hash-chained record of who did what (ids and action codes only)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC text: hashed exactly as stored
    actor: Mapped[str] = mapped_column(String(80))
    org_id: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(String(80))
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(1000), default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # HMAC of `hash` under a key derived from the master key (never stored), and which master
    # key: SQL alone cannot recompute the chain.
    mac: Mapped[str] = mapped_column(String(64), default="")
    key_id: Mapped[str] = mapped_column(String(16), default="")


class AuditHead(Base):
    """The single row that serializes audit appends and remembers the chain's last hash."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64), default="")
    key_id: Mapped[str] = mapped_column(String(16), default="")
