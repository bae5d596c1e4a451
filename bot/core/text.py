"""Text as people type it: normalised for comparison, and case codes read back.

Pure and dependency-free, shared by every layer: the conversation compares typed words with
`normalize`, and a case code typed or carried by a link is read with `normalize_case_code`.
"""

from __future__ import annotations

import unicodedata

# No 0/O, 1/I/L, U: a code read aloud over a bad phone line survives.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12

# Surrounding characters to drop: punctuation, symbols (emoji too), separators and controls.
_STRIP_CATEGORIES = ("P", "S", "Z", "C")


def _fold(text: str) -> str:
    """Casefold and strip combining marks once (NFKD before and after casefold)."""
    text = unicodedata.normalize("NFKD", text).casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(
        ch for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch) != "Mn"
    )


def _strippable(ch: str) -> bool:
    """Whether a character may be stripped from either end of a normalized text."""
    return ch.isspace() or unicodedata.category(ch)[0] in _STRIP_CATEGORIES


def normalize(text: str) -> str:
    """Casefold, drop accents, collapse whitespace and strip surrounding punctuation."""
    folded = text
    # A few characters only settle after a second pass (NFKD can yield uppercase, e.g. "ℌ").
    for _ in range(4):
        again = _fold(folded)
        if again == folded:
            break
        folded = again
    folded = " ".join(folded.split())
    start, end = 0, len(folded)
    while start < end and _strippable(folded[start]):
        start += 1
    while end > start and _strippable(folded[end - 1]):
        end -= 1
    return folded[start:end]


def normalize_case_code(text: str) -> str | None:
    """A typed code back to its canonical form, forgiving case, spaces and dashes."""
    cleaned = "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned
