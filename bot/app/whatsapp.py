"""`camino whatsapp templates sync`: make the WhatsApp templates Camino needs, and show them.

For every kind of unprompted message and language (`bot.delivery.templates`): a template whose
text is unchanged is kept and its approval refreshed; a new or changed text becomes a new
Content template (found again by name if one was made before), submitted for WhatsApp's
approval. SIDs and verdicts are stored one by one, so an interrupted run resumes. While a
changed text waits for approval, the previous approved template stays in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import click
from sqlalchemy.orm import Session, sessionmaker
from twilio.rest import Client

from bot.app.cli.errors import friendly
from bot.channels.twilio import account
from bot.channels.twilio import content as twilio_content
from bot.core.clock import system_clock
from bot.core.config import SUPPORTED_LANGUAGES, get_settings
from bot.delivery import templates
from bot.store import db as database
from bot.store.models import WhatsappTemplate

UNSUBMITTED = ("unsubmitted",)


@dataclass(frozen=True)
class Synced:
    """One template after a sync: what was done and WhatsApp's verdict."""

    key: str
    sid: str
    action: str  # created, found, kept, shared
    status: str
    reason: str


def template_name(kind: str, language: str) -> str:
    """The template's name at Twilio and WhatsApp: lowercase, and new for every new text."""
    digest = templates.body_hash(templates.template_body(kind, language))
    return f"camino_{kind}_{language}_{digest[:8]}"


def sync(api: Client, sessions: sessionmaker[Session], now: datetime) -> list[Synced]:
    """Create, submit and refresh every template; store each one as soon as it is known."""
    existing: dict[str, str] | None = None
    done: list[Synced] = []
    by_language: dict[tuple[str, str], Synced] = {}
    for kind in templates.TEMPLATE_KINDS:
        for language in SUPPORTED_LANGUAGES:
            key = f"{kind}:{language}"
            source = templates.whatsapp_language(language)
            if source != language and (kind, source) in by_language:
                made = by_language[(kind, source)]
                _store(sessions, kind, language, made, now)
                done.append(Synced(key, made.sid, "shared", made.status, made.reason))
                continue
            body = templates.template_body(kind, language)
            digest = templates.body_hash(body)
            with sessions() as db:
                row = db.get(WhatsappTemplate, (kind, language))
            if row is not None and row.body_hash == digest:
                verdict = account.approval(api, row.content_sid)
                if verdict.status != "missing":
                    if verdict.status in UNSUBMITTED:
                        verdict = twilio_content.submit_for_whatsapp(api, row.content_sid, row.name)
                    made = Synced(
                        key, row.content_sid, "kept", verdict.status, verdict.rejection_reason
                    )
                    _store(sessions, kind, language, made, now)
                    by_language[(kind, language)] = made
                    done.append(made)
                    continue
            name = template_name(kind, language)
            if existing is None:
                existing = twilio_content.existing_templates(api)
            sid = existing.get(name)
            action = "found" if sid else "created"
            if sid is None:
                sid = twilio_content.create_text_template(
                    api,
                    name=name,
                    language=source,
                    body=body,
                    variables=templates.sample_variables(kind),
                )
            verdict = account.approval(api, sid)
            if verdict.status in UNSUBMITTED:
                verdict = twilio_content.submit_for_whatsapp(api, sid, name)
            made = Synced(key, sid, action, verdict.status, verdict.rejection_reason)
            _store(sessions, kind, language, made, now, new_text=True)
            by_language[(kind, language)] = made
            done.append(made)
    return done


def _store(
    sessions: sessionmaker[Session],
    kind: str,
    language: str,
    made: Synced,
    now: datetime,
    *,
    new_text: bool = False,
) -> None:
    """Keep a template's SID and verdict; one made for a new text takes that text's name."""
    with sessions() as db, db.begin():
        row = db.get(WhatsappTemplate, (kind, language))
        if row is None:
            row = WhatsappTemplate(kind=kind, language=language, fallback_sid=None)
            db.add(row)
        elif row.content_sid != made.sid:
            # The previous template stays in use until WhatsApp approves the new one.
            row.fallback_sid = row.content_sid if row.status == "approved" else row.fallback_sid
        if made.status == "approved":
            row.fallback_sid = None
        row.content_sid = made.sid
        if new_text or not row.name:
            row.name = template_name(kind, language)
        if new_text or not row.body_hash:
            row.body_hash = templates.body_hash(templates.template_body(kind, language))
        row.status = made.status[:16]
        row.rejection_reason = made.reason[:200] or None
        row.updated_at = now


@click.group("whatsapp")
def whatsapp() -> None:
    """WhatsApp through Twilio."""


@whatsapp.group("templates")
def whatsapp_templates() -> None:
    """The templates Camino sends outside WhatsApp's 24-hour window."""


@whatsapp_templates.command("sync")
@friendly
def templates_sync() -> None:
    """Create or update every template in every language, submit them, show their status."""
    settings = get_settings()
    if not settings.twilio_whatsapp_from:
        raise click.ClickException("TWILIO_WHATSAPP_FROM is not set: WhatsApp is off.")
    try:
        api = account.client(settings)
        database.upgrade(settings.database_url)
        engine = database.make_engine(settings.database_url)
        try:
            done = sync(api, database.make_sessionmaker(engine), system_clock())
        finally:
            engine.dispose()
    except account.TwilioUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    for item in done:
        reason = f" ({item.reason})" if item.reason else ""
        click.echo(f"{item.key:<14} {item.sid}  {item.action:<8} {item.status}{reason}")
    approved = sum(item.status == "approved" for item in done)
    click.echo(f"{approved} of {len(done)} templates approved by WhatsApp.")
    overridden = sorted(set(settings.whatsapp_templates) & {item.key for item in done})
    if overridden:
        click.echo("CAMINO_WHATSAPP_TEMPLATES overrides: " + ", ".join(overridden) + ".")
    if approved < len(done):
        click.echo("Run this again later to see WhatsApp's verdicts; `camino doctor` checks them.")
