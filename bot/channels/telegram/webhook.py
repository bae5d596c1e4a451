"""POST /webhooks/telegram: check the secret, read the update, process it once."""

from __future__ import annotations

import hmac
import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from telegram import Update

from bot.channels.telegram.app import WEBHOOK_PATH, TelegramChannel

log = logging.getLogger(__name__)

router = APIRouter()
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
# Telegram updates are a few kilobytes; anything far larger is not from Telegram.
MAX_BODY = 1_000_000


def _answer(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


@router.post(WEBHOOK_PATH, include_in_schema=False)
async def telegram_webhook(request: Request) -> JSONResponse:
    """One update from Telegram; 200 once it was handled (or ignored, or already handled)."""
    channel: TelegramChannel | None = getattr(request.app.state, "telegram", None)
    if channel is None:
        return _answer(404, "Not Found")
    given = request.headers.get(SECRET_HEADER, "")
    if not channel.secret or not hmac.compare_digest(given.encode(), channel.secret.encode()):
        return _answer(403, "Forbidden")
    body = await request.body()
    if len(body) > MAX_BODY:
        return _answer(413, "Update too large")
    try:
        data = json.loads(body)
    except ValueError:
        return _answer(400, "Malformed JSON")
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        return _answer(400, "Not a Telegram update")
    if not await channel.ensure_started():
        return _answer(503, "Telegram Bot API unreachable")
    try:
        update = Update.de_json(data, channel.application.bot)
    except (KeyError, TypeError, ValueError, AttributeError):
        return _answer(400, "Not a Telegram update")
    if update.message is None and update.callback_query is None:
        return JSONResponse({"ok": True, "ignored": True})
    worker = getattr(getattr(request.app.state, "background", None), "worker", None)
    if worker is not None:  # a reply deferred to the outbox is sent without waiting for a poll
        channel.handlers.wake = worker.wake
    # Processed inside the request, not queued: the 200 then means it was handled, and a crash
    # answers 500 so Telegram delivers it again (the engine's transaction rolled back with its
    # receipt, so the retry runs; a delivery already processed is skipped by update_id). A reply
    # that could not be sent after the state was saved is queued in the outbox: that is a 200.
    await channel.application.process_update(update)
    if update.update_id in channel.handlers.failed:
        channel.handlers.failed.discard(update.update_id)
        return _answer(500, "Update failed; Telegram will retry")
    return JSONResponse({"ok": True})
