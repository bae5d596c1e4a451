"""Which WhatsApp templates Camino needs: one per kind of unprompted message and language.

Outside WhatsApp's 24-hour window only a pre-approved template may be sent, so every kind the
outbox sends on its own (notices, digests, reminders, talk back) needs one in every language.
"""

from __future__ import annotations

from bot.core.config import SUPPORTED_LANGUAGES

TEMPLATE_KINDS: tuple[str, ...] = ("notice", "digest", "reminder", "talkback")


def template_keys() -> list[str]:
    """`kind:language` for every template Camino needs, as CAMINO_WHATSAPP_TEMPLATES names them."""
    return [f"{kind}:{language}" for kind in TEMPLATE_KINDS for language in SUPPORTED_LANGUAGES]
