"""What families (and people with a half-finished report) are told unprompted, and when.

Pure: texts and times only. Notices are discreet by default: they name Camino and the short
reference the relative was given when subscribing, never the crime, names or places, and say that
Camino never asks for money (families of kidnapped migrants are extorted by phone). The details
are shown only when the person answers VER/SEE (`bot.conversation.modes.follow.SEE_WORDS`).
"""

from __future__ import annotations

from datetime import date

from bot.core import i18n
from flows.model import N_

# What each kind of notice says, in Spanish: the catalogs translate it when it is sent.
_TEXTS = {
    "notice": N_(
        "Camino, caso {ref}: hay una novedad. Responda VER para leerla. Camino nunca pide "
        "dinero: si alguien le pide dinero en nombre de Camino, no pague."
    ),
    "digest": N_(
        "Camino, caso {ref}: el caso sigue abierto. El último cambio fue el {day}. Responda "
        "VER para ver el historial. Camino nunca pide dinero."
    ),
    "reminder": N_(
        "Camino: tiene una conversación sin terminar. Escriba «menú» para continuar. Si no, "
        "se borrará en {days} días. Camino nunca pide dinero."
    ),
}
NOTICE_KINDS = tuple(_TEXTS)


def _text(kind: str, language: str, **values: object) -> str:
    return i18n.translator(language)(_TEXTS[kind]).format(**values)


def notice_text(language: str, reference: str) -> str:
    """A family-visible event happened: no detail, just where to look."""
    return _text("notice", language, ref=reference)


def digest_text(language: str, reference: str, last_moved: date) -> str:
    """Silence is not abandonment: the case is still open, and when it last moved."""
    return _text("digest", language, ref=reference, day=i18n.format_day(last_moved, language))


def reminder_text(language: str, days_left: int) -> str:
    """One gentle reminder of a half-finished report, without saying what it is about."""
    return _text("reminder", language, days=days_left)


def template_variables(kind: str, reference: str) -> dict[str, str]:
    """What a pre-approved WhatsApp template is filled with: only the short reference."""
    return {"1": reference} if kind in ("notice", "digest") else {}
