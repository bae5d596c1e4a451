"""A fake Telegram Bot API on 127.0.0.1, speaking the real wire format, for channel tests.

Answers the methods Camino uses (getMe, sendMessage, editMessageReplyMarkup, getWebhookInfo,
answerCallbackQuery, deleteMessages, deleteWebhook, setWebhook, setMyCommands, getFile and
file downloads, sendDocument, getUpdates) with `{"ok": true, "result": ...}`, records every
call, keeps a per-chat transcript (user and bot messages share one id counter, as in a real
private chat), and can answer 429 Too Many Requests or 403 blocked on demand. `hold_after`
delivers a message but answers only on `release()` (a send in flight, for crash tests). It also
builds updates exactly as Telegram sends them, to post to a webhook or to serve by getUpdates,
and like Telegram carries out the method a webhook names in its answer.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx

TOKEN = "123456789:AAFakeTokenForCaminoTests_0123456789"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Camino", "username": "CaminoTestBot"}
# Parameters PTB sends JSON-encoded inside form data; every other value stays a string.
JSON_PARAMS = {
    "reply_markup",
    "allowed_updates",
    "commands",
    "message_ids",
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "protect_content",
    "cache_time",
    "show_alert",
    "drop_pending_updates",
    "max_connections",
}


@dataclass
class Call:
    """One Bot API request as the fake received it."""

    method: str
    params: dict[str, Any]
    # Named in a webhook's answer rather than called by the bot.
    in_answer: bool = False


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (sendDocument), kept so a test can read it."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Failure:
    """An error to answer instead of the next calls of a method."""

    code: int
    times: int
    retry_after: float = 1
    # Calls answered normally before the failures start.
    after: int = 0


@dataclass
class Chat:
    """One private chat: its messages by id (deleted ones removed) and its id counter."""

    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    last_id: int = 0


class FakeTelegram:
    """The fake server; use as a context manager, then point TELEGRAM_API_BASE_URL at it."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.failures: dict[str, Failure] = {}
        # file_id -> how getFile fails for it (see `break_file`), and how many times.
        self.broken_files: dict[str, tuple[str, int]] = {}
        self.blocked: set[int] = set()
        self.pending_updates: list[dict[str, Any]] = []
        # What setWebhook registered (getWebhookInfo reports it, never the secret token).
        self.webhook: dict[str, Any] = {}
        self.webhook_error: tuple[int, str] | None = None  # (unix time, message) of the last
        self.webhook_pending = 0  # updates waiting for delivery to the webhook
        self.unknown: list[str] = []
        self._update_ids = itertools.count(700000000)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._hold: tuple[str, int] | None = None
        self._holding = threading.local()  # set in the handler thread whose answer is held
        self.held = threading.Event()
        self.released = threading.Event()
        self.on_hold: Callable[[], object] | None = None

    # -- server ----------------------------------------------------------------------------

    def __enter__(self) -> FakeTelegram:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        with self._lock:
            self._lock.notify_all()
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL should be."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- test controls ---------------------------------------------------------------------

    def fail(
        self,
        method: str,
        code: int = 429,
        *,
        times: int = 1,
        retry_after: float = 1,
        after: int = 0,
    ) -> None:
        """Answer `times` calls of `method` with this error (429, 403, 400 or 5xx), once the
        next `after` calls succeeded. A fractional `retry_after` keeps 429 storms fast."""
        with self._lock:
            self.failures[method] = Failure(code, times, retry_after, after)

    def break_file(self, file_id: str, how: str, *, times: int = 1_000_000) -> None:
        """Answer getFile for this file badly, `times` times: "error" (400 ok:false), "empty"
        (ok with an empty result), "no_path" (no file_path), "error_body" (200 with an error
        body), "not_json" (an HTML page), "server_error" (500, transient) or "gone" (the
        download itself answers 404)."""
        assert how in BROKEN_FILE, how
        with self._lock:
            self.broken_files[file_id] = (how, times)

    def hold_after(
        self, method: str, count: int, on_hold: Callable[[], object] | None = None
    ) -> None:
        """Carry out the call of `method` after the next `count` ones, answer it on release.

        `on_hold` runs the moment that call is carried out, before any answer: a crash test
        kills the calling process there, so nothing (a timeout, a retry) can happen in between.
        """
        with self._lock:
            self._hold = (method, count)
            self.on_hold = on_hold
            self.held.clear()
            self.released.clear()

    def release(self) -> None:
        """Answer the held call (if its client is still there)."""
        self.released.set()

    def take_hold(self) -> bool:
        """For the handler: is this thread's answer the held one? (clears the mark)."""
        held = bool(getattr(self._holding, "on", False))
        self._holding.on = False
        return held

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: sends to this chat get 403."""
        with self._lock:
            self.blocked.add(chat_id)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The chat's messages still on screen, oldest first."""
        with self._lock:
            chat = self.chats.get(chat_id, Chat())
            return [chat.messages[i] for i in sorted(chat.messages)]

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for m in self.messages(chat_id) if m["from"]["is_bot"]]

    def last_bot_message(self, chat_id: int) -> dict[str, Any]:
        return self.bot_messages(chat_id)[-1]

    # -- updates, as Telegram sends them ---------------------------------------------------

    def _user(self, chat_id: int, language: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Ana"}
        if language:
            user["language_code"] = language
        return user

    def _user_message(self, chat_id: int, language: str | None, **content: Any) -> dict[str, Any]:
        with self._lock:
            chat = self.chats.setdefault(chat_id, Chat())
            chat.last_id += 1
            message = {
                "message_id": chat.last_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Ana"},
                "from": self._user(chat_id, language),
                **content,
            }
            chat.messages[chat.last_id] = message
            return {"update_id": next(self._update_ids), "message": message}

    def text(self, chat_id: int, text: str, language: str | None = "es") -> dict[str, Any]:
        """The person types (a /command gets its bot_command entity, as Telegram adds it)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._user_message(chat_id, language, **content)

    def add_file(self, data: bytes, path: str) -> str:
        """Store a file the person uploaded; returns its file_id."""
        with self._lock:
            file_id = f"FILE{next(self._file_ids):04d}"
            self.files[file_id] = (path, data)
            return file_id

    def photo(
        self, chat_id: int, data: bytes, language: str | None = "es", caption: str | None = None
    ) -> dict[str, Any]:
        """A photo, as Telegram sends it: several sizes, the largest last (and its caption)."""
        thumb = self.add_file(b"\xff\xd8thumb", "photos/thumb.jpg")
        large = self.add_file(data, "photos/file_1.jpg")
        sizes = [
            {
                "file_id": thumb,
                "file_unique_id": thumb + "u",
                "width": 90,
                "height": 60,
                "file_size": 7,
            },
            {
                "file_id": large,
                "file_unique_id": large + "u",
                "width": 1280,
                "height": 853,
                "file_size": len(data),
            },
        ]
        extra = {"caption": caption} if caption is not None else {}
        return self._user_message(chat_id, language, photo=sizes, **extra)

    def voice(self, chat_id: int, data: bytes, language: str | None = "es") -> dict[str, Any]:
        file_id = self.add_file(data, "voice/file_2.oga")
        voice = {
            "file_id": file_id,
            "file_unique_id": file_id + "u",
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return self._user_message(chat_id, language, voice=voice)

    def audio(self, chat_id: int, data: bytes, language: str | None = "es") -> dict[str, Any]:
        file_id = self.add_file(data, "music/file_3.mp3")
        audio = {
            "file_id": file_id,
            "file_unique_id": file_id + "u",
            "duration": 3,
            "mime_type": "audio/mpeg",
            "file_name": "nota.mp3",
            "file_size": len(data),
        }
        return self._user_message(chat_id, language, audio=audio)

    def document(
        self,
        chat_id: int,
        data: bytes,
        mime_type: str,
        file_name: str,
        language: str | None = "es",
        *,
        size: int | None = None,
    ) -> dict[str, Any]:
        file_id = self.add_file(data, f"documents/{file_name}")
        document = {
            "file_id": file_id,
            "file_unique_id": file_id + "u",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data) if size is None else size,
        }
        return self._user_message(chat_id, language, document=document)

    def location(
        self, chat_id: int, latitude: float, longitude: float, language: str | None = "es"
    ) -> dict[str, Any]:
        return self._user_message(
            chat_id, language, location={"latitude": latitude, "longitude": longitude}
        )

    def contact(
        self, chat_id: int, phone_number: str, language: str | None = "es"
    ) -> dict[str, Any]:
        """The person shares a contact card (Telegram often sends the number without "+")."""
        card = {"phone_number": phone_number, "first_name": "Rosa", "user_id": 4242}
        return self._user_message(chat_id, language, contact=card)

    def sticker(self, chat_id: int, language: str | None = "es") -> dict[str, Any]:
        file_id = self.add_file(b"RIFF....WEBP", "stickers/file_9.webp")
        sticker = {
            "file_id": file_id,
            "file_unique_id": file_id + "u",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
            "set_name": "HotCherry",
            "file_size": 12,
        }
        return self._user_message(chat_id, language, sticker=sticker)

    def dice(self, chat_id: int, language: str | None = "es") -> dict[str, Any]:
        return self._user_message(chat_id, language, dice={"emoji": "🎲", "value": 4})

    def poll(self, chat_id: int, language: str | None = "es") -> dict[str, Any]:
        poll = {
            "id": "5823",
            "question": "¿Sí o no?",
            "options": [{"text": "Sí", "voter_count": 0}, {"text": "No", "voter_count": 0}],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
        return self._user_message(chat_id, language, poll=poll)

    def edit(self, update: dict[str, Any], text: str) -> dict[str, Any]:
        """The person edits the message of an earlier update: Telegram sends edited_message."""
        message = {**update["message"], "text": text, "edit_date": int(time.time())}
        return {"update_id": next(self._update_ids), "edited_message": message}

    def press(
        self, chat_id: int, message_id: int, data: str, language: str | None = "es"
    ) -> dict[str, Any]:
        """The person presses an inline button of one of the bot's messages."""
        with self._lock:
            message = dict(self.chats[chat_id].messages[message_id])
            query = {
                "id": str(next(self._callback_ids)),
                "from": self._user(chat_id, language),
                "chat_instance": "42",
                "message": message,
                "data": data,
            }
            return {"update_id": next(self._update_ids), "callback_query": query}

    def new_update_id(self) -> int:
        return next(self._update_ids)

    def enqueue(self, update: dict[str, Any]) -> None:
        """Serve this update by getUpdates (long polling)."""
        with self._lock:
            self.pending_updates.append(update)
            self._lock.notify_all()

    # -- the Bot API -----------------------------------------------------------------------

    def call(
        self, method: str, params: dict[str, Any], *, in_answer: bool = False
    ) -> tuple[int, dict[str, Any] | bytes]:
        """Answer one Bot API method: (HTTP status, JSON body, or raw bytes that are not JSON)."""
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        with self._lock:
            self.calls.append(Call(method, params, in_answer))
            broken = self._broken_file(method, params)
            if broken is not None:
                return broken
            failure = self.failures.get(method)
            if failure is not None and failure.after > 0:
                failure.after -= 1
            elif failure is not None and failure.times > 0:
                failure.times -= 1
                return _error(failure.code, failure.retry_after)
            chat_id = _int(params.get("chat_id"))
            if chat_id in self.blocked and method.startswith("send"):
                return _error(403)
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                self.unknown.append(method)
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            result = handler(params)
            if self._hold is not None and self._hold[0] == method:
                remaining = self._hold[1]
                self._hold = None if remaining == 0 else (method, remaining - 1)
                self._holding.on = remaining == 0
            return 200, {"ok": True, "result": result}

    def _broken_file(
        self, method: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any] | bytes] | None:
        """The bad answer to a getFile of a broken file (the lock is held)."""
        file_id = str(params.get("file_id", ""))
        if method == "getFile" and file_id not in self.files:  # as Telegram answers
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: invalid file_id",
            }
        how, times = self.broken_files.get(file_id, ("", 0))
        if method != "getFile" or times <= 0 or how == "gone":
            return None
        self.broken_files[file_id] = (how, times - 1)
        return BROKEN_FILE[how](file_id)

    def _message(self, chat_id: int, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = self.chats.setdefault(chat_id, Chat())
        chat.last_id += 1
        message = {
            "message_id": chat.last_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Ana"},
            "from": BOT_USER,
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        if params.get("protect_content"):
            message["has_protected_content"] = True
        chat.messages[chat.last_id] = message
        return message

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return {
            **BOT_USER,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        return self._message(int(params["chat_id"]), params, text=params["text"])

    def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        upload = params.get("document")
        if isinstance(upload, Upload):  # kept: a test reads what the person received
            file_id = self.add_file(upload.data, f"documents/{upload.filename}")
            document = {
                "file_id": file_id,
                "file_unique_id": file_id + "u",
                "file_name": upload.filename,
                "mime_type": upload.content_type,
                "file_size": len(upload.data),
            }
        else:
            file_id = self.add_file(b"", "documents/sent")
            document = {"file_id": file_id, "file_unique_id": file_id + "u"}
        extra = {"caption": params["caption"]} if params.get("caption") else {}
        return self._message(int(params["chat_id"]), params, document=document, **extra)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        chat = self.chats[int(params["chat_id"])]
        message = chat.messages[int(params["message_id"])]
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)
        return message

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    def _api_deleteMessages(self, params: dict[str, Any]) -> Any:
        ids = params["message_ids"]
        assert 1 <= len(ids) <= 100, "deleteMessages takes 1 to 100 ids"
        chat = self.chats.get(int(params["chat_id"]), Chat())
        for message_id in ids:
            chat.messages.pop(int(message_id), None)
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = dict(params)
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {}
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        """WebhookInfo: the URL (empty when polling), pending updates, the last delivery error."""
        info: dict[str, Any] = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": self.webhook_pending if self.webhook else 0,
        }
        if self.webhook:
            info["max_connections"] = int(self.webhook.get("max_connections") or 40)
            info["ip_address"] = "203.0.113.10"
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
            if self.webhook_error is not None:
                info["last_error_date"], info["last_error_message"] = self.webhook_error
        return info

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    def _api_getFile(self, params: dict[str, Any]) -> Any:
        file_id = params["file_id"]
        path, data = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": file_id + "u",
            "file_size": len(data),
            "file_path": path,
        }

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = _int(params.get("offset")) or 0
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + min(timeout, 2.0)
        with self._lock:
            self.calls.append(Call("getUpdates", params))
            while True:
                self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
                if self.pending_updates or time.monotonic() >= deadline:
                    return list(self.pending_updates)
                self._lock.wait(max(0.0, deadline - time.monotonic()))

    def file_bytes(self, path: str) -> bytes | None:
        with self._lock:
            for file_id, (stored_path, data) in self.files.items():
                if stored_path == path:
                    gone = self.broken_files.get(file_id, ("", 0))[0] == "gone"
                    return None if gone else data
        return None

    # -- delivering to a webhook -----------------------------------------------------------

    def post(
        self,
        url: str,
        update: dict[str, Any],
        secret: str | None,
        client: httpx.Client | None = None,
    ) -> httpx.Response:
        """POST an update to a webhook the way Telegram does (JSON, secret header), and carry
        out the method a 200 answer names, as Telegram does (its result goes nowhere)."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        body = json.dumps(update).encode()
        if client is not None:
            response = client.post(url, content=body, headers=headers)
        else:
            response = httpx.post(url, content=body, headers=headers, timeout=30)
        self.carry_out(response)
        return response

    def carry_out(self, response: httpx.Response) -> None:
        """The Bot API method in a webhook's 200 answer (`{"method": ..., params}`), if any."""
        if response.status_code != 200:
            return
        try:
            answer = response.json()
        except ValueError:
            return
        if not isinstance(answer, dict) or not isinstance(answer.get("method"), str):
            return
        params = {key: value for key, value in answer.items() if key != "method"}
        self.call(answer["method"], params, in_answer=True)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _error(code: int, retry_after: float = 1) -> tuple[int, dict[str, Any]]:
    if code == 429:
        return 429, {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        }
    if code == 403:
        return 403, {
            "ok": False,
            "error_code": 403,
            "description": "Forbidden: bot was blocked by the user",
        }
    description = "Internal Server Error" if code >= 500 else "Bad Request"
    return code, {"ok": False, "error_code": code, "description": description}


# How getFile can answer badly, by name: (HTTP status, JSON body or raw bytes).
BROKEN_FILE: dict[str, Any] = {
    "error": lambda file_id: (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"},
    ),
    "empty": lambda file_id: (200, {"ok": True, "result": {}}),
    "no_path": lambda file_id: (
        200,
        {"ok": True, "result": {"file_id": file_id, "file_unique_id": file_id + "u"}},
    ),
    "error_body": lambda file_id: (
        200,
        {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"},
    ),
    "not_json": lambda file_id: (200, b"<html><body>502 Bad Gateway</body></html>"),
    "server_error": lambda file_id: (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    ),
    "gone": None,
}


def _decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in pairs:
        if key in JSON_PARAMS:
            try:
                params[key] = json.loads(value)
                continue
            except ValueError:
                pass
        params[key] = value
    return params


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Form-urlencoded, JSON or multipart, as PTB (or Telegram's docs) may send them."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return dict(json.loads(body))
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        pairs: list[tuple[str, str]] = []
        uploads: dict[str, Upload] = {}
        for part in parsed.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                uploads[str(name)] = Upload(
                    str(part.get_filename()), part.get_content_type(), bytes(payload)
                )
                continue
            pairs.append((str(name), payload.decode()))
        params = _decode_form(pairs)
        # PTB names an upload "attach://<name>" in the field it fills (document=...).
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                found = uploads.get(value.removeprefix("attach://"))
                if found is not None:
                    params[key] = found
        for name, upload in uploads.items():
            params.setdefault(name, upload)
        return params
    return _decode_form(parse_qsl(body.decode(), keep_blank_values=True))


def _handler_for(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, delayed ACKs cost 40 ms each.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            self._reply(status, json.dumps(payload).encode(), "application/json")

        def _api(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            prefix = f"/bot{fake.token}/"
            if not self.path.startswith(prefix):
                self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                return
            method = self.path[len(prefix) :].split("?")[0]
            params = _parse_body(self.headers.get("Content-Type", ""), body)
            status, payload = fake.call(method, params)
            if fake.take_hold():  # done, but the client is killed before it hears so
                if fake.on_hold is not None:
                    fake.on_hold()
                fake.held.set()
                fake.released.wait(timeout=300)
            with contextlib.suppress(OSError):  # the client may have died meanwhile
                if isinstance(payload, bytes):
                    self._reply(status, payload, "text/html")
                else:
                    self._json(status, payload)

        def do_POST(self) -> None:
            self._api()

        def do_GET(self) -> None:
            prefix = f"/file/bot{fake.token}/"
            path = unquote(self.path)
            if path.startswith(prefix):
                data = fake.file_bytes(path[len(prefix) :])
                if data is None:
                    fake.unknown.append(self.path)
                    self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                else:
                    self._reply(200, data, "application/octet-stream")
                return
            self._api()

    return Handler
