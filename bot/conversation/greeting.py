"""The language of a first message, told by its first words ("hola", "hello", "bonjour",
"bonjou"); None when they tell none, or more than one."""

from __future__ import annotations

import re

from bot.core.text import normalize
from flows.keywords import GREETINGS

# A greeting counts among the first few words only: later words are the person's story.
FIRST_WORDS = 4
_WORD = re.compile(r"[a-z]+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalize(text).replace("'", " ")))


_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (lang, _words(phrase)) for lang, phrases in GREETINGS.items() for phrase in phrases
)


def greeting_language(text: str | None, available: tuple[str, ...]) -> str | None:
    """The one available language whose greeting the first words of `text` hold, or None."""
    if not text:
        return None
    words = _words(text[:200])
    found = set()
    for lang, phrase in _PHRASES:
        if lang not in available or not phrase:
            continue
        for start in range(min(FIRST_WORDS, len(words))):
            if words[start : start + len(phrase)] == phrase:
                found.add(lang)
                break
    return found.pop() if len(found) == 1 else None
