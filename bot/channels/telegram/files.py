"""Fetching a file the person sent (getFile, then the download), with bounded retries.

A failure must never turn into a 500: Telegram would deliver the update again, fail again, and
the person would hear nothing, for ever. A passing failure (timeout, 5xx, 429) is tried again a
few times; then, as for a permanent one (400, an empty or odd answer, no file path, a body that
is not JSON), `FileUnavailable` lets the handler answer the person and acknowledge the update.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram.limits import retry_seconds
from bot.core import i18n

log = logging.getLogger(__name__)

# Pauses (seconds) before the second and third tries; the webhook answers well within a minute.
FILE_RETRY_PAUSES = (0.5, 1.5)
# A 429 asking for a longer wait than this is not waited for inside the webhook.
MAX_RETRY_AFTER = 3.0


class FileUnavailable(Exception):
    """The file could not be fetched from Telegram (after the retries, for passing failures)."""


def unreceived_text(t: i18n.Translate) -> str:
    """What the person reads when their file could not be fetched."""
    return t("No pude recibir el archivo; intente enviarlo otra vez o como documento.")


def _passing(exc: Exception) -> bool:
    """Worth another try: a timeout, a 5xx, no connection, or a short 429."""
    if isinstance(exc, RetryAfter):
        return retry_seconds(exc) <= MAX_RETRY_AFTER
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


async def _fetch_once(bot: Bot, file_id: str, cap: int) -> bytes | None:
    telegram_file = await bot.get_file(file_id)
    if not telegram_file.file_path:
        raise FileUnavailable("no file_path")
    if telegram_file.file_size is not None and telegram_file.file_size > cap:
        return None
    data = bytes(await telegram_file.download_as_bytearray())
    return None if len(data) > cap else data


async def fetch_file(
    bot: Bot, file_id: str, cap: int, *, pauses: Sequence[float] = FILE_RETRY_PAUSES
) -> bytes | None:
    """The file's bytes; None when it is over `cap`; `FileUnavailable` when it cannot be had."""
    for attempt in range(len(pauses) + 1):
        try:
            return await _fetch_once(bot, file_id, cap)
        except FileUnavailable:
            log.warning("telegram file unavailable", extra={"reason": "no_file_path"})
            raise
        # PTB raises TelegramError for odd answers, and TypeError/KeyError/ValueError when a
        # result lacks what a File needs; none of them may reach the webhook as a 500.
        except (TelegramError, TypeError, KeyError, ValueError, RuntimeError) as exc:
            if attempt < len(pauses) and _passing(exc):
                await asyncio.sleep(pauses[attempt])
                continue
            log.warning(
                "telegram file unavailable",
                extra={"reason": type(exc).__name__, "attempts": attempt + 1},
            )
            raise FileUnavailable(type(exc).__name__) from None
    raise AssertionError("unreachable")
