"""Item: Twilio's form -> inbound event never fails on odd input, and a signed form with any
field changed is never a 5xx (property-based, on the corpus's real bodies)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.twilio.channel import TwilioChannel
from bot.channels.twilio.parse import MAX_MEDIA, parse_inbound, parse_status
from bot.conversation.messages import InboundEvent, Location
from tests.support.fakes.fake_twilio import sign
from tests.support.traffic import PUBLIC, TWILIO_TOKEN, all_logs

CORPUS = Path(__file__).parents[3] / "corpus" / "twilio" / "webhooks.json"
FORMS = [
    (case["route"], dict(parse_qsl(case["body"], keep_blank_values=True)))
    for case in json.loads(CORPUS.read_text())["cases"]
    if case["body"]
]
FIELDS = sorted({key for _, form in FORMS for key in form} | {"MediaUrl9", "ListId", "ListTitle"})
values = st.text(max_size=80) | st.sampled_from(
    [
        "",
        " ",
        "nan",
        "inf",
        "-1",
        "99999999999",
        "1e999",
        "whatsapp:",
        "whatsapp:+",
        "javascript:alert(1)",
        "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        "http://127.0.0.1:1/x",
        ":",
        "menu:report",
        "a" * 5000,
    ]
)
forms = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), values, max_size=25)


@settings(max_examples=400, deadline=None)
@given(form=forms, whatsapp=st.booleans())
def test_the_form_parser_never_fails_and_keeps_only_usable_values(
    form: dict[str, str], whatsapp: bool
) -> None:
    parsed = parse_inbound(form, whatsapp=whatsapp)
    assert len(parsed.media) <= MAX_MEDIA
    assert all(ref.url.lower().startswith(("https://", "http://")) for ref in parsed.media)
    if parsed.location is not None:
        assert abs(parsed.location.latitude) <= 90 and abs(parsed.location.longitude) <= 180
    if parsed.sender is not None:
        assert not parsed.sender.lower().startswith("whatsapp:") and parsed.sender.isprintable()
    event = TwilioChannel._event(
        parsed.body, parsed.button_payload, parsed.button_text, (), parsed.location
    )
    assert isinstance(event, InboundEvent)
    assert event.location is None or isinstance(event.location, Location)
    status = parse_status(form)
    assert status.status is None or status.status == status.status.lower()


PATHS = {"sms": "/webhooks/twilio/sms", "whatsapp": "/webhooks/twilio/whatsapp"}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sample=st.integers(min_value=0, max_value=len(FORMS) - 1),
    changes=st.dictionaries(st.sampled_from(FIELDS), values, max_size=4),
    dropped=st.lists(st.sampled_from(FIELDS), max_size=3),
    route=st.sampled_from(["sms", "whatsapp", "status"]),
)
def test_a_signed_real_form_with_any_fields_changed_is_never_a_500(
    client: TestClient,
    sample: int,
    changes: dict[str, str],
    dropped: list[str],
    route: str,
) -> None:
    form: dict[str, Any] = {**FORMS[sample][1], **changes}
    for name in dropped:
        form.pop(name, None)
    path = PATHS.get(route, "/webhooks/twilio/status")
    signature = sign(TWILIO_TOKEN, PUBLIC + path, form)
    with all_logs() as logs:
        response = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code in (200, 400), response.status_code
    assert not logs.tracebacks(), logs.tracebacks()
