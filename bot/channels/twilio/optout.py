"""Opt-out and opt-in words: the carriers' (which Twilio also acts on) and the Spanish ones."""

from __future__ import annotations

import unicodedata
from typing import Literal

# Twilio opts a number out at the carrier level on these (single-word replies).
CARRIER_STOP = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
SPANISH_STOP = frozenset({"ALTO", "BAJA"})
# Twilio opts back in on START, UNSTOP and YES; INICIO is the Spanish word Camino announces.
OPT_IN = frozenset({"START", "UNSTOP", "YES", "INICIO"})

Word = Literal["carrier_stop", "stop", "start"]


def _normalize(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.strip().strip(".!¡?¿ \t\r\n").upper()


def classify(text: str | None) -> Word | None:
    """Whether a message is a single opt-out or opt-in word, and which kind."""
    if not text or len(text) > 40:
        return None
    word = _normalize(text)
    if word in CARRIER_STOP:
        return "carrier_stop"
    if word in SPANISH_STOP:
        return "stop"
    if word in OPT_IN:
        return "start"
    return None
