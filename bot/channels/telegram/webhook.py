"""POST /webhooks/telegram: check the secret, read the update, process it once, answer at once."""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.channels.telegram.channel import WEBHOOK_PATH, TelegramChannel
from bot.channels.telegram.inbound import Malformed, read_body, to_update

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
        data = read_body(body)
        if data is None:
            log.info("telegram update ignored")
            return JSONResponse({"ok": True, "ignored": True})
        if not await channel.ensure_started():
            return _answer(503, "Telegram Bot API unreachable")
        update = to_update(data, channel.bot)
    except Malformed as exc:
        log.info("telegram update refused", extra={"reason": str(exc)})
        return _answer(400, str(exc))
    worker = getattr(getattr(request.app.state, "background", None), "worker", None)
    if worker is not None:  # a queued reply is sent without waiting for the worker's poll
        channel.handlers.wake = worker.wake
    # The engine runs inside the request, so the 200 means it was handled, and a crash answers
    # 500 so Telegram delivers it again (the engine's transaction rolled back with its receipt,
    # so the retry runs; a delivery already processed is skipped by update_id). The reply is
    # queued in the outbox, not sent here: the delivery worker sends it.
    handled = await channel.handlers.process(update, channel.bot)
    method = channel.handlers.methods.pop(update.update_id, None)
    if not handled:
        return _answer(500, "Update failed; Telegram will retry")
    # A reply nobody keeps (see handlers.respond) rides on the answer: Telegram sends it.
    return JSONResponse(method or {"ok": True})
