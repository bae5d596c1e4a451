"""What counts as OK from on-call staff: property-based, since it is outside input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.alerts import is_group, is_ok
from bot.alerts.replies import OK_WORDS
from bot.core.text import normalize
from bot.store.contacts import Sender


def test_ok_in_its_usual_spellings() -> None:
    for text in ("OK", "ok", "Ok.", "ok 👍", "OK!", " okay ", "Ók", "oK 👍👍", "OKEY"):
        assert is_ok(text), text


def test_anything_else_is_not_ok() -> None:
    for text in (None, "", "no", "ok pero no puedo", "okay, llamo luego", "book", "o k", "👍"):
        assert not is_ok(text), text


@given(st.text(max_size=60))
def test_any_text_is_read_without_error_and_ok_means_ok(text: str) -> None:
    if is_ok(text):
        letters = "".join(ch for ch in normalize(text) if ch.isalpha())
        assert letters in OK_WORDS


@given(st.sampled_from(["OK", "ok", "Ok"]), st.sampled_from(["", ".", "!", " 👍", "  ", "..."]))
def test_ok_with_any_punctuation_or_emoji(word: str, tail: str) -> None:
    assert is_ok(word + tail)


def test_only_negative_telegram_chats_are_groups() -> None:
    assert is_group(Sender("telegram", "-1001234567890"))
    assert not is_group(Sender("telegram", "5550001"))
    assert not is_group(Sender("sms", "-5"))
