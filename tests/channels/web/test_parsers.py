"""Property tests for what the web chat reads from outside: headers, cookies, form bodies."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from bot.channels.web import forms
from bot.channels.web.limits import WebLimits
from bot.channels.web.security import csrf_ok, csrf_token
from bot.core.i18n import negotiate_language, parse_accept_language
from bot.core.websecurity import new_signed_token, new_token, signed_token, valid_token

KEY = b"k" * 32


@given(st.text(max_size=300))
def test_accept_language_never_fails_and_keeps_only_clean_tags(header: str) -> None:
    tags = parse_accept_language(header)
    assert all(tag and tag.isascii() and "," not in tag and ";" not in tag for tag in tags)
    assert negotiate_language(header) in (None, "es", "en", "fr", "ht")


def test_accept_language_order_and_quality() -> None:
    assert parse_accept_language("fr;q=0.5, en-US, ht;q=0, es;q=0.8") == ["en-US", "es", "fr"]
    assert negotiate_language("de-DE, en-GB;q=0.7") == "en"
    assert negotiate_language("de-DE") is None
    assert negotiate_language(None) is None


@given(st.text(max_size=80))
def test_only_tokens_of_our_shape_are_accepted(value: str) -> None:
    accepted = valid_token(value)
    assert accepted is None or (len(accepted) == 43 and accepted == value)


def test_new_tokens_are_valid_and_csrf_is_bound_to_the_session() -> None:
    token, other = new_token(), new_token()
    assert valid_token(token) == token
    assert csrf_ok(token, csrf_token(token))
    assert not csrf_ok(other, csrf_token(token))
    assert not csrf_ok(None, csrf_token(token)) and not csrf_ok(token, None)


def _request(body: bytes, content_type: str) -> Request:
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    headers = [
        (b"content-type", content_type.encode("latin-1")),
        (b"content-length", str(len(body)).encode()),
    ]
    scope = {"type": "http", "method": "POST", "path": "/chat", "headers": headers}
    return Request(scope, receive)  # type: ignore[arg-type]


async def _read(body: bytes, content_type: str, limit: int = 10_000) -> forms.ChatForm | str:
    request = _request(body, content_type)
    try:
        raw = await forms.read_body(request, limit)
        return await forms.parse_form(request, raw, 5_000)
    except forms.TooLarge:
        return "too_large"
    except forms.BadForm:
        return "bad_form"


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=2_000),
    st.sampled_from(
        [
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "text/plain",
            "",
        ]
    ),
)
def test_any_body_is_a_form_or_a_clear_refusal(body: bytes, content_type: str) -> None:
    result = asyncio.run(_read(body, content_type))
    assert isinstance(result, forms.ChatForm) or result in ("too_large", "bad_form")


def test_a_multipart_upload_is_read_into_memory() -> None:
    body = (
        b'--xyz\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nabc\r\n'
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n\x89PNGdata\r\n--xyz--\r\n"
    )
    form = asyncio.run(_read(body, "multipart/form-data; boundary=xyz"))
    assert isinstance(form, forms.ChatForm)
    assert form.csrf == "abc" and form.media is not None
    assert form.media.data == b"\x89PNGdata" and form.media.content_type == "image/png"
    assert asyncio.run(_read(body, "multipart/form-data; boundary=xyz", limit=50)) == "too_large"


def test_token_buckets_refill_over_time() -> None:
    now = [0.0]
    limits = WebLimits(per_session=2, global_rate=100, clock=lambda: now[0])
    assert [limits.session("a") for _ in range(3)] == [True, True, False]
    assert limits.session("b")
    now[0] += 30.0  # half a minute gives back one of two
    assert limits.session("a")
    assert not limits.session("a")


def test_the_global_bucket_is_separate_from_the_sessions() -> None:
    now = [0.0]
    limits = WebLimits(per_session=100, global_rate=2, clock=lambda: now[0])
    assert [limits.session(str(i)) for i in range(10)] == [True] * 10  # junk costs no one
    assert [limits.everyone() for _ in range(3)] == [True, True, False]
    now[0] += 30.0
    assert limits.everyone()


def test_signed_tokens_are_accepted_only_with_their_key() -> None:
    token = new_signed_token(KEY)
    assert signed_token(KEY, token) == token
    assert signed_token(b"x" * 32, token) is None
    random_part, _, mac = token.partition(".")
    assert signed_token(KEY, random_part) is None  # an old-style or planted bare token
    assert signed_token(KEY, f"{new_token()}.{mac}") is None  # a signature moved to another
    assert new_signed_token(KEY) != token


@given(st.text(max_size=120))
def test_no_made_up_value_passes_as_a_signed_token(value: str) -> None:
    assert signed_token(KEY, value) is None


@given(st.from_regex(r"[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}", fullmatch=True))
def test_well_formed_but_unsigned_tokens_are_refused(value: str) -> None:
    assert signed_token(KEY, value) is None
