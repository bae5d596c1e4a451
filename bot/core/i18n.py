"""Translations (Babel/gettext catalogs in `locales/`) and locale-aware formatting."""

from __future__ import annotations

import gettext
import sys
from collections.abc import Callable
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.core.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES


def _locales() -> Path:
    """The catalogs: the repository's top-level locales/, or where a wheel installed them."""
    in_repository = Path(__file__).resolve().parents[2] / "locales"
    if in_repository.is_dir():
        return in_repository
    for prefix in (sys.prefix, sys.base_prefix):
        installed = Path(prefix) / "share" / "camino" / "locales"
        if installed.is_dir():
            return installed
    return in_repository


LOCALES = _locales()
DOMAIN = "messages"
# Babel has no Haitian Creole locale data: names of countries and months come from French.
FORMAT_FALLBACK = {"ht": "fr"}
MAX_ACCEPT_LANGUAGE = 40

Translate = Callable[[str], str]


def catalog_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def available_languages() -> tuple[str, ...]:
    """Supported languages whose catalog exists, in the order of SUPPORTED_LANGUAGES."""
    return tuple(lang for lang in SUPPORTED_LANGUAGES if catalog_path(lang).exists())


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog for a language (read from its .po once per process)."""
    path = catalog_path(language)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def translator(language: str | None) -> Translate:
    """`gettext` for a language; unknown languages fall back to the default."""
    lang = language if language in available_languages() else DEFAULT_LANGUAGE
    return translations(lang).gettext


def format_locale(language: str) -> str:
    return FORMAT_FALLBACK.get(language, language)


# Babel has no Haitian Creole names: French ones ("États-Unis") are not the reader's own words.
CREOLE_COUNTRY_NAMES = {
    "HN": "Ondiras", "GT": "Gwatemala", "SV": "Salvadò", "NI": "Nikaragwa", "US": "Etazini",
    "VE": "Venezyela", "HT": "Ayiti", "CU": "Kiba", "MX": "Meksik", "DO": "Repiblik Dominikèn",
    "BR": "Brezil", "CO": "Kolonbi", "CA": "Kanada", "CL": "Chili", "EC": "Ekwatè", "PE": "Pewou",
}  # fmt: skip


def country_name(code: str, language: str) -> str:
    """A country's name in the person's language (its code when Babel does not know it)."""
    if language == "ht" and code in CREOLE_COUNTRY_NAMES:
        return CREOLE_COUNTRY_NAMES[code]
    names = Locale.parse(format_locale(language)).territories
    return str(names.get(code, code))


def language_name(language: str) -> str:
    """A language's name in itself: what a person looks for in a language menu."""
    names = {"es": "Español", "en": "English", "fr": "Français", "ht": "Kreyòl ayisyen"}
    return names.get(language, language)


def format_day(value: date, language: str) -> str:
    """15 de marzo de 2026 / March 15, 2026."""
    return format_date(value, format="long", locale=format_locale(language))


def format_month(value: date, language: str) -> str:
    """marzo de 2026 / March 2026."""
    return format_skeleton("yMMMM", value, locale=format_locale(language))


def format_approx_date(
    precision: str | None, value: date | None, language: str, t: Translate
) -> str | None:
    """When something happened, never more exact than the person said it; None when unknown."""
    if precision == "day" and value is not None:
        return format_day(value, language)
    if precision == "week" and value is not None:
        # TRANSLATORS: a date known to within some days ("hace tres semanas").
        return t("hacia el {day}, aprox.").format(day=format_day(value, language))
    if precision == "month" and value is not None:
        return format_month(value, language)
    if precision == "year" and value is not None:
        return t("en {year}").format(year=value.year)
    if precision == "over_a_year":
        return t("Hace más de un año")
    return None


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
    found = Locale.negotiate(preferred, list(available_languages()), sep="_")
    return str(found) if found else None
