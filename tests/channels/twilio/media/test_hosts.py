"""Item: media are fetched only from Twilio's hosts, and credentials go only to its API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.app.runtime import Runtime
from bot.channels.twilio.media import is_api, is_media_host
from tests.support.fakes.fake_twilio import FakeTwilio
from tests.support.traffic import (
    JPEG,
    all_logs,
    kept,
    media_form,
    phone,
    to_evidence,
)

UNAVAILABLE = "No pude descargar su archivo. Intente enviarlo de nuevo."


def test_credentials_go_only_to_the_api_and_other_hosts_are_refused(
    client: TestClient, fake: FakeTwilio, runtime: Runtime
) -> None:
    person = phone(client, fake, "+5219610000003")
    to_evidence(person)
    fake.requests.clear()
    elsewhere = "https://attacker.example/steal/ME" + "1" * 32
    other_port = fake.base_url.rsplit(":", 1)[0] + ":1/2010-04-01/x/Media/ME" + "2" * 32
    with all_logs() as logs:
        for url in (elsewhere, other_port, "http://api.twilio.com.evil.example/Media/ME3"):
            turn = person.send("", **media_form([url]))
            assert turn.status == 200
            assert UNAVAILABLE in turn.twiml[0]
    assert kept(runtime) == 0
    assert not [r for r in fake.requests if "/Media/" in r.path]
    text = "\n".join(logs.lines)
    assert "attacker" not in text and "evil" not in text and ":1/" not in text
    assert "twilio media refused" in text
    # A redirect off Twilio's media hosts is refused too, and never carries credentials.
    bounced = fake.add_media(JPEG, "image/jpeg")
    fake.redirect_media(bounced, fake.base_url.replace("127.0.0.1", "localhost") + "/x")
    turn = person.send("", **media_form([bounced]))
    assert UNAVAILABLE in turn.twiml[0] and kept(runtime) == 0
    assert [r.authorized for r in fake.requests if "/Media/" in r.path] == [True]


def test_the_media_hosts() -> None:
    api = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    assert is_api(api, None) and is_media_host(api, None)
    assert not is_api("https://api.twilio.com:8443/x", None)
    assert not is_api("http://api.twilio.com/x", None)
    assert not is_api("https://mms.twiliocdn.com/x", None)
    assert is_media_host("https://mms.twiliocdn.com/AC1/abc", None)
    assert is_media_host("https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC1/x", None)
    assert not is_media_host("https://s3-external-1.amazonaws.com/other-bucket/x", None)
    assert not is_media_host("https://evil.twilio.com.example/x", None)
    assert not is_media_host("http://mms.twiliocdn.com/x", None)
    base = "http://127.0.0.1:8123"
    assert is_api("http://127.0.0.1:8123/2010-04-01/x", base)
    assert not is_api("http://127.0.0.1:8124/2010-04-01/x", base)
    assert not is_api(api, base)  # with a stand-in, the real API URL is rewritten first
