"""GSM-7 folding and counting through `str.translate` and set operations give what the
character-by-character definitions give, for any text."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.twilio import gsm7

# Mostly the characters replies are made of, and now and then anything at all.
texts = (
    st.text(
        alphabet=st.sampled_from(
            sorted(gsm7.BASIC | gsm7.EXTENSION) + list("áíóúÁÍÓÚêçâœ“”«»…–→✓🙏")
        )
    )
    | st.text()
)


def _fold(text: str) -> str:
    folded = "".join(gsm7._fold_char(char) for char in text)
    return folded if all(c in gsm7.BASIC or c in gsm7.EXTENSION for c in folded) else text


def _segments(text: str) -> int:
    if all(c in gsm7.BASIC or c in gsm7.EXTENSION for c in text):
        length = sum(2 if c in gsm7.EXTENSION else 1 for c in text)
        single, multi = 160, 153
    else:
        length, single, multi = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if length <= single else math.ceil(length / multi)


@given(texts)
def test_fold_and_segments_match_their_definitions(text: str) -> None:
    assert gsm7.fold(text) == _fold(text)
    assert gsm7.segments(text) == _segments(text)
    assert gsm7.is_gsm7(text) == all(c in gsm7.BASIC or c in gsm7.EXTENSION for c in text)


def test_far_characters_are_folded_without_being_kept() -> None:
    far = chr(0x4E2D)  # a CJK character: stays as it is, and the table does not keep it
    assert gsm7.fold(f"a{far}") == f"a{far}"
    assert 0x4E2D not in gsm7._FOLD
