"""A fake Twilio on 127.0.0.1 that speaks the REST wire format the SDK uses.

Serves `POST/GET /2010-04-01/Accounts/{sid}/Messages(.json|/{sid}.json)` (the list filtered by
`To`, `From`, `DateSent`, `DateSent>`, `DateSent<`, newest first, paged with `PageSize`/`Page`
and `next_page_uri` as Twilio does), the Content API (`POST/GET /v1/Content`, `GET
/v1/Content/{sid}`, WhatsApp approval: `POST /v1/Content/{sid}/ApprovalRequests/whatsapp` and
`GET /v1/Content/{sid}/ApprovalRequests`, decided by `decide()`), the account's phone numbers
(`GET .../IncomingPhoneNumbers.json`, filtered by `PhoneNumber`), WhatsApp senders (`GET
/v2/Channels/Senders`), and media
downloads that need the account's Basic auth. Everything it receives is recorded;
`fail_next(code, status)` makes the next send fail like Twilio does; `hold_after(n)` accepts the
next send after `n` more but answers it only on `release()` (a send in flight, for crash tests);
`defer_sending = True` leaves new messages unsent (no `date_sent`), as Twilio's queue can.

    with FakeTwilio("AC...", "token") as fake:
        url = fake.add_media(b"...", "image/jpeg")
        ...  # point TWILIO_API_BASE_URL at fake.base_url
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    form: dict[str, str] = field(default_factory=dict)
    json: Any = None
    authorized: bool = False


class FakeTwilio:
    """The fake server; start it with `with`, or `start()`/`stop()`."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.requests: list[Recorded] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, dict[str, Any]] = {}
        # Content SID -> the WhatsApp approval object (`ApprovalRequests`), once submitted.
        self.approvals: dict[str, dict[str, Any]] = {}
        self.numbers: dict[str, dict[str, Any]] = {}  # IncomingPhoneNumbers by PN... SID
        self.senders: dict[str, dict[str, Any]] = {}  # WhatsApp senders by XE... SID
        self.media: dict[str, tuple[bytes, str]] = {}
        # media sid -> seconds the answer waits (a slow or stalled host), or where it redirects.
        self.media_delay: dict[str, float] = {}
        self.media_redirect: dict[str, str] = {}
        # Set: each media request waits until this many are in flight together (or 20 s).
        self.media_barrier: threading.Barrier | None = None
        self.stopping = threading.Event()
        self.failures: list[tuple[int, int]] = []
        self.defer_sending = False
        self.hold_countdown: int | None = None
        self.held = threading.Event()  # set once a held send was accepted and awaits release
        self.on_hold: Callable[[], object] | None = None
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeTwilio:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # stalled media answers give up
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test helpers ----------------------------------------------------------------------

    def add_media(self, data: bytes, content_type: str) -> str:
        """Host a file; returns its URL (served only with the account's Basic auth)."""
        media_sid = "ME" + secrets.token_hex(16)
        self.media[media_sid] = (data, content_type)
        return (
            f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages/"
            f"MM{secrets.token_hex(16)}/Media/{media_sid}"
        )

    def slow_media(self, url: str, seconds: float) -> None:
        """The file at `url` is answered only after `seconds` (a stall when far longer)."""
        self.media_delay[url.rsplit("/", 1)[1]] = seconds

    def redirect_media(self, url: str, location: str) -> None:
        """The file at `url` answers 302 to `location`, as Twilio does to its media CDN."""
        self.media_redirect[url.rsplit("/", 1)[1]] = location

    def add_number(
        self, phone_number: str, *, sms_url: str = "", sms_method: str = "POST", **extra: Any
    ) -> dict[str, Any]:
        """A phone number on the account (IncomingPhoneNumbers), with its webhook settings."""
        sid = "PN" + secrets.token_hex(16)
        number = {
            "sid": sid,
            "account_sid": self.account_sid,
            "phone_number": phone_number,
            "friendly_name": phone_number,
            "sms_url": sms_url,
            "sms_method": sms_method,
            "sms_fallback_url": "",
            "sms_fallback_method": "POST",
            "voice_url": "",
            "voice_method": "POST",
            "status_callback": "",
            "status_callback_method": "POST",
            "capabilities": {"sms": True, "mms": True, "voice": True, "fax": False},
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/IncomingPhoneNumbers/{sid}.json",
            **extra,
        }
        with self.lock:
            self.numbers[sid] = number
        return number

    def add_whatsapp_sender(
        self, sender_id: str, *, callback_url: str = "", status_callback_url: str = ""
    ) -> dict[str, Any]:
        """A WhatsApp sender (Senders API v2), with its webhook settings."""
        sid = "XE" + secrets.token_hex(16)
        sender = {
            "sid": sid,
            "status": "ONLINE",
            "sender_id": sender_id,
            "configuration": {"waba_id": "1234567890", "verification_method": "sms"},
            "webhook": {
                "callback_url": callback_url,
                "callback_method": "POST",
                "fallback_url": None,
                "fallback_method": "POST",
                "status_callback_url": status_callback_url or None,
                "status_callback_method": "POST",
            },
            "profile": {"name": "Camino"},
            "properties": {"quality_rating": "HIGH", "messaging_limit": "1K Customers/24hr"},
            "offline_reasons": None,
            "url": f"https://messaging.twilio.com/v2/Channels/Senders/{sid}",
        }
        with self.lock:
            self.senders[sid] = sender
        return sender

    def add_content(self, friendly_name: str, language: str, body: str) -> str:
        """A Content template made elsewhere (the console); returns its SID."""
        sid = "HX" + secrets.token_hex(16)
        with self.lock:
            self.contents[sid] = {
                "sid": sid,
                "account_sid": self.account_sid,
                "friendly_name": friendly_name,
                "language": language,
                "variables": {},
                "types": {"twilio/text": {"body": body}},
                "url": f"https://content.twilio.com/v1/Content/{sid}",
                "links": {},
                "date_created": "2026-01-01T00:00:00Z",
                "date_updated": "2026-01-01T00:00:00Z",
            }
        return sid

    def decide(self, content_sid: str, status: str, reason: str = "") -> None:
        """WhatsApp's verdict on a template: `approved`, `rejected`, `paused`..."""
        with self.lock:
            approval = self.approvals.setdefault(
                content_sid,
                {
                    "name": content_sid.lower(),
                    "category": "UTILITY",
                    "content_type": "twilio/text",
                    "allow_category_change": True,
                },
            )
            approval["status"] = status
            approval["rejection_reason"] = reason

    def approve_all(self) -> None:
        """Approve every template submitted so far."""
        for sid in list(self.approvals):
            self.decide(sid, "approved")

    def fail_next(self, code: int, status: int = 400) -> None:
        """The next message send fails with this Twilio error code and HTTP status."""
        with self.lock:
            self.failures.append((code, status))

    def hold_after(self, count: int, on_hold: Callable[[], object] | None = None) -> None:
        """Accept the send after the next `count` ones, but answer it only on `release()`.

        `on_hold` runs the moment that send is accepted, before any answer: a crash test kills
        the sending process there, so nothing (a timeout, a retry) can happen in between.
        """
        with self.lock:
            self.hold_countdown = count
            self.on_hold = on_hold
            self.held.clear()
            self.released.clear()

    def release(self) -> None:
        """Answer the held send (if its client is still there)."""
        self.released.set()

    def sent(self) -> list[dict[str, Any]]:
        """Messages created through the REST API, in order."""
        with self.lock:
            return list(self.messages.values())

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.requests.clear()

    def authorized(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return header == f"Basic {expected}"


def _handler(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    messages_path = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages\.json$")
    message_path = re.compile(
        r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages/(?P<sid>SM\w+)\.json$"
    )
    media_path = re.compile(r"^/2010-04-01/Accounts/AC\w+/Messages/MM\w+/Media/(?P<sid>ME\w+)$")
    numbers_path = re.compile(
        r"^/2010-04-01/Accounts/(?P<account>AC\w+)/IncomingPhoneNumbers\.json$"
    )
    content_path = re.compile(r"^/v1/Content/(?P<sid>HX\w+)$")
    approvals_path = re.compile(r"^/v1/Content/(?P<sid>HX\w+)/ApprovalRequests$")
    submit_path = re.compile(r"^/v1/Content/(?P<sid>HX\w+)/ApprovalRequests/whatsapp$")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read `fake.requests` instead."""

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, code: int, message: str) -> None:
            self._send(
                status,
                {
                    "code": code,
                    "message": message,
                    "status": status,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}",
                },
            )

        def _record(self, **kwargs: Any) -> Recorded:
            entry = Recorded(
                method=self.command,
                path=urlsplit(self.path).path,
                authorized=fake.authorized(self.headers.get("Authorization")),
                **kwargs,
            )
            with fake.lock:
                fake.requests.append(entry)
            return entry

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            body = self._body()
            if messages_path.match(path):
                form = {
                    k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()
                }
                entry = self._record(form=form)
                if not entry.authorized:
                    self._error(401, 20003, "Authenticate")
                    return
                self._create_message(form)
            elif path == "/v1/Content":
                payload = json.loads(body or b"{}")
                entry = self._record(json=payload)
                if not entry.authorized:
                    self._error(401, 20003, "Authenticate")
                    return
                self._create_content(payload)
            elif match := submit_path.match(path):
                payload = json.loads(body or b"{}")
                entry = self._record(json=payload)
                if not entry.authorized:
                    self._error(401, 20003, "Authenticate")
                    return
                self._submit(match["sid"], payload)
            else:
                self._record()
                self._error(404, 20404, "Not found")

        def _create_message(self, form: dict[str, str]) -> None:
            with fake.lock:
                failure = fake.failures.pop(0) if fake.failures else None
                hold = False
                if failure is None and fake.hold_countdown is not None:
                    hold = fake.hold_countdown == 0
                    fake.hold_countdown = None if hold else fake.hold_countdown - 1
            if failure is not None:
                code, status = failure
                self._error(status, code, "Injected failure")
                return
            if not form.get("To") or not (form.get("Body") or form.get("ContentSid")):
                self._error(400, 21602, "Message body is required.")
                return
            sid = "SM" + secrets.token_hex(16)
            stamp = format_datetime(datetime.now(UTC).replace(microsecond=0), usegmt=True)
            message = {
                "sid": sid,
                "account_sid": fake.account_sid,
                "to": form["To"],
                "from": form.get("From"),
                "body": form.get("Body", ""),
                "status": "queued",
                "num_segments": "1",
                "num_media": "0",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "price": None,
                "error_code": None,
                "error_message": None,
                "date_created": stamp,
                "date_updated": stamp,
                "date_sent": None if fake.defer_sending else stamp,
                "uri": f"/2010-04-01/Accounts/{fake.account_sid}/Messages/{sid}.json",
                "content_sid": form.get("ContentSid"),
                "content_variables": form.get("ContentVariables"),
                "status_callback": form.get("StatusCallback"),
            }
            with fake.lock:
                fake.messages[sid] = message
            if hold:  # accepted: the client is killed before it hears so, or told on release
                if fake.on_hold is not None:
                    fake.on_hold()
                fake.held.set()
                fake.released.wait(timeout=300)
            with contextlib.suppress(OSError):  # the client died while we held its answer
                self._send(201, message)

        def _create_content(self, payload: dict[str, Any]) -> None:
            types = {k: v for k, v in (payload.get("types") or {}).items() if v is not None}
            if not payload.get("friendly_name") or not types:
                self._error(400, 20001, "friendly_name and types are required")
                return
            sid = "HX" + secrets.token_hex(16)
            content = {
                "sid": sid,
                "account_sid": fake.account_sid,
                "friendly_name": payload["friendly_name"],
                "language": payload.get("language"),
                "variables": payload.get("variables") or {},
                "types": types,
                "url": f"https://content.twilio.com/v1/Content/{sid}",
                "links": {},
                "date_created": "2026-01-01T00:00:00Z",
                "date_updated": "2026-01-01T00:00:00Z",
            }
            with fake.lock:
                fake.contents[sid] = content
            self._send(201, content)

        def _submit(self, sid: str, payload: dict[str, Any]) -> None:
            """`POST /v1/Content/{sid}/ApprovalRequests/whatsapp` with `{name, category}`."""
            with fake.lock:
                content = fake.contents.get(sid)
            if content is None:
                self._error(404, 20404, "Not found")
                return
            if not payload.get("name") or not payload.get("category"):
                self._error(400, 20001, "name and category are required")
                return
            approval = {
                "name": payload["name"],
                "category": payload["category"],
                "content_type": next(iter(content["types"])),
                "status": "received",
                "rejection_reason": "",
                "allow_category_change": payload.get("allow_category_change", True),
            }
            with fake.lock:
                fake.approvals[sid] = approval
            self._send(201, approval)

        def _approval(self, sid: str) -> None:
            """`GET /v1/Content/{sid}/ApprovalRequests`: `whatsapp` is empty until submitted."""
            with fake.lock:
                known = sid in fake.contents
                approval = dict(fake.approvals.get(sid) or {})
            if not known:
                self._error(404, 20404, "Not found")
                return
            if approval:
                approval["type"] = "whatsapp"
                approval["flows"] = None
            self._send(
                200,
                {
                    "sid": sid,
                    "account_sid": fake.account_sid,
                    "whatsapp": approval,
                    "url": f"https://content.twilio.com/v1/Content/{sid}/ApprovalRequests",
                },
            )

        def _list_numbers(self, query: dict[str, list[str]]) -> None:
            wanted = query.get("PhoneNumber", [None])[-1]
            with fake.lock:
                numbers = [
                    n
                    for n in fake.numbers.values()
                    if wanted is None or n["phone_number"] == wanted
                ]
            uri = f"/2010-04-01/Accounts/{fake.account_sid}/IncomingPhoneNumbers.json"
            self._send(
                200,
                {
                    "incoming_phone_numbers": numbers,
                    "page": 0,
                    "page_size": 50,
                    "start": 0,
                    "end": max(0, len(numbers) - 1),
                    "uri": uri,
                    "first_page_uri": uri,
                    "next_page_uri": None,
                    "previous_page_uri": None,
                },
            )

        def _list_senders(self) -> None:
            with fake.lock:
                senders = list(fake.senders.values())
            self._send(
                200,
                {
                    "senders": senders,
                    "meta": {
                        "page": 0,
                        "page_size": 50,
                        "first_page_url": None,
                        "previous_page_url": None,
                        "next_page_url": None,
                        "key": "senders",
                        "url": "https://messaging.twilio.com/v2/Channels/Senders",
                    },
                },
            )

        def _list_messages(self, query: dict[str, list[str]]) -> None:
            """Twilio's paged list: filters, newest first, `next_page_uri` to the next page."""
            try:
                size = min(MAX_PAGE_SIZE, max(1, int(query.get("PageSize", ["50"])[-1])))
                page = max(0, int(query.get("Page", ["0"])[-1]))
                wanted = _filters(query)
            except ValueError:
                self._error(400, 20001, "Invalid filter")
                return
            with fake.lock:
                everything = list(fake.messages.values())
            matching = [m for m in reversed(everything) if all(f(m) for f in wanted)]
            chunk = matching[page * size : (page + 1) * size]
            base = f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
            kept = [
                (k, v[-1]) for k, v in query.items() if k not in ("Page", "PageSize", "PageToken")
            ]

            def uri(number: int) -> str:
                extra = [("PageSize", str(size)), ("Page", str(number))]
                if number:
                    extra.append(("PageToken", f"PAfake{number * size}"))
                return f"{base}?{urlencode(kept + extra)}"

            more = (page + 1) * size < len(matching)
            self._send(
                200,
                {
                    "messages": chunk,
                    "page": page,
                    "page_size": size,
                    "start": page * size,
                    "end": page * size + max(0, len(chunk) - 1),
                    "uri": uri(page),
                    "first_page_uri": uri(0),
                    "next_page_uri": uri(page + 1) if more else None,
                    "previous_page_uri": uri(page - 1) if page else None,
                },
            )

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            entry = self._record()
            if not entry.authorized:
                self._error(401, 20003, "Authenticate")
                return
            if path == "/v1/Content":
                with fake.lock:
                    contents = list(fake.contents.values())
                self._send(
                    200,
                    {
                        "contents": contents,
                        "meta": {
                            "page": 0,
                            "page_size": len(contents) or 50,
                            "first_page_url": None,
                            "previous_page_url": None,
                            "next_page_url": None,
                            "key": "contents",
                            "url": f"{fake.base_url}/v1/Content",
                        },
                    },
                )
            elif match := content_path.match(path):
                with fake.lock:
                    content = fake.contents.get(match["sid"])
                if content is None:
                    self._error(404, 20404, "Not found")
                else:
                    self._send(200, content)
            elif match := approvals_path.match(path):
                self._approval(match["sid"])
            elif numbers_path.match(path):
                self._list_numbers(parse_qs(urlsplit(self.path).query))
            elif path == "/v2/Channels/Senders":
                self._list_senders()
            elif messages_path.match(path):
                self._list_messages(parse_qs(urlsplit(self.path).query, keep_blank_values=True))
            elif match := message_path.match(path):
                message = fake.messages.get(match["sid"])
                if message is None:
                    self._error(404, 20404, "Not found")
                else:
                    self._send(200, message)
            elif match := media_path.match(path):
                item = fake.media.get(match["sid"])
                if fake.media_barrier is not None:
                    with contextlib.suppress(threading.BrokenBarrierError):
                        fake.media_barrier.wait(timeout=20)
                fake.stopping.wait(fake.media_delay.get(match["sid"], 0))
                location = fake.media_redirect.get(match["sid"])
                if location is not None:
                    self.send_response(302)
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif item is None:
                    self._error(404, 20404, "Not found")
                else:
                    self._send(200, item[0], content_type=item[1])
            else:
                self._error(404, 20404, "Not found")

    return Handler


def _moment(text: str, *, end_of_day: bool = False) -> datetime:
    """`2026-03-10` or `2026-03-10T08:00:00Z`, as Twilio's date filters take them."""
    if "T" in text:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    day = date.fromisoformat(text)
    return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=UTC)


def _filters(query: dict[str, list[str]]) -> list[Any]:
    """Predicates on stored messages for the list's query parameters (ValueError if malformed)."""
    wanted: list[Any] = []

    def sent_at(message: dict[str, Any]) -> datetime | None:
        stamp = message.get("date_sent")
        return parsedate_to_datetime(stamp) if stamp else None

    for key, values in query.items():
        value = values[-1]
        if key == "To":
            wanted.append(lambda m, v=value: m["to"] == v)
        elif key == "From":
            wanted.append(lambda m, v=value: m["from"] == v)
        elif key == "DateSent>":
            start = _moment(value)
            wanted.append(lambda m, t=start: (s := sent_at(m)) is not None and s >= t)
        elif key == "DateSent<":
            end = _moment(value, end_of_day=True)
            wanted.append(lambda m, t=end: (s := sent_at(m)) is not None and s <= t)
        elif key == "DateSent":
            day = _moment(value).date()
            wanted.append(lambda m, d=day: (s := sent_at(m)) is not None and s.date() == d)
    return wanted


# -- the other direction: Twilio calling Camino's webhooks ---------------------------------


def sign(auth_token: str, url: str, params: dict[str, str]) -> str:
    """`X-Twilio-Signature` exactly as Twilio computes it (the SDK's own code)."""
    from twilio.request_validator import RequestValidator

    return str(RequestValidator(auth_token).compute_signature(url, params))


def inbound_form(
    account_sid: str,
    *,
    sender: str,
    to: str,
    body: str = "",
    sid: str | None = None,
    whatsapp: bool = False,
    **extra: str,
) -> dict[str, str]:
    """The form of an inbound message webhook, with the fields Twilio sends."""
    prefix = "whatsapp:" if whatsapp else ""
    message_sid = sid or "SM" + secrets.token_hex(16)
    form = {
        "ToCountry": "MX",
        "ToState": "",
        "SmsMessageSid": message_sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": message_sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "MX",
        "To": prefix + to,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": message_sid,
        "AccountSid": account_sid,
        "From": prefix + sender,
        "ApiVersion": "2010-04-01",
    }
    if whatsapp:
        form.update({"ProfileName": "Ana", "WaId": sender.lstrip("+"), "MessageType": "text"})
    form.update(extra)
    return form


@dataclass
class Out:
    """One message the person received: plain text, buttons or a list (ids are payloads)."""

    kind: str
    body: str
    ids: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


@dataclass
class Turn:
    """Camino's answer to one inbound message: HTTP status, TwiML bodies and REST sends."""

    status: int
    twiml: list[str]
    rest: list[Out]

    @property
    def out(self) -> list[Out]:
        return [Out("text", body) for body in self.twiml] + self.rest

    @property
    def last(self) -> Out:
        return self.out[-1]


class Phone:
    """A person's phone, as Twilio relays it: signed webhook calls to Camino."""

    def __init__(
        self,
        client: Any,
        fake: FakeTwilio,
        *,
        public_url: str,
        sender: str,
        to: str,
        whatsapp: bool = False,
    ) -> None:
        self.client = client
        self.fake = fake
        self.public_url = public_url.rstrip("/")
        self.sender = sender
        self.to = to
        self.whatsapp = whatsapp
        self.path = "/webhooks/twilio/whatsapp" if whatsapp else "/webhooks/twilio/sms"

    def form(self, body: str = "", **extra: str) -> dict[str, str]:
        return inbound_form(
            self.fake.account_sid,
            sender=self.sender,
            to=self.to,
            body=body,
            whatsapp=self.whatsapp,
            **extra,
        )

    def post(self, form: dict[str, str], *, signature: str | None = None) -> Turn:
        """Deliver a form (signed correctly unless `signature` is given)."""
        url = self.public_url + self.path
        signature = sign(self.fake.auth_token, url, form) if signature is None else signature
        before = len(self.fake.sent())
        response = self.client.post(self.path, data=form, headers={"X-Twilio-Signature": signature})
        bodies = re.findall(r"<Message>(.*?)</Message>", response.text, re.S)
        rest = [self._out(m) for m in self.fake.sent()[before:]]
        return Turn(response.status_code, [html.unescape(b) for b in bodies], rest)

    def send(self, body: str = "", **extra: str) -> Turn:
        return self.post(self.form(body, **extra))

    def _out(self, message: dict[str, Any]) -> Out:
        if not message.get("content_sid"):
            return Out("text", message["body"])
        content = self.fake.contents[message["content_sid"]]
        body = json.loads(message["content_variables"] or "{}").get("1", "")
        types = content["types"]
        if "twilio/quick-reply" in types:
            actions = types["twilio/quick-reply"]["actions"]
            return Out("buttons", body, [a["id"] for a in actions], [a["title"] for a in actions])
        items = types["twilio/list-picker"]["items"]
        return Out("list", body, [i["id"] for i in items], [i["item"] for i in items])
