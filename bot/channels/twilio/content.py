"""Twilio's Content API for WhatsApp templates: create a text template, submit it for approval.

Wire format (through the SDK): `POST /v1/Content` with `{friendly_name, language, variables,
types: {"twilio/text": {body}}}`; `POST /v1/Content/{sid}/ApprovalRequests/whatsapp` with
`{name, category}`; `GET /v1/Content` lists what exists, so a lost database finds its templates
again by name instead of making duplicates.
"""

from __future__ import annotations

from twilio.base.exceptions import TwilioException
from twilio.rest import Client
from twilio.rest.content.v1.content import ContentList
from twilio.rest.content.v1.content.approval_create import ApprovalCreateList

from bot.channels.twilio.account import Approval, TwilioUnavailable, approval, explain

CATEGORY = "UTILITY"  # notices about the person's own case: not marketing


def existing_templates(api: Client) -> dict[str, str]:
    """Friendly name -> Content SID of every template on the account."""
    try:
        return {
            str(content.friendly_name): str(content.sid)
            for content in api.content.v1.contents.stream(page_size=500)
            if content.friendly_name and content.sid
        }
    except (TwilioException, OSError) as exc:
        raise explain(exc) from exc


def create_text_template(
    api: Client, *, name: str, language: str, body: str, variables: dict[str, str]
) -> str:
    """Create a plain-text template; returns its Content SID."""
    request = ContentList.ContentCreateRequest(
        {
            "friendly_name": name,
            "language": language,
            "variables": variables,
            "types": {"twilio/text": {"body": body}},
        }
    )
    try:
        created = api.content.v1.contents.create(request)
    except (TwilioException, OSError) as exc:
        raise explain(exc) from exc
    return str(created.sid)


def submit_for_whatsapp(api: Client, content_sid: str, name: str) -> Approval:
    """Ask WhatsApp to approve a template; returns the approval as Twilio reports it."""
    request = ApprovalCreateList.ContentApprovalRequest({"name": name, "category": CATEGORY})
    try:
        answer = api.content.v1.contents(content_sid).approval_create.create(request)
    except (TwilioException, OSError) as exc:
        raise explain(exc) from exc
    return Approval(
        str(answer.status or "received").lower(),
        name=str(answer.name or name),
        rejection_reason=str(answer.rejection_reason or ""),
    )


__all__ = [
    "Approval",
    "TwilioUnavailable",
    "approval",
    "create_text_template",
    "existing_templates",
    "submit_for_whatsapp",
]
