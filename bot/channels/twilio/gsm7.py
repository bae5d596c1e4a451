"""GSM 03.38: which text fits the 7-bit SMS alphabet, folding to it, and counting segments.

A message that is all GSM-7 costs one segment per 160 characters (153 when split); a single
character outside it turns the whole message into UCS-2, 70 characters a segment (67 split).
"""

from __future__ import annotations

import math
import unicodedata

# The basic character set of GSM 03.38 (3GPP TS 23.038, 6.2.1), in table order.
BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets (escape + character).
EXTENSION = frozenset("\f^{}\\[~]|€")

# Close GSM-7 forms for common characters that are not in the alphabet.
_REPLACEMENTS: dict[str, str] = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "′": "'",
    "´": "'",
    "`": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "″": '"',
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
    "…": "...",
    "•": "-",
    "·": ".",
    "✓": "*",
    "✔": "*",
    "→": "->",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\t": " ",
    "º": "o",
    "ª": "a",
    "ç": "c",
    "œ": "oe",
    "Œ": "OE",
}


_ALPHABET = BASIC | EXTENSION


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 basic or extension table."""
    return _ALPHABET.issuperset(text)


def _fold_char(char: str) -> str:
    if char in BASIC or char in EXTENSION:
        return char
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    # á -> a, Ú -> U, ê -> e: drop the accent when the bare letter is GSM-7.
    bare = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    if bare and all(c in BASIC for c in bare):
        return bare
    return char


# Characters below this are kept once folded (Latin, Greek, Cyrillic, punctuation, arrows,
# dingbats: at most 10,240 entries); others are folded each time, so text a person sends
# cannot grow the table without bound.
_KEPT_BELOW = 0x2800


class _FoldTable(dict[int, str]):
    """`str.translate`'s table, filled on first sight of each character (every reply is
    folded: a loop in C instead of one in Python)."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if code < _KEPT_BELOW:
            self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """The text in GSM-7 when close forms exist for all its characters; unchanged otherwise.

    Folding only pays when the result is all GSM-7, so a text with, say, an emoji keeps its
    accents (it is UCS-2 either way).
    """
    folded = text.translate(_FOLD)
    return folded if is_gsm7(folded) else text


def septets(text: str) -> int:
    """GSM-7 length: extension characters count twice."""
    return len(text) + sum(map(text.count, EXTENSION))


def ucs2_units(text: str) -> int:
    """UCS-2/UTF-16 length: characters beyond the BMP (emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """How many SMS segments a text costs (an empty text still costs one)."""
    if is_gsm7(text):
        length, single, multi = septets(text), 160, 153
    else:
        length, single, multi = ucs2_units(text), 70, 67
    if length <= single:
        return 1
    return math.ceil(length / multi)
