"""Drawing the web chat's pages: Jinja2 templates translated per request."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.channels.web.transcript import Entry
from bot.core import i18n, templating
from bot.core.config import DEFAULT_LANGUAGE

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

_env = templating.Templates(TEMPLATES)


def page_language(language: str | None) -> str:
    return language if language in i18n.available_languages() else DEFAULT_LANGUAGE


# The receipt's bubbles: kept in view (and printable) next to the newest question.
RECEIPT_KINDS = ("receipt", "pin")
RECEIPT_KEPT = 3


@dataclass(frozen=True)
class ChatView:
    """What the chat region shows: past bubbles, the current question, a notice, and the
    receipt of a report sent (its code; a PIN only on the page it is first shown on)."""

    history: list[Entry]
    current: Entry | None
    csrf: str
    notice: str | None = None
    receipt: tuple[Entry, ...] = ()


def chat_view(entries: list[Entry], csrf: str, notice: str | None = None) -> ChatView:
    """Split a transcript into history, the receipt, and the question waiting for an answer."""
    current = entries[-1] if entries and entries[-1].who == "bot" else None
    history = entries[:-1] if current is not None else list(entries)
    receipt = [entry for entry in history if entry.kind in RECEIPT_KINDS][-RECEIPT_KEPT:]
    kept = [entry for entry in history if not any(entry is shown for shown in receipt)]
    return ChatView(kept, current, csrf, notice, tuple(receipt))


def render(template: str, language: str | None, **context: Any) -> str:
    """Render a template with gettext for the person's language as `_`."""
    lang = page_language(language)
    t = i18n.translator(lang)
    return _env.get_template(template).render(_=t, lang=lang, **context)
