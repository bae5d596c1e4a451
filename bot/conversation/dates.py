"""When something happened, from what a person types, at the precision the person knows it: a
day, a week ("hace tres semanas"), a month, a year, more than a year ago, or not known.

Pure like the other parsers (dateparser reads the words; "now" is given); never raises.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from bot.conversation.parsers import MAX_PARSED_TEXT, NUMBER_WORDS_BY_LANGUAGE, words_key
from bot.core.text import normalize

Precision = Literal["day", "week", "month", "year", "over_a_year", "unknown"]
PRECISIONS: tuple[Precision, ...] = ("day", "week", "month", "year", "over_a_year", "unknown")
# Older than this is a typo or a birth date, not when the facts happened.
OLDEST_YEARS = 50


@dataclass(frozen=True)
class ApproxDate:
    """When something happened, as precisely as the person knows it."""

    precision: Precision
    # The day for "day"; the day it was about for "week" ("hace 3 semanas": give or take days);
    # the 1st of the month for "month"; 1 January for "year"; None otherwise.
    value: date | None


_UNKNOWN_DATE = frozenset(
    {
        # es
        "no se", "nose", "no lo se", "no se cuando", "no recuerdo", "no me acuerdo", "ni idea",
        "desconocido", "no estoy seguro", "no estoy segura",
        # en
        "don t know", "dont know", "i don t know", "i dont know", "idk", "unknown", "not sure",
        "i m not sure", "i don t remember", "i dont remember",
        # fr
        "je ne sais pas", "je sais pas", "sais pas", "inconnu", "je ne me souviens pas",
        "je ne sais plus",
        # ht
        "m pa konnen", "mwen pa konnen", "pa konnen", "m pa konn", "m pa sonje",
        "mwen pa sonje",
    }
)  # fmt: skip
_OVER_A_YEAR = re.compile(
    r"\b(?:mas de|more than|over|plus d|plus de|plis pase|plis ke)\s+(?:\w+\s+)?"
    r"(?:ano|anos|year|years|an|ans|annee|annees|ane|lane)\b"
    r"|\bhace (?:muchos )?anos\b|\b(?:many )?years ago\b|\bil y a (?:des|plusieurs) annees\b"
)
# dateparser's Spanish data has no number words ("hace dos semanas"), so digits stand in.
_SPANISH_NUMBERS = {
    word: str(value) for word, value in NUMBER_WORDS_BY_LANGUAGE["es"].items() if value >= 2
}
# dateparser knows no Haitian Creole: its date words become French, which dateparser reads.
_CREOLE_DATE_PHRASES = (
    ("semen pase", "il y a 1 semaine"),
    ("mwa pase", "il y a 1 mois"),
    ("jodi a", "aujourd'hui"),
    ("sa gen", "il y a"),
    ("gen", "il y a"),
)
_CREOLE_DATE_WORDS = {
    "ye": "hier",
    "avanye": "avant-hier",
    "jou": "jours",
    "semen": "semaines",
    "mwa": "mois",
    "janvye": "janvier",
    "fevriye": "fevrier",
    "mas": "mars",
    "avril": "avril",
    "me": "mai",
    "jen": "juin",
    "jiye": "juillet",
    "out": "aout",
    "septanm": "septembre",
    "oktob": "octobre",
    "novanm": "novembre",
    "desanm": "decembre",
    "de": "2",
    "twa": "3",
    "kat": "4",
    "senk": "5",
    "sis": "6",
    "set": "7",
    "uit": "8",
    "nef": "9",
    "dis": "10",
    "pase": "",
    "la": "",
}


def _creole_to_french(text: str) -> str:
    """Normalized Creole date words ("sa gen de semen", "15 mas") as French."""
    for phrase, french in _CREOLE_DATE_PHRASES:
        text = re.sub(rf"\b{phrase}\b", french, text)
    return " ".join(filter(None, (_CREOLE_DATE_WORDS.get(w, w) for w in text.split(" "))))


def _date_languages(lang: str) -> list[str]:
    """The dateparser languages to try, the person's own first."""
    # dateparser has no Haitian Creole; French is the closest it knows.
    first = ["fr", "en"] if lang == "ht" else [lang]
    return list(dict.fromkeys([*first, "es", "en"]))


def _date_settings(now: datetime, lenient: bool) -> dict[str, Any]:
    """dateparser settings anchored on ``now``."""
    return {
        "RELATIVE_BASE": now,
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "IGNORE_SURROUNDING_TEXT": lenient,
    }


def _run_dateparser(
    text: str, language: str, now: datetime, lenient: bool
) -> tuple[datetime, str] | None:
    """One dateparser attempt: (datetime, period), or None; swallows its odd exceptions."""
    # dateparser and its language data are loaded on the first date to read, not at start-up.
    from dateparser.date import DateDataParser

    try:
        data = DateDataParser(
            languages=[language], settings=_date_settings(now, lenient)
        ).get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input; none of them matter
        return None
    if data.date_obj is None or data.period is None:
        return None
    parts = set(getattr(data, "parts", ()))
    # A bare day is noise more often than a date ("a" reads as the 1st, "a las 5" as the 5th).
    if not parts & {"month", "year"}:
        return None
    # Ignoring surrounding words finds months in words ("cerca del mar", "I may be wrong").
    if lenient and not ("month" in parts and parts & {"day", "year"}):
        return None
    return data.date_obj.replace(tzinfo=None), str(data.period)


def _classify(parsed: datetime, period: str, now: datetime) -> ApproxDate | None:
    """Turn a dateparser result into an ApproxDate at the precision the words had."""
    day = parsed.date()
    if day > now.date() or day.year < now.year - OLDEST_YEARS:
        return None
    if period == "week":  # "hace tres semanas", "la semana pasada": a week, not a day
        return ApproxDate("week", day)
    if period in ("month", "quarter"):
        return ApproxDate("month", day.replace(day=1))
    if period == "year":  # "2025", "el año pasado"
        return ApproxDate("year", date(day.year, 1, 1))
    return ApproxDate("day", day)


# Words people use that the date parser does not know: said the way it understands them.
_COLLOQUIAL = (
    (re.compile(r"\banoche\b"), "ayer"),
    (re.compile(r"\b(?:antier|antenoche|antes de ayer)\b"), "anteayer"),
    (re.compile(r"\blast night\b"), "yesterday"),
    (re.compile(r"\bhier soir\b"), "hier"),
    # "hace como 2 semanas", "about two weeks ago": roughly is how most dates are known.
    (
        re.compile(
            r"\b(?:como|unos|unas|mas o menos|aproximadamente|aprox|about|around|environ)\b"
        ),
        "",
    ),
)
# "el 28": a day of this month, or of the last one when that day has not come yet. A bare "28"
# stays refused: it may be an option number typed by mistake.
_DAY_ONLY = re.compile(r"^(?:el |le |the |el dia |dia |jou )(\d{1,2})(?:st|nd|rd|th)?$")


def _colloquial(base: str) -> str:
    for pattern, said in _COLLOQUIAL:
        base = pattern.sub(said, base)
    return " ".join(base.split())


def _day_only(base: str, now: datetime) -> ApproxDate | None:
    found = _DAY_ONLY.match(base)
    if found is None:
        return None
    day = int(found.group(1))
    month = now.date().replace(day=1)
    if day > now.day:
        month = (month - timedelta(days=1)).replace(day=1)
    if not 1 <= day <= calendar.monthrange(month.year, month.month)[1]:
        return None
    return ApproxDate("day", month.replace(day=day))


def parse_approx_date(text: str, lang: str, now: datetime) -> ApproxDate | None:
    """When it happened, at the precision of what the person typed; None: ask again."""
    key = words_key(text)
    if not key:
        return None
    if key in _UNKNOWN_DATE:
        return ApproxDate("unknown", None)
    if _OVER_A_YEAR.search(key):
        return ApproxDate("over_a_year", None)
    if len(text) > MAX_PARSED_TEXT:
        return None
    now = now.replace(tzinfo=None)  # an aware clock is read by its wall-clock time
    base = _colloquial(normalize(text))
    if not base:
        return None
    if _DAY_ONLY.match(base):  # "el 28"; "the 32" is no year 1932
        return _day_only(base, now)
    digits = " ".join(_SPANISH_NUMBERS.get(word, word) for word in base.split(" "))
    candidates = list(dict.fromkeys([base, digits]))
    if lang == "ht":
        candidates.insert(0, _creole_to_french(base))
    languages = _date_languages(lang)
    # Whole-text readings in every language first; then the person's own language may ignore
    # words around the date ("fue el 15 de marzo"), never a fallback language.
    attempts = [(c, language, False) for c in candidates for language in languages]
    attempts += [(c, languages[0], True) for c in candidates]
    for candidate, language, lenient in attempts:
        result = _run_dateparser(candidate, language, now, lenient)
        if result is not None:
            return _classify(*result, now)
    return None
