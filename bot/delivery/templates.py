"""WhatsApp templates: one per kind of unprompted message and language, and which SID to use.

Outside WhatsApp's 24-hour window only a pre-approved template may be sent, so every kind the
outbox sends on its own (notices, digests, reminders, talk back) needs one in every language.
`camino whatsapp templates sync` makes them from the texts below (the gettext catalogs) and
stores their Content SIDs and WhatsApp's verdict; `CAMINO_WHATSAPP_TEMPLATES` overrides them.
Like the notices themselves, they name no crime, person or place: only the case reference (or,
for on-call alerts to staff, the case page's link).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.config import SUPPORTED_LANGUAGES
from bot.store.models import WhatsappTemplate
from flows.model import N_

TEMPLATE_KINDS: tuple[str, ...] = ("notice", "digest", "reminder", "talkback", "alert", "alert_new")
# On-call alerts to staff (bot.alerts): the kind of report and the case page's link, nothing else.
URGENT_ALERT = N_("Camino: nuevo reporte urgente. Ábralo en el panel:")
NEW_ALERT = N_("Camino: nuevo reporte. Ábralo en el panel:")
# What WhatsApp's reviewers see in place of an alert's {{1}} (a made-up case page).
SAMPLE_LINK = "https://camino.example.org/dashboard/cases/0f3a9c2e7b1d4e6f8a0b2c4d6e8f0a1b"
# WhatsApp has no Haitian Creole template language: Haitian Creole speakers get the French
# template (Haiti's other official language) when outside the window; what follows is Creole.
WHATSAPP_LANGUAGE = {"ht": "fr"}
# WhatsApp's placeholder for the first variable: the reference a relative was given.
REFERENCE = "{{1}}"
# What WhatsApp's reviewers see in place of {{1}} (a made-up reference).
SAMPLE_REFERENCE = "K7P4"


def template_keys() -> list[str]:
    """`kind:language` for every template Camino needs, as CAMINO_WHATSAPP_TEMPLATES names them."""
    return [f"{kind}:{language}" for kind in TEMPLATE_KINDS for language in SUPPORTED_LANGUAGES]


def whatsapp_language(language: str) -> str:
    """The language of the template a person writing in `language` gets."""
    return WHATSAPP_LANGUAGE.get(language, language)


def template_body(kind: str, language: str) -> str:
    """The template's text in a language; notices and digests carry the reference as {{1}}."""
    t = i18n.translator(whatsapp_language(language))
    if kind == "notice":  # the same words as the notice itself (bot.follow.notices)
        return t(
            "Camino, caso {ref}: hay una novedad. Responda VER para leerla. Camino nunca pide "
            "dinero: si alguien le pide dinero en nombre de Camino, no pague."
        ).format(ref=REFERENCE)
    if kind == "digest":
        return t(
            "Camino, caso {ref}: el caso sigue abierto. Responda VER para ver el historial. "
            "Camino nunca pide dinero."
        ).format(ref=REFERENCE)
    if kind == "reminder":
        return t(
            "Camino: tiene una conversación sin terminar. Escriba «menú» para continuar. "
            "Camino nunca pide dinero."
        )
    if kind in ("alert", "alert_new"):
        words = URGENT_ALERT if kind == "alert" else NEW_ALERT
        return t(words) + " " + REFERENCE
    if kind == "talkback":
        return t(
            "Camino: la organización que lleva su caso quiere hablar con usted. Escríbanos "
            "aquí para continuar. Camino nunca pide dinero."
        )
    raise ValueError(f"no WhatsApp template for {kind!r}")


def sample_variables(kind: str) -> dict[str, str]:
    """Example values of the template's variables (the Content API asks for them)."""
    if kind in ("alert", "alert_new"):
        return {"1": SAMPLE_LINK}
    return {"1": SAMPLE_REFERENCE} if kind in ("notice", "digest") else {}


def body_hash(body: str) -> str:
    """A short fingerprint of a template's text, to notice when a text changed."""
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def stored_sids(db: Session, *, approved_only: bool) -> dict[str, str]:
    """`kind:language` -> Content SID of the stored templates.

    With `approved_only`, the SID the outbox may send: the template if WhatsApp approved it,
    else the previous approved one while a changed text waits for approval.
    """
    found: dict[str, str] = {}
    for row in db.scalars(select(WhatsappTemplate)):
        key = f"{row.kind}:{row.language}"
        if not approved_only or row.status == "approved":
            found[key] = row.content_sid
        elif row.fallback_sid:
            found[key] = row.fallback_sid
    return found


def templates_in_use(db: Session, override: Mapping[str, str]) -> dict[str, str]:
    """The SIDs the outbox sends: the stored approved ones, CAMINO_WHATSAPP_TEMPLATES first."""
    return {**stored_sids(db, approved_only=True), **override}
