"""Item: no secret reaches a log, at any level, from any logger (unit part)."""

from __future__ import annotations

import logging

from traffic_helpers import all_logs

from bot.core.logs import MASK, JsonFormatter, add_secrets, install_redaction, redact

TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9"
AUTH = "twilio-auth-token-0123456789abcdef"


def test_known_secrets_and_token_shapes_are_masked() -> None:
    add_secrets([AUTH, None, "abc"])  # too short values are not masked by value
    text = f"GET https://api.telegram.org/bot{TOKEN}/getMe auth={AUTH} abc"
    masked = redact(text)
    assert TOKEN not in masked and AUTH not in masked
    assert masked == f"GET https://api.telegram.org/bot{MASK}/getMe auth={MASK} abc"


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
    formatted = [JsonFormatter().format(r) for r in logs.records]
    for line in logs.lines + formatted:
        assert TOKEN not in line and AUTH not in line.split("'url'")[0]
    assert all(AUTH not in line for line in formatted)
