"""What Twilio says about the account's numbers, WhatsApp senders and templates.

Read through the SDK (so `TWILIO_API_BASE_URL` reaches a local fake in tests): the SMS number's
webhook (IncomingPhoneNumbers), the WhatsApp sender's webhooks (Senders API), and a Content
template's WhatsApp approval (`/v1/Content/{sid}/ApprovalRequests`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from bot.channels.twilio.http import RedirectingHttpClient
from bot.core.config import Settings


class TwilioUnavailable(RuntimeError):
    """Twilio could not be asked; the message is one sentence without credentials."""


@dataclass(frozen=True)
class NumberHooks:
    """Where Twilio sends what arrives at a number or sender (empty when none is set)."""

    found: bool
    incoming_url: str = ""
    incoming_method: str = ""
    status_callback_url: str = ""


@dataclass(frozen=True)
class Approval:
    """A Content template's WhatsApp approval: status ('unsubmitted' when never submitted)."""

    status: str
    name: str = ""
    rejection_reason: str = ""


def client(settings: Settings) -> Client:
    """An SDK client for the configured account."""
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        raise TwilioUnavailable("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set.")
    return Client(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        http_client=RedirectingHttpClient(settings.twilio_api_base_url),
    )


def explain(exc: Exception) -> TwilioUnavailable:
    """An SDK or network error as one sentence (never the credentials)."""
    if isinstance(exc, TwilioRestException):
        return TwilioUnavailable(f"Twilio answered {exc.status} (error {exc.code}).")
    response = exc.args[1] if isinstance(exc, TwilioException) and len(exc.args) > 1 else None
    status = getattr(response, "status_code", None)
    if status is not None:  # a list page Twilio refused: the SDK keeps only the response
        return TwilioUnavailable(f"Twilio answered {status} to a list request.")
    return TwilioUnavailable(f"Twilio could not be reached ({type(exc).__name__}).")


def sms_number(api: Client, phone_number: str) -> NumberHooks:
    """The SMS webhook of an account number (IncomingPhoneNumbers, filtered by number)."""
    try:
        numbers = api.incoming_phone_numbers.list(phone_number=phone_number, limit=5)
    except (TwilioException, OSError) as exc:
        raise explain(exc) from exc
    for number in numbers:
        if number.phone_number == phone_number:
            return NumberHooks(
                True,
                incoming_url=number.sms_url or "",
                incoming_method=(number.sms_method or "").upper(),
            )
    return NumberHooks(False)


def whatsapp_sender(api: Client, sender_id: str) -> NumberHooks:
    """The webhooks of a WhatsApp sender (`whatsapp:+E164`), from the Senders API."""
    try:
        senders = api.messaging.v2.channels_senders.list(channel="whatsapp", limit=200)
    except (TwilioException, OSError) as exc:
        raise explain(exc) from exc
    for sender in senders:
        if (sender.sender_id or "").lower() == sender_id.lower():
            hook: dict[str, Any] = sender.webhook if isinstance(sender.webhook, dict) else {}
            return NumberHooks(
                True,
                incoming_url=hook.get("callback_url") or "",
                incoming_method=(hook.get("callback_method") or "").upper(),
                status_callback_url=hook.get("status_callback_url") or "",
            )
    return NumberHooks(False)


def approval(api: Client, content_sid: str) -> Approval:
    """A template's WhatsApp approval status (`approved`, `pending`, `rejected`, ...)."""
    try:
        found = api.content.v1.contents(content_sid).approval_fetch().fetch()
    except TwilioRestException as exc:
        if exc.status == 404:
            return Approval("missing")
        raise explain(exc) from exc
    except (TwilioException, OSError) as exc:
        raise explain(exc) from exc
    whatsapp: dict[str, Any] = found.whatsapp if isinstance(found.whatsapp, dict) else {}
    if not whatsapp:
        return Approval("unsubmitted")
    return Approval(
        str(whatsapp.get("status") or "unknown").lower(),
        name=str(whatsapp.get("name") or ""),
        rejection_reason=str(whatsapp.get("rejection_reason") or ""),
    )
