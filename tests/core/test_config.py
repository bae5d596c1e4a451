"""Settings are checked at start-up: a bad one is one sentence naming its variable."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.config import (
    Settings,
    SettingsError,
    check_http_url,
    check_serving,
    check_templates,
    check_timezone,
    load_settings,
)
from bot.core.quiet_hours import QuietHours

CAMINO = str(Path(sys.executable).with_name("camino"))


def settings(**values: object) -> Settings:
    return load_settings(_env_file=None, **values)


def test_defaults_are_valid() -> None:
    current = settings()
    assert current.default_timezone == "America/Mexico_City"
    assert current.whatsapp_templates == {}


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("CAMINO_DEFAULT_TIMEZONE", "Mars/Olympus", "'Mars/Olympus' is not a known time zone"),
        ("CAMINO_QUIET_HOURS", "9pm to 8am", "is not a time window"),
        ("CAMINO_QUIET_HOURS", "25:00-08:00", "is not a time window"),
        ("CAMINO_PUBLIC_URL", "camino.example.org", "is not an absolute http(s) URL"),
        ("TELEGRAM_API_BASE_URL", "ftp://api.telegram.org", "is not an absolute http(s) URL"),
        ("TWILIO_API_BASE_URL", "https://", "is not an absolute http(s) URL"),
        ("CAMINO_WHATSAPP_TEMPLATES", "{notice:es}", "not JSON (like"),
        ("CAMINO_WHATSAPP_TEMPLATES", '["HX1"]', "not a JSON object"),
        (
            "CAMINO_WHATSAPP_TEMPLATES",
            '{"notice": "HX1"}',
            "is not a kind and a language (like notice:es)",
        ),
        ("CAMINO_WHATSAPP_TEMPLATES", '{"notice:es": ""}', "no ContentSid for"),
        ("CAMINO_MEDIA_MAX_BYTES", "0", "greater than or equal to 1"),
        ("CAMINO_RATE_SMS", "0", "greater than 0"),
        ("CAMINO_OUTBOX_LEASE_SECONDS", "-5", "greater than or equal to 1"),
        ("CAMINO_DIGEST_DAYS", "two weeks", "valid integer"),
        ("CAMINO_LOG_LEVEL", "loud", "is not a log level"),
        ("CAMINO_TRUSTED_PROXIES", "caddy", "'caddy' is not an IP address or network"),
        ("CAMINO_TRUSTED_PROXIES", "10.0.0.1/8", "is not an IP address or network"),
        ("CAMINO_TRUSTED_PROXIES", " , ", "no proxy address"),
        (
            "CAMINO_DATABASE_URL",
            "camino.db",
            "CAMINO_DATABASE_URL: not a database URL (like sqlite:///./camino.db)",
        ),
    ],
)
def test_a_bad_setting_is_one_sentence_naming_it(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, said: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        settings()
    sentence = str(caught.value)
    assert sentence.startswith(f"{variable}: ")
    assert said in sentence
    assert sentence.endswith(".") and "\n" not in sentence


def test_trusted_proxies_are_addresses_and_networks() -> None:
    assert settings().trusted_proxies == "127.0.0.1"
    value = " 10.0.0.0/8, ::1 ,192.168.1.7"
    assert settings(CAMINO_TRUSTED_PROXIES=value).trusted_proxies == "10.0.0.0/8,::1,192.168.1.7"


@pytest.mark.parametrize(
    ("account", "sms", "whatsapp", "on"),
    [
        (True, "+15005550006", "whatsapp:+14155238886", {"sms", "whatsapp"}),
        (True, "+15005550006", None, {"sms"}),
        (True, None, "whatsapp:+14155238886", {"whatsapp"}),
        (False, "+15005550006", "whatsapp:+14155238886", set()),  # no account: nothing is on
    ],
)
def test_a_twilio_channel_is_on_with_the_account_and_its_sender(
    account: bool, sms: str | None, whatsapp: str | None, on: set[str]
) -> None:
    current = settings(
        TWILIO_ACCOUNT_SID="AC" + "0" * 32 if account else None,
        TWILIO_AUTH_TOKEN="token" if account else None,
        TWILIO_SMS_FROM=sms,
        TWILIO_WHATSAPP_FROM=whatsapp,
    )
    assert current.twilio_channels == on


def test_production_serves_only_behind_an_https_public_url() -> None:
    check_serving(settings())  # development on http://127.0.0.1 is fine
    check_serving(settings(CAMINO_ENV="production", CAMINO_PUBLIC_URL="https://camino.example"))
    with pytest.raises(SettingsError) as caught:
        check_serving(settings(CAMINO_ENV="production", CAMINO_PUBLIC_URL="http://camino.example"))
    assert str(caught.value).startswith("CAMINO_PUBLIC_URL: production needs an https URL")


def test_several_bad_settings_name_the_first_and_count_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CAMINO_DEFAULT_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("CAMINO_QUIET_HOURS", "never")
    monkeypatch.setenv("CAMINO_DIGEST_DAYS", "0")
    with pytest.raises(SettingsError, match=r"\(2 more invalid setting\(s\) after it\)\.$"):
        settings()


def test_templates_and_log_level_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CAMINO_WHATSAPP_TEMPLATES", '{"notice:es": "HXes", "digest:en": "HXen"}')
    monkeypatch.setenv("CAMINO_LOG_LEVEL", "warning")
    current = settings()
    assert current.whatsapp_templates == {"notice:es": "HXes", "digest:en": "HXen"}
    assert current.log_level == "WARNING"
    assert settings(CAMINO_WHATSAPP_TEMPLATES={"notice:fr": "HXfr"}).whatsapp_templates == {
        "notice:fr": "HXfr"
    }


@given(st.times(), st.times())
def test_any_well_formed_window_is_accepted(start: time, end: time) -> None:
    text = f"{start:%H:%M}-{end:%H:%M}"
    assert settings(CAMINO_QUIET_HOURS=text).quiet_hours == text
    assert QuietHours.parse(text) == QuietHours(
        start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)
    )


@given(st.text(max_size=20))
def test_quiet_hours_accept_only_what_the_parser_reads(text: str) -> None:
    try:
        QuietHours.parse(text)
    except ValueError:
        with pytest.raises(SettingsError, match=r"^CAMINO_QUIET_HOURS: "):
            settings(CAMINO_QUIET_HOURS=text)
    else:
        assert settings(CAMINO_QUIET_HOURS=text).quiet_hours == text


@given(
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]{2,6}){0,2}", fullmatch=True),
    st.one_of(st.none(), st.integers(1, 65535)),
    st.from_regex(r"(/[a-zA-Z0-9_.-]{0,10}){0,3}", fullmatch=True),
)
def test_absolute_http_urls_are_accepted(
    scheme: str, host: str, port: int | None, path: str
) -> None:
    url = f"{scheme}://{host}{f':{port}' if port else ''}{path}"
    assert check_http_url(url) == url


@given(st.text(max_size=30).filter(lambda s: "://" not in s))
def test_text_without_a_scheme_is_not_a_url(text: str) -> None:
    with pytest.raises(ValueError, match="absolute http"):
        check_http_url(text)


@given(st.text(max_size=30))
def test_a_time_zone_is_accepted_only_if_tzdata_knows_it(name: str) -> None:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except Exception:
        with pytest.raises(ValueError, match="not a known time zone"):
            check_timezone(name)
    else:
        assert check_timezone(name) == name


@given(
    st.dictionaries(
        st.tuples(
            st.sampled_from(["notice", "digest", "reminder"]),
            st.sampled_from(["es", "en", "fr", "ht"]),
        ).map(":".join),
        st.from_regex(r"HX[0-9a-f]{1,32}", fullmatch=True),
    )
)
def test_templates_round_trip_through_json(templates: dict[str, str]) -> None:
    import json

    assert check_templates(json.dumps(templates)) == templates


def test_the_cli_stops_with_one_sentence_on_a_bad_setting(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CAMINO_DATABASE_URL": f"sqlite:///{tmp_path}/camino.db",
        "CAMINO_DEFAULT_TIMEZONE": "Mars/Olympus",
    }
    for args in (["serve", "--port", "1"], ["db", "upgrade"], ["chat", "--lang", "es"]):
        result = subprocess.run(
            [CAMINO, *args],
            cwd=tmp_path,
            input="",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 1, (args, result.stderr)
        assert result.stdout == ""
        assert result.stderr.strip().splitlines() == [
            "Error: CAMINO_DEFAULT_TIMEZONE: 'Mars/Olympus' is not a known time zone"
            " (like America/Mexico_City)."
        ]
    assert not (tmp_path / "camino.db").exists()
