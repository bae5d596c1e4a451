"""Shared pieces of the Twilio channel tests: the settings of a Camino wired to the fake."""

from __future__ import annotations

from tests.support.fakes.fake_twilio import FakeTwilio

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "token"
SMS_FROM = "+15550001111"


def twilio_values(
    fake: FakeTwilio, *, sms_from: str = SMS_FROM, whatsapp_from: str | None = None
) -> dict[str, str]:
    """`TWILIO_*` settings (or environment) for a Camino that this fake signs for and receives."""
    values = {
        "TWILIO_ACCOUNT_SID": fake.account_sid,
        "TWILIO_AUTH_TOKEN": fake.auth_token,
        "TWILIO_SMS_FROM": sms_from,
        "TWILIO_API_BASE_URL": fake.base_url,
    }
    if whatsapp_from is not None:
        values["TWILIO_WHATSAPP_FROM"] = whatsapp_from
    return values
