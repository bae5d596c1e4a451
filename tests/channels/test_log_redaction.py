"""Item: no secret reaches a log, at any level, from any logger."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

from fastapi.testclient import TestClient

from bot.app.runtime import build_runtime
from bot.core.config import Settings
from bot.core.logs import MASK, JsonFormatter, add_secrets, install_redaction, redact
from tests.support.factories import TEST_DATA_KEY
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.fakes.fake_twilio import FakeTwilio, sign
from tests.support.telegram_helpers import CHAT, JPEG, OGG, SECRET, settle
from tests.support.traffic import (
    PUBLIC,
    SMS_FROM,
    TWILIO_ACCOUNT,
    TWILIO_TOKEN,
    WA_FROM,
    all_logs,
    phone,
)
from webhook import create_app

TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9"
AUTH = "twilio-auth-token-0123456789abcdef"


def test_known_secrets_and_token_shapes_are_masked() -> None:
    add_secrets([AUTH, None, "abc"])  # too short values are not masked by value
    text = f"GET https://api.telegram.org/bot{TOKEN}/getMe auth={AUTH} abc"
    masked = redact(text)
    assert TOKEN not in masked and AUTH not in masked
    assert masked == f"GET https://api.telegram.org/bot{MASK}/getMe auth={MASK} abc"
    encoded = TOKEN.replace(":", "%3A")
    assert redact(f"GET /file/bot{encoded}/photos/1.jpg") == f"GET /file/bot{MASK}/photos/1.jpg"


def test_every_record_is_masked_when_made_whatever_its_logger_and_level() -> None:
    add_secrets([AUTH])
    install_redaction()
    with all_logs() as logs:
        logging.getLogger("some.library").debug("calling %s with %s", f"/bot{TOKEN}/x", AUTH)
        try:
            raise ValueError(f"bad url /bot{TOKEN}/")
        except ValueError:
            logging.getLogger("bot.x").exception("failed")
        logging.getLogger("telegram.request.BaseRequest").info("x", extra={"url": AUTH})
        logging.getLogger("bot.y").info("ids", extra={"ids": [1, 2], "where": {"url": AUTH}})
    formatted = [JsonFormatter().format(r) for r in logs.records]
    assert json.loads(formatted[-1])["ids"] == [1, 2]  # extras keep their JSON shape
    for line in logs.lines + formatted:
        assert TOKEN not in line and AUTH not in line.split("'url'")[0]
    assert all(AUTH not in line for line in formatted)


# -- traffic at DEBUG, every logger on ----------------------------------------------------------


def test_no_secret_reaches_any_record_when_traffic_runs_at_debug(tmp_path: Path) -> None:
    """Telegram updates (files too) and Twilio messages (media, REST sends, status callbacks)
    with every logger at DEBUG: no record carries a secret, in any of the forms it travels."""
    names = ("", "httpx", "httpcore", "telegram", "telegram.Bot", "telegram.ext", "twilio")
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    with FakeTelegram() as tg, FakeTwilio(TWILIO_ACCOUNT, TWILIO_TOKEN) as tw:
        settings = Settings(
            CAMINO_DATABASE_URL=f"sqlite:///{tmp_path}/camino.db",
            CAMINO_DATA_KEY=TEST_DATA_KEY,
            TELEGRAM_BOT_TOKEN=tg.token,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            TELEGRAM_API_BASE_URL=tg.base_url,
            TWILIO_ACCOUNT_SID=TWILIO_ACCOUNT,
            TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
            TWILIO_SMS_FROM=SMS_FROM,
            TWILIO_WHATSAPP_FROM=f"whatsapp:{WA_FROM}",
            TWILIO_API_BASE_URL=tw.base_url,
            CAMINO_PUBLIC_URL=PUBLIC,
            CAMINO_LOG_LEVEL="DEBUG",
        )
        runtime = build_runtime(settings)
        try:
            with all_logs() as logs, TestClient(create_app(runtime)) as client:
                for logger in loggers:  # after start-up, which quietens some of them
                    logger.setLevel(logging.DEBUG)
                post = tg.post
                for update in (
                    tg.text(CHAT, "/start"),
                    tg.text(CHAT, "1"),
                    tg.photo(CHAT, JPEG),
                    tg.voice(CHAT, OGG),
                ):
                    assert post("/webhooks/telegram", update, SECRET, client).status_code == 200
                settle(runtime)  # the replies' sends are logged too
                bad = tg.photo(CHAT, JPEG)
                tg.break_file(bad["message"]["photo"][-1]["file_id"], "not_json")
                assert post("/webhooks/telegram", bad, SECRET, client).status_code == 200
                assert post("/webhooks/telegram", tg.text(CHAT, "x"), "wrong", client).status_code
                person = phone(client, tw, "+5219611230000", whatsapp=True)
                assert person.send("Hola").status == 200
                media = tw.add_media(b"\xff\xd8\xff" + b"x" * 50, "image/jpeg")
                turn = person.send(
                    "", NumMedia="1", MediaUrl0=media, MediaContentType0="image/jpeg"
                )
                assert turn.status == 200
                sms = phone(client, tw, "+5219611230001")
                assert sms.send("Hola").status == 200
                status = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"}
                signature = sign(TWILIO_TOKEN, PUBLIC + "/webhooks/twilio/status", status)
                client.post(
                    "/webhooks/twilio/status",
                    data=status,
                    headers={"X-Twilio-Signature": signature},
                )
        finally:
            runtime.close()
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)
    basic = base64.b64encode(f"{TWILIO_ACCOUNT}:{TWILIO_TOKEN}".encode()).decode()
    secrets = {
        "telegram token": tg.token,
        "telegram token secret part": tg.token.split(":")[1],
        "webhook secret": SECRET,
        "twilio auth token": TWILIO_TOKEN,
        "twilio basic auth": basic,
        "data key": TEST_DATA_KEY,
    }
    formatter = JsonFormatter()
    lines = logs.lines + [formatter.format(record) for record in logs.records]
    assert len(logs.records) > 50  # the loggers were really talking
    assert any("getMe" in line or "sendMessage" in line for line in lines)
    leaks = {name for name, value in secrets.items() for line in lines if value in line}
    assert not leaks, leaks
