"""Drawing the web chat's pages: Jinja2 templates translated per request, language negotiation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.channels.web.transcript import Entry
from bot.core import i18n
from bot.core.config import DEFAULT_LANGUAGE

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
MAX_ACCEPT_LANGUAGE = 40

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags of an Accept-Language header, most preferred first (q=0 dropped)."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:MAX_ACCEPT_LANGUAGE]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        if not all(piece.isalnum() and piece.isascii() for piece in tag.split("-")):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if 0.0 < quality <= 1.0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate_language(header: str | None) -> str | None:
    """The best supported language for an Accept-Language header, or None."""
    preferred = [tag.replace("-", "_") for tag in parse_accept_language(header)]
    if not preferred:
        return None
    found = Locale.negotiate(preferred, list(i18n.available_languages()), sep="_")
    return str(found) if found else None


def page_language(language: str | None) -> str:
    return language if language in i18n.available_languages() else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class ChatView:
    """What the chat region shows: past bubbles, the current question, a notice."""

    history: list[Entry]
    current: Entry | None
    csrf: str
    notice: str | None = None


def chat_view(entries: list[Entry], csrf: str, notice: str | None = None) -> ChatView:
    """Split a transcript into history and the question waiting for an answer."""
    current = entries[-1] if entries and entries[-1].who == "bot" else None
    history = entries[:-1] if current is not None else list(entries)
    return ChatView(history=history, current=current, csrf=csrf, notice=notice)


def render(template: str, language: str | None, **context: Any) -> str:
    """Render a template with gettext for the person's language as `_`."""
    lang = page_language(language)
    t = i18n.translator(lang)
    return _env.get_template(template).render(_=t, lang=lang, **context)
