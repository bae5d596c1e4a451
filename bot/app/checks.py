"""The checks `camino doctor` runs: the configuration as production uses it, providers included.

Each check gives one `Check`: ok, a problem (with how to fix it), or off (a channel not set up).
Nothing here writes to the database or to a provider, and no secret or personal data is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from cryptography.exceptions import InvalidTag
from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session
from twilio.rest import Client

from bot.channels.telegram.channel import WEBHOOK_PATH
from bot.channels.telegram.webhook_info import WebhookInfoUnavailable, webhook_state
from bot.channels.twilio import STATUS_PATH
from bot.channels.twilio import account as twilio_account
from bot.channels.twilio.routes import SMS_PATH, WHATSAPP_PATH
from bot.core.config import Settings
from bot.core.directory import DirectoryError, load
from bot.core.quiet_hours import QuietHours
from bot.delivery.templates import template_keys
from bot.store import crypto
from bot.store.db import alembic_config
from bot.store.keys import next_master_key
from bot.store.models import Case, Contact, FollowSubscription, KeyringEntry, OutboxMessage
from bot.store.vault import Vault

OK, PROBLEM, OFF = "ok", "problem", "off"
# A queued message due longer than this means the delivery worker is not running or failing.
STUCK_AFTER = timedelta(minutes=15)
# Telegram delivery errors older than this are history, not a present problem.
RECENT_ERROR = timedelta(hours=24)
PENDING_LIMIT = 100
KEY_SAMPLE = 200  # stored keys tried per table: enough to catch a wrong or mixed master key


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    status: str
    message: str
    fix: str = ""


def ok(name: str, message: str) -> Check:
    return Check(name, OK, message)


def problem(name: str, message: str, fix: str) -> Check:
    return Check(name, PROBLEM, message, fix)


# -- configuration ----------------------------------------------------------------------------


def public_url(settings: Settings) -> Check:
    name = "public URL"
    url = settings.public_url
    parts = urlsplit(url)
    fix = (
        "Set CAMINO_PUBLIC_URL to the https address the providers call, without a slash at the end."
    )
    if parts.scheme != "https" or not parts.hostname:
        return problem(name, f"CAMINO_PUBLIC_URL ({url}) is not an https URL.", fix)
    if parts.hostname in ("localhost", "127.0.0.1", "::1"):
        return problem(name, f"CAMINO_PUBLIC_URL ({url}) is not reachable from the internet.", fix)
    if url.endswith("/"):
        return problem(name, "CAMINO_PUBLIC_URL ends with a slash.", fix)
    return ok(name, f"{url} is https.")


def directory(settings: Settings) -> Check:
    name = "directory"
    try:
        entries = load(settings.directory_file)
    except DirectoryError as exc:
        return problem(
            name, str(exc), "Correct the file and check it with `camino directory check`."
        )
    where = settings.directory_file or "the demo directory"
    return ok(name, f"{where} is valid: {len(entries)} organization(s).")


def time_settings(settings: Settings, engine: Engine | None) -> Check:
    name = "time zones and quiet hours"
    try:
        QuietHours.parse(settings.quiet_hours)
    except ValueError:
        return problem(
            name,
            f"CAMINO_QUIET_HOURS ({settings.quiet_hours}) does not parse.",
            "Write it as 21:00-08:00.",
        )
    zones = {settings.default_timezone}
    windows: set[str] = set()
    if engine is not None:
        with Session(engine) as db:
            rows = db.execute(
                select(
                    FollowSubscription.timezone,
                    FollowSubscription.quiet_start,
                    FollowSubscription.quiet_end,
                ).distinct()
            ).all()
        zones |= {row[0] for row in rows}
        windows = {f"{row[1]}-{row[2]}" for row in rows}
    bad = sorted(zone for zone in zones if not _zone_exists(zone))
    if bad:
        return problem(
            name,
            f"unknown time zone(s): {', '.join(bad)}.",
            "Use IANA names such as America/Mexico_City (CAMINO_DEFAULT_TIMEZONE); update tzdata.",
        )
    for window in windows:
        try:
            QuietHours.parse(window)
        except ValueError:
            return problem(
                name,
                f"a stored quiet-hours window ({window}) does not parse.",
                "Report this as a bug.",
            )
    return ok(name, f"{len(zones)} time zone(s) and the quiet hours {settings.quiet_hours} parse.")


def _zone_exists(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


# -- database and keys ------------------------------------------------------------------------


def database(engine: Engine) -> Check:
    name = "database"
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception:  # any driver error: unreachable
        return problem(
            name,
            "the database could not be reached.",
            "Check CAMINO_DATABASE_URL, that the server runs and that this host may connect.",
        )
    heads = set(ScriptDirectory.from_config(alembic_config(str(engine.url))).get_heads())
    if current != heads:
        shown = ", ".join(sorted(current)) or "no migration"
        return problem(
            name,
            f"the database is at {shown}; this version of Camino needs {', '.join(sorted(heads))}.",
            "Run `camino db upgrade` (or restart `camino serve`, which applies migrations).",
        )
    return ok(name, f"reachable and at the newest migration ({', '.join(sorted(heads))}).")


def master_key(settings: Settings, engine: Engine | None) -> Check:
    name = "master key"
    if not settings.data_key:
        return problem(
            name,
            "CAMINO_DATA_KEY is not set.",
            "Set CAMINO_DATA_KEY to this installation's master key (kept apart from backups); "
            "production never uses the development key file.",
        )
    try:
        master = crypto.decode_master_key(settings.data_key)
        upcoming = next_master_key(settings)
    except crypto.KeyConfigurationError as exc:
        return problem(name, str(exc), "Set it to base64 of 32 bytes (`camino keys new`).")
    if engine is None:
        return ok(name, "CAMINO_DATA_KEY is set (the stored keys were not tried).")
    vault = Vault(master, next_key=upcoming)
    tried = failed = 0
    with Session(engine) as db:
        for wrapped, context in _stored_keys(db):
            tried += 1
            try:
                vault.open_key(wrapped, context)
            except InvalidTag:
                failed += 1
    if failed:
        return problem(
            name,
            f"CAMINO_DATA_KEY does not open {failed} of {tried} stored data keys.",
            "Use the master key this database was created with; during a rotation set "
            "CAMINO_NEW_DATA_KEY too and finish `camino keys rotate`.",
        )
    return ok(name, f"CAMINO_DATA_KEY opens the stored data keys ({tried} tried).")


def _stored_keys(db: Session) -> Iterator[tuple[bytes, str]]:
    for entry in db.scalars(select(KeyringEntry)):
        yield entry.wrapped_key, f"keyring:{entry.name}"
    cases = select(Case.id, Case.wrapped_key).where(Case.erased_at.is_(None)).limit(KEY_SAMPLE)
    for case_id, wrapped in db.execute(cases.order_by(Case.created_at.desc())):
        if wrapped:
            yield wrapped, f"case:{case_id}"
    contacts = select(Contact.id, Contact.wrapped_key).limit(KEY_SAMPLE)
    for contact_id, wrapped in db.execute(contacts.order_by(Contact.created_at.desc())):
        if wrapped:
            yield wrapped, f"contact:{contact_id}"


def outbox(engine: Engine, now: datetime) -> Check:
    name = "outbox"
    due = or_(
        (OutboxMessage.status == "queued")
        & or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now),
    )
    since = func.coalesce(OutboxMessage.next_attempt_at, OutboxMessage.created_at)
    with Session(engine) as db:
        count, oldest = db.execute(select(func.count(), func.min(since)).where(due)).one()
    if not count:
        return ok(name, "no message is waiting.")
    age = now - _aware(oldest)
    minutes = int(age.total_seconds() // 60)
    if age > STUCK_AFTER:
        return problem(
            name,
            f"{count} message(s) waiting; the oldest has been due for {minutes} minutes.",
            "Check that `camino serve` (or `camino telegram poll`) runs with "
            "CAMINO_OUTBOX_ENABLED=true, and the providers' errors in its log.",
        )
    return ok(name, f"{count} message(s) waiting; the oldest has been due for {minutes} minutes.")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- providers --------------------------------------------------------------------------------


def telegram(settings: Settings, now: datetime) -> list[Check]:
    name = "Telegram webhook"
    if not settings.telegram_bot_token:
        return [Check(name, OFF, "Telegram is off (TELEGRAM_BOT_TOKEN is not set).")]
    expected = settings.public_url.rstrip("/") + WEBHOOK_PATH
    found: list[Check] = []
    if not settings.telegram_webhook_secret:
        found.append(
            problem(
                "Telegram secret",
                "TELEGRAM_WEBHOOK_SECRET is not set, so anyone could post updates to the webhook.",
                "Set it to a long random string and run `camino telegram set-webhook`.",
            )
        )
    try:
        state = webhook_state(settings)
    except WebhookInfoUnavailable as exc:
        return [*found, problem(name, str(exc), "Check TELEGRAM_BOT_TOKEN and the network.")]
    register = "Run `camino telegram set-webhook` (it registers the URL with the secret)."
    if not state.url:
        found.append(
            problem(name, "no webhook is registered (the bot is polling or off).", register)
        )
    elif state.url != expected:
        found.append(
            problem(name, f"Telegram delivers to {state.url}, not to {expected}.", register)
        )
    else:
        found.append(ok(name, f"registered at {expected}."))
    waiting = f"{state.pending_updates} update(s) waiting"
    error_at = state.last_error_date
    if state.last_error_message and error_at and now - _aware(error_at) < RECENT_ERROR:
        minutes = int((now - _aware(error_at)).total_seconds() // 60)
        found.append(
            problem(
                "Telegram delivery",
                f"the last delivery failed {minutes} minutes ago "
                f"({state.last_error_message}); {waiting}.",
                f"Check that {expected} answers from the internet (proxy, TLS certificate, "
                "secret).",
            )
        )
    elif state.pending_updates > PENDING_LIMIT:
        found.append(
            problem("Telegram delivery", f"{waiting}.", f"Check that {expected} answers quickly.")
        )
    else:
        found.append(ok("Telegram delivery", f"{waiting}, no recent delivery error."))
    return found


def twilio(settings: Settings, template_sids: Mapping[str, str]) -> list[Check]:
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        return [Check("Twilio", OFF, "SMS and WhatsApp are off (no Twilio account is set).")]
    api = twilio_account.client(settings)
    base = settings.public_url.rstrip("/")
    found: list[Check] = []
    if settings.twilio_sms_from:
        found.append(_guard("SMS number", lambda: _sms(api, settings.twilio_sms_from or "", base)))
    else:
        found.append(Check("SMS number", OFF, "SMS is off (TWILIO_SMS_FROM is not set)."))
    if settings.twilio_whatsapp_from:
        sender = settings.twilio_whatsapp_from
        found.append(_guard("WhatsApp sender", lambda: _whatsapp(api, sender, base)))
        found += _guard_many("WhatsApp templates", lambda: _templates(api, template_sids))
    else:
        found.append(
            Check("WhatsApp sender", OFF, "WhatsApp is off (TWILIO_WHATSAPP_FROM is not set).")
        )
    return found


def _guard(name: str, run: Callable[[], Check]) -> Check:
    try:
        return run()
    except twilio_account.TwilioUnavailable as exc:
        return problem(
            name, str(exc), "Check TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and the network."
        )


def _guard_many(name: str, run: Callable[[], list[Check]]) -> list[Check]:
    try:
        return run()
    except twilio_account.TwilioUnavailable as exc:
        return [
            problem(name, str(exc), "Check TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and the network.")
        ]


def _sms(api: Client, number: str, base: str) -> Check:
    name = "SMS number"
    expected = base + SMS_PATH
    hooks = twilio_account.sms_number(api, number)
    if not hooks.found:
        return problem(
            name,
            f"{number} (TWILIO_SMS_FROM) is not a phone number of this Twilio account.",
            "Set TWILIO_SMS_FROM to one of the account's numbers, in E.164.",
        )
    fix = (
        f"In the Twilio console (Phone Numbers > {number} > Messaging), set "
        f"'A message comes in' to {expected}, HTTP POST."
    )
    if hooks.incoming_url != expected:
        shown = hooks.incoming_url or "nothing"
        return problem(name, f"messages to {number} go to {shown}, not to {expected}.", fix)
    if hooks.incoming_method != "POST":
        return problem(
            name, f"messages to {number} are sent with {hooks.incoming_method}, not POST.", fix
        )
    return ok(
        name,
        f"{number} sends messages to {expected}; "
        f"status callbacks are asked for at {base + STATUS_PATH}.",
    )


def _whatsapp(api: Client, sender: str, base: str) -> Check:
    name = "WhatsApp sender"
    expected, status = base + WHATSAPP_PATH, base + STATUS_PATH
    hooks = twilio_account.whatsapp_sender(api, sender)
    if not hooks.found:
        return problem(
            name,
            f"{sender} (TWILIO_WHATSAPP_FROM) is not a WhatsApp sender of this Twilio account.",
            "Register the sender in the Twilio console (Messaging > Senders > WhatsApp senders).",
        )
    fix = (
        f"In the Twilio console (WhatsApp senders > {sender}), set the webhook URL to "
        f"{expected} and the status callback URL to {status}."
    )
    if hooks.incoming_url != expected:
        shown = hooks.incoming_url or "nothing"
        return problem(
            name, f"WhatsApp messages to {sender} go to {shown}, not to {expected}.", fix
        )
    if hooks.status_callback_url and hooks.status_callback_url != status:
        return problem(
            name, f"status callbacks go to {hooks.status_callback_url}, not to {status}.", fix
        )
    return ok(name, f"{sender} sends messages to {expected}.")


def _templates(api: Client, sids: Mapping[str, str]) -> list[Check]:
    name = "WhatsApp templates"
    fix = "Run `camino whatsapp templates sync` and wait for WhatsApp's approval."
    missing = [key for key in template_keys() if not sids.get(key)]
    found: list[Check] = []
    if missing:
        found.append(problem(name, f"no Content SID for {', '.join(missing)}.", fix))
    verdicts: dict[str, twilio_account.Approval] = {}
    unapproved = []
    for key in template_keys():
        sid = sids.get(key)
        if not sid:
            continue
        if sid not in verdicts:
            verdicts[sid] = twilio_account.approval(api, sid)
        verdict = verdicts[sid]
        if verdict.status != "approved":
            reason = f": {verdict.rejection_reason}" if verdict.rejection_reason else ""
            unapproved.append(f"{key} ({sid}) is {verdict.status}{reason}")
    if unapproved:
        found.append(problem(name, "not approved by WhatsApp: " + "; ".join(unapproved) + ".", fix))
    if not found:
        found.append(
            ok(
                name,
                f"all {len(template_keys())} kinds and languages have an approved Content SID.",
            )
        )
    return found


# -- everything -------------------------------------------------------------------------------


def run_all(
    settings: Settings, engine: Engine, now: datetime, template_sids: Mapping[str, str]
) -> list[Check]:
    """Every check, in the order an operator would fix them."""
    checks = [public_url(settings), database(engine)]
    usable = engine if checks[-1].status == OK else None
    checks.append(master_key(settings, usable))
    checks += telegram(settings, now)
    checks += twilio(settings, template_sids)
    checks.append(directory(settings))
    checks.append(time_settings(settings, usable))
    if usable is not None:
        checks.append(outbox(usable, now))
    return checks
