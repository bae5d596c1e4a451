"""The Twilio channel's pure parts: signatures, GSM-7, splitting, rendering, parsing, opt-out."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from bot.channels.twilio import gsm7, optout
from bot.channels.twilio.parse import parse_inbound, parse_status, sender_address, split_payload
from bot.channels.twilio.render import (
    ListPicker,
    PlainText,
    QuickReply,
    shorten,
    sms_texts,
    split_text,
    whatsapp_parts,
)
from bot.channels.twilio.rest import template_name, template_types
from bot.channels.twilio.urls import rewrite_url
from bot.conversation.messages import Option, OutboundMessage


def test_sdk_published_signature_vector() -> None:
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    validator = RequestValidator("12345")
    assert validator.compute_signature(url, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert validator.validate(url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")


def test_gsm7_table_spanish_letters() -> None:
    # In the GSM 03.38 basic table: é É ñ Ñ ü Ü ¿ ¡ (and è ò à ù ì for French/Creole).
    assert gsm7.is_gsm7("éÉñÑüÜ¿¡èòàùì")
    for letter in "áíóúÁÍÓÚêçâ":
        assert not gsm7.is_gsm7(letter)
    assert gsm7.fold("¿Dónde pasó? Según él, «aquí» ✓") == '¿Donde paso? Segun él, "aqui" *'
    assert gsm7.fold("Très bien, ça va") == "Très bien, ca va"


def test_fold_keeps_text_that_stays_ucs2() -> None:
    assert gsm7.fold("Gracias 🙏 por su valor, ¿sí?") == "Gracias 🙏 por su valor, ¿sí?"


def test_segment_counts() -> None:
    assert gsm7.segments("a" * 160) == 1
    assert gsm7.segments("a" * 161) == 2
    assert gsm7.segments("a" * 459) == 3
    assert gsm7.segments("a" * 460) == 4
    assert gsm7.segments("€" * 80) == 1  # extension characters count twice
    assert gsm7.segments("€" * 81) == 2
    assert gsm7.segments("á" * 70) == 1
    assert gsm7.segments("á" * 71) == 2
    assert gsm7.segments("á" * 201) == 3


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.text(alphabet=string.ascii_letters + "áéñ¿?.!, \n", min_size=0, max_size=90), max_size=20
    ),
    st.integers(20, 500),
)
def test_split_text_parts_fit_and_keep_every_word(chunks: list[str], limit: int) -> None:
    text = ". ".join(chunks)
    parts = split_text(text, lambda part: len(part) <= limit)
    assert all(0 < len(part) <= limit for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_split_prefers_line_then_sentence_boundaries() -> None:
    lines = "\n".join(f"{n}. Opción número {n}" for n in range(1, 40))
    parts = split_text(lines, lambda part: len(part) <= 200)
    assert all(part.split("\n")[0][0].isdigit() for part in parts)
    prose = "Primera frase corta. Segunda frase. " * 10
    for part in split_text(prose, lambda part: len(part) <= 100):
        assert part.endswith(".")


def test_sms_rendering_folds_numbers_and_caps_segments() -> None:
    message = OutboundMessage("¿Dónde pasó? " * 40, options=(Option("a", "Sí"), Option("b", "No")))
    texts = sms_texts([message], fold=True)
    assert all(gsm7.segments(t) <= 3 and gsm7.is_gsm7(t) for t in texts)
    assert texts[-1].endswith("1. Si\n2. No")
    unfolded = sms_texts([message], fold=False)
    assert sum(map(gsm7.segments, unfolded)) > sum(map(gsm7.segments, texts))


def _options(n: int, label: str = "Opción") -> tuple[Option, ...]:
    return tuple(Option(f"c{i}", f"{label} {i}") for i in range(n))


def test_whatsapp_buttons_lists_and_text() -> None:
    long = "Abuso de autoridad o uso excesivo de la fuerza"
    buttons = whatsapp_parts(
        OutboundMessage("?", options=(Option("x", long), *_options(2)), step_id="crime"),
        "Ver opciones",
    )
    assert isinstance(buttons[-1], QuickReply)
    assert buttons[-1].actions[0] == ("crime:x", "Abuso de autoridad…")
    assert all(len(title) <= 20 for _, title in buttons[-1].actions)
    picker = whatsapp_parts(
        OutboundMessage("?", options=(Option("x", long), *_options(9)), step_id="s"), "Ver opciones"
    )[-1]
    assert isinstance(picker, ListPicker)
    assert len(picker.items) == 10 and all(len(item) <= 24 for _, item, _ in picker.items)
    assert picker.items[0][0] == "s:x" and picker.items[0][2] == long
    text = whatsapp_parts(OutboundMessage("?", options=_options(11), step_id="s"), "x")
    assert all(isinstance(part, PlainText) for part in text)
    assert "11. Opción 10" in text[-1].body  # type: ignore[union-attr]


def test_duplicate_short_titles_stay_distinct() -> None:
    options = (
        Option("a", "Una opción muy larga número uno"),
        Option("b", "Una opción muy larga número dos"),
    )
    part = whatsapp_parts(OutboundMessage("?", options=options), "x")[-1]
    assert isinstance(part, QuickReply)
    assert len({title for _, title in part.actions}) == 2


def test_long_interactive_body_goes_before_the_buttons() -> None:
    parts = whatsapp_parts(OutboundMessage("Frase larga. " * 200, options=_options(2)), "x")
    assert isinstance(parts[-1], QuickReply) and isinstance(parts[0], PlainText)
    assert all(len(p.body) <= 1600 for p in parts)


def test_shorten() -> None:
    assert shorten("Sí", 20) == "Sí"
    assert len(shorten("x" * 50, 20)) == 20
    assert shorten("Lo vi, le pasó a otra persona", 20) == "Lo vi, le pasó a…"


def test_templates_are_named_by_content() -> None:
    a = template_types(QuickReply("{{1}}", (("s:yes", "Sí"), ("s:no", "No"))))
    b = template_types(QuickReply("other body", (("s:yes", "Sí"), ("s:no", "No"))))
    assert template_name(a, "es") == template_name(b, "es") != template_name(a, "en")


def test_rewrite_url() -> None:
    base = "http://127.0.0.1:9000"
    assert rewrite_url("https://api.twilio.com/2010-04-01/A.json?x=1", base) == (
        "http://127.0.0.1:9000/2010-04-01/A.json?x=1"
    )
    assert rewrite_url("https://content.twilio.com/v1/Content", base) == (
        "http://127.0.0.1:9000/v1/Content"
    )
    assert rewrite_url("https://evil.example/twilio.com", base) == "https://evil.example/twilio.com"
    assert rewrite_url("https://api.twilio.com/x", None) == "https://api.twilio.com/x"


def test_optout_words() -> None:
    for word in (
        "STOP",
        "stop",
        " Quit. ",
        "optout",
        "StopAll",
        "UNSUBSCRIBE",
        "end",
        "revoke",
        "cancel",
    ):
        assert optout.classify(word) == "carrier_stop"
    assert optout.classify("alto") == "stop" and optout.classify("Baja") == "stop"
    assert optout.classify("INICIO") == "start" and optout.classify("start") == "start"
    assert optout.classify("stop please") is None
    assert optout.classify("menu") is None


def test_parse_inbound_fields() -> None:
    form = {
        "From": "whatsapp:+5215512345678",
        "MessageSid": "SM1",
        "Body": "hola",
        "NumMedia": "2",
        "MediaUrl0": "https://api.twilio.com/m/1",
        "MediaContentType0": "audio/ogg",
        "MediaUrl1": "javascript:alert(1)",
        "Latitude": "19.4",
        "Longitude": "-99.1",
        "ButtonPayload": "menu:report",
        "Unknown": "x",
    }
    parsed = parse_inbound(form, whatsapp=True)
    assert parsed.sender == "+5215512345678"
    assert [m.content_type for m in parsed.media] == ["audio/ogg"]
    assert parsed.location is not None and parsed.location.latitude == 19.4
    assert split_payload(parsed.button_payload or "") == ("menu", "report")
    assert split_payload("report") == (None, "report")
    assert sender_address("whatsapp:+52", whatsapp=False) is None
    assert sender_address("+52", whatsapp=True) is None
    bad = parse_inbound({"Latitude": "nan", "Longitude": "1e999", "NumMedia": "-1"}, whatsapp=False)
    assert bad.location is None and bad.media == () and bad.sender is None
    assert parse_status({"MessageSid": "SM1", "MessageStatus": "Delivered"}).status == "delivered"


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "From",
                "Body",
                "MessageSid",
                "NumMedia",
                "MediaUrl0",
                "MediaContentType0",
                "Latitude",
                "Longitude",
                "ButtonPayload",
                "ButtonText",
                "ListId",
                "ListTitle",
                "SmsMessageSid",
                "MessageStatus",
                "ErrorCode",
            ]
        )
        | st.text(max_size=8),
        st.text(max_size=300),
    ),
    st.booleans(),
)
def test_parsers_never_raise(form: dict[str, str], whatsapp: bool) -> None:
    parsed = parse_inbound(form, whatsapp=whatsapp)
    assert len(parsed.media) <= 10
    parse_status(form)
    optout.classify(form.get("Body"))
