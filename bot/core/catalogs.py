"""Keep the gettext catalogs in step with the code: `python -m bot.core.catalogs` (`make i18n`).

Extracts every message marked with `t(...)`, `_()` or `N_()` into `locales/messages.pot`,
updates each language's `.po` (new messages arrive empty, for a translator to fill) and fills
the Spanish catalog from the source, since Spanish is the source language.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.core.config import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from bot.core.i18n import LOCALES, catalog_path

ROOT = LOCALES.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "t": None, "N_": None}
METHODS = [
    ("bot/**/templates/**.html", "jinja2"),
    ("bot/migrations/**", "ignore"),
    ("bot/**.py", "python"),
    ("flows/**.py", "python"),
    ("webhook.py", "python"),
]
OPTIONS = {"bot/**/templates/**.html": {"extensions": "jinja2.ext.do", "trimmed": "true"}}


def extract() -> Catalog:
    """Every translatable message in the code, as a template catalog."""
    template = Catalog(project="Camino", version="0.1", fuzzy=False)
    for filename, _lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        METHODS,
        OPTIONS,
        KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        template.add(message, None, [(filename, 0)], auto_comments=comments, context=context)
    return template


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(
            handle,
            catalog,
            width=100,
            no_location=True,
            sort_output=True,
            omit_header=False,
            ignore_obsolete=True,
        )


def update_all(languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> list[str]:
    """Rewrite the template and every existing catalog; returns the languages updated."""
    template = extract()
    write(template, LOCALES / "messages.pot")
    updated = []
    for lang in languages:
        path = catalog_path(lang)
        if not path.exists() and lang != DEFAULT_LANGUAGE:
            continue
        catalog = read(path, lang) if path.exists() else Catalog(locale=lang, project="Camino")
        # A copy each: Catalog.update shares the template's message objects with the catalog,
        # so filling Spanish from the source would otherwise leak into every later language.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        if lang == DEFAULT_LANGUAGE:
            for message in catalog:
                if message.id:
                    message.string = message.id
                    message.flags.discard("fuzzy")
        write(catalog, path)
        updated.append(lang)
    return updated


if __name__ == "__main__":
    done = update_all(tuple(sys.argv[1:]) or SUPPORTED_LANGUAGES)
    print("catalogs updated:", ", ".join(done))
