"""Twilio's REST API: sending messages and keeping the Content API templates for buttons/lists.

The real SDK is used; `TWILIO_API_BASE_URL` (a local fake in tests) replaces the scheme and host
of every `*.twilio.com` URL it calls.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from twilio.base.exceptions import TwilioRestException

from bot.channels.twilio.render import ListPicker, QuickReply
from bot.channels.twilio.urls import TIMEOUT

if TYPE_CHECKING:
    from twilio.rest import Client

log = logging.getLogger(__name__)

TEMPLATE_PREFIX = "camino_"
# The interactive body is a content variable: templates hold no personal text and are reused.
BODY_VARIABLE = "{{1}}"
OPT_OUT_ERROR = 21610


@dataclass(frozen=True)
class SendResult:
    """What Twilio answered to one send: the message SID, or an error code."""

    sid: str | None
    error_code: str | None

    @property
    def opted_out(self) -> bool:
        return self.error_code == str(OPT_OUT_ERROR)


def template_types(part: QuickReply | ListPicker) -> dict[str, Any]:
    """The Content API `types` of a part, with its body as variable {{1}}."""
    if isinstance(part, QuickReply):
        actions = [
            {"type": "QUICK_REPLY", "id": pid, "title": title} for pid, title in part.actions
        ]
        return {"twilio/quick-reply": {"body": BODY_VARIABLE, "actions": actions}}
    items = [
        {"id": pid, "item": item, **({"description": desc} if desc else {})}
        for pid, item, desc in part.items
    ]
    return {"twilio/list-picker": {"body": BODY_VARIABLE, "button": part.button, "items": items}}


def template_name(types: dict[str, Any], language: str) -> str:
    """A stable name for a template's content, so restarts find it instead of duplicating it."""
    canonical = json.dumps(
        {"types": types, "language": language}, sort_keys=True, ensure_ascii=False
    )
    return TEMPLATE_PREFIX + hashlib.sha256(canonical.encode()).hexdigest()[:40]


class TwilioRest:
    """Sends messages and owns the template cache; thread-safe, one per process."""

    def __init__(self, account_sid: str, auth_token: str, base_url: str | None) -> None:
        self._account = (account_sid, auth_token, base_url)
        self._client: Client | None = None
        self._templates: dict[str, str] = {}
        self._listed = False
        self._lock = threading.Lock()
        self._client_lock = threading.Lock()

    @property
    def client(self) -> Client:
        """The SDK's client, made on the first call to Twilio."""
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    # imported on first use: the SDK's REST client and `requests` cost 4-5 MB
                    # in every process, and one answering SMS in TwiML may never call the API
                    from twilio.rest import Client

                    from bot.channels.twilio.http import RedirectingHttpClient

                    account_sid, auth_token, base_url = self._account
                    http_client = RedirectingHttpClient(base_url, TIMEOUT)
                    self._client = Client(account_sid, auth_token, http_client=http_client)
        return self._client

    def send(
        self,
        *,
        to: str,
        from_: str,
        status_callback: str,
        body: str | None = None,
        content_sid: str | None = None,
        variables: dict[str, str] | None = None,
    ) -> SendResult:
        """Send one message (plain body, or a content template with variables)."""
        kwargs: dict[str, Any] = {"to": to, "from_": from_, "status_callback": status_callback}
        if content_sid is not None:
            kwargs["content_sid"] = content_sid
            kwargs["content_variables"] = json.dumps(variables or {}, ensure_ascii=False)
        else:
            kwargs["body"] = body
        try:
            message = self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            log.warning("twilio send failed", extra={"status": exc.status, "code": exc.code})
            return SendResult(None, str(exc.code or exc.status))
        except Exception as exc:  # network trouble must not lose the rest of the reply
            log.warning("twilio send failed", extra={"error": type(exc).__name__})
            return SendResult(None, "network")
        return SendResult(message.sid, None)

    def template_sid(self, part: QuickReply | ListPicker, language: str) -> str:
        """The SID of a template for this part, created once and cached."""
        types = template_types(part)
        name = template_name(types, language)
        with self._lock:
            sid = self._templates.get(name)
            if sid is not None:
                return sid
            if not self._listed:
                # Templates made by earlier processes: found by name rather than made again.
                for content in self.client.content.v1.contents.stream(page_size=500):
                    if content.friendly_name and content.sid:
                        self._templates.setdefault(content.friendly_name, content.sid)
                self._listed = True
                sid = self._templates.get(name)
                if sid is not None:
                    return sid
            # imported on first use, with the client (see `client`)
            from twilio.rest.content.v1.content import ContentList

            request = ContentList.ContentCreateRequest(
                {
                    "friendly_name": name,
                    "language": language,
                    "variables": {"1": "…"},
                    "types": types,
                }
            )
            created = self.client.content.v1.contents.create(request)
            sid = str(created.sid)
            self._templates[name] = sid
            log.info("twilio template created", extra={"kind": next(iter(types))})
            return sid
