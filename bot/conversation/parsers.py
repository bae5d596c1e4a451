"""Pure parsers for what a person types into the chat.

Everything here turns free text (any language the bot speaks: es, en, fr, ht; any case, accents or
none, typos) into the coded values the conversation engine stores: choice codes, booleans,
numbers, approximate dates, ISO 3166 countries, ISO 3166-2:MX states and E.164 phone numbers.
Parsers never raise and never do I/O; a ``None`` answer means "ask again".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import babel
import phonenumbers
import pycountry

from bot.core.geography import MX_STATES, mx_subdivisions
from bot.core.i18n import CREOLE_COUNTRY_NAMES
from bot.core.text import normalize

__all__ = [
    "MX_STATES",
    "close_enough",
    "match_choice",
    "match_choices",
    "normalize",
    "parse_country",
    "parse_mx_state",
    "parse_number",
    "parse_phone",
    "parse_yes_no",
]

# ---------------------------------------------------------------------------------------------
# Text normalization and fuzzy comparison
# ---------------------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")


def words_key(text: str) -> str:
    """Normalize and turn inner punctuation into single spaces ("EE.UU." -> "ee uu")."""
    return " ".join(_NON_WORD.split(normalize(text))).strip()


def _compact(text: str) -> str:
    """Normalize and drop everything but letters and digits ("Q. Roo" -> "qroo")."""
    return _NON_WORD.sub("", normalize(text))


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), or limit + 1 once beyond it."""
    # A common prefix or suffix never costs an edit: only compare what lies between.
    shortest = min(len(a), len(b))
    start = 0
    while start < shortest and a[start] == b[start]:
        start += 1
    end = 0
    while end < shortest - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    over = limit + 1  # cells further than ``limit`` off the diagonal cost more than that
    if abs(len(a) - len(b)) > limit:
        return over
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [over] * (len(b) + 1)
        cur[0] = best = i
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            cell = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]), over)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cell = min(cell, prev2[j - 2] + 1)
            cur[j] = cell
            best = min(best, cell)
        # Row minimums never decrease, so a row entirely over the limit settles it.
        if best > limit:
            return over
        prev2, prev = prev, cur
    return prev[len(b)]


def close_enough(typed: str, label: str) -> bool:
    """Whether normalized ``typed`` is ``label`` or one typo away from a 5+ letter label."""
    if typed == label:
        return True
    # Short words are too easy to confuse ("sin" / "son"), and a length gap > 1 is > 1 edit.
    if len(label) < 5 or abs(len(typed) - len(label)) > 1:
        return False
    # One edit cannot change both ends of a word this long: a cheap test before the real one.
    if typed[:1] != label[:1] and typed[-1:] != label[-1:]:
        return False
    return _osa_distance(typed, label, limit=1) <= 1


def _letters(text: str) -> int:
    """Count the letters in a text."""
    return sum(1 for ch in text if ch.isalpha())


# ---------------------------------------------------------------------------------------------
# Choices
# ---------------------------------------------------------------------------------------------

_MAX_DIGITS = 9  # larger numbers are never an option, a count or a day; and int() has limits


def _small_int(digits: str) -> int | None:
    """Turn a run of digits (maybe with a minus) into an int, or None when absurdly long."""
    sign, digits = ("-", digits[1:]) if digits.startswith("-") else ("", digits)
    digits = digits.lstrip("0") or "0"
    return int(sign + digits) if len(digits) <= _MAX_DIGITS else None


def _unique(codes: Iterable[str]) -> tuple[bool, str | None]:
    """(found anything, the code when exactly one distinct code was found)."""
    distinct = list(dict.fromkeys(codes))
    return bool(distinct), distinct[0] if len(distinct) == 1 else None


def _is_word_sequence(typed: str, label: str) -> bool:
    """Whether ``typed`` is one or more whole consecutive words of a multi-word ``label``."""
    words, part = label.split(), typed.split()
    if len(words) < 2 or not part or len(part) >= len(words):
        return False
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


@lru_cache(maxsize=4096)
def _label(label: str) -> str:
    """An option's label as typed text is compared with it (the same few hundred every time)."""
    return normalize(label)


def match_choice(text: str, options: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """The code of the option the text picks (by number, label or near label), else None."""
    typed = normalize(text)
    if not typed:
        return None
    if typed.isdecimal():
        number = _small_int(typed)
        if number is not None and 1 <= number <= len(options):
            return options[number - 1][0]
    labelled = [(code, [_label(label) for label in labels]) for code, labels in options]
    tiers: tuple[Callable[[str], bool], ...] = (
        lambda label: typed == label,
        lambda label: close_enough(typed, label),
        # Partial answers only from 4 letters on: "de" or "la" must not pick an option.
        lambda label: (
            _letters(typed) >= 4 and (label.startswith(typed) or _is_word_sequence(typed, label))
        ),
    )
    for matches in tiers:
        found, code = _unique(
            code for code, labels in labelled if any(matches(label) for label in labels)
        )
        if found:
            # Two options matching equally well is ambiguous: better to ask again.
            return code
    return None


_CHOICE_SEPARATORS = re.compile(r"[,;/\n\r&]+|\s+(?:y|and|et|ak)\s+")
# Numbers need a separator between them, so this cannot backtrack exponentially on "1111...x".
_NUMBER_LIST = re.compile(r"\d+(?:[.)]?\s+\d+)*[.)]?")


def match_choices(text: str, options: Sequence[tuple[str, Sequence[str]]]) -> list[str] | None:
    """Several options at once ("1, 3 y 5", "secuestro y extorsión"), in display order."""
    whole = match_choice(text, options)
    if whole is not None:
        # A single label may itself contain a separator word ("robo y asalto").
        return [whole]
    picked: list[str] = []
    for raw_part in _CHOICE_SEPARATORS.split(text.casefold()):
        part = raw_part.strip()
        if not normalize(part):
            continue
        pieces = re.findall(r"\d+", part) if _NUMBER_LIST.fullmatch(part) else [part]
        for piece in pieces:
            code = match_choice(piece, options)
            if code is None:
                return None
            picked.append(code)
    if not picked:
        return None
    order = {code: index for index, (code, _) in reversed(list(enumerate(options)))}
    return sorted(dict.fromkeys(picked), key=order.__getitem__)


# ---------------------------------------------------------------------------------------------
# Yes / no
# ---------------------------------------------------------------------------------------------

_YES = frozenset(
    {
        # es
        "si", "s", "claro", "claro que si", "por supuesto", "de acuerdo", "vale", "dale", "sip",
        # en
        "yes", "y", "yeah", "yep", "yup", "ok", "okay", "okey", "sure", "of course",
        # fr
        "oui", "o", "ouais", "d accord", "bien sur",
        # ht
        "wi", "we", "dako",
    }
)  # fmt: skip
_NO = frozenset(
    {
        # es
        "no", "n", "nop", "nel", "no gracias",
        # en
        "nope", "nah", "no thanks",
        # fr
        "non", "non merci",
        # ht
        "pa", "non mesi",
    }
)  # fmt: skip
# A thumb or a check mark answers alone (with a skin tone or variation selector at most).
_THUMBS = {"👍": True, "👎": False, "✅": True, "✔": True, "☑": True, "❌": False, "✖": False}
_EMOJI_MODIFIERS = frozenset("\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")


def parse_yes_no(text: str) -> bool | None:
    """True for yes, False for no (es/en/fr/ht, any case or accent), None otherwise."""
    # Invisible format marks (RTL/LTR marks keyboards add, zero-width spaces) say nothing.
    stripped = "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()
    if stripped[:1] in _THUMBS and all(ch in _EMOJI_MODIFIERS for ch in stripped[1:]):
        return _THUMBS[stripped[:1]]
    key = words_key(text)
    # Chat spelling stretches words: "siii", "nooo", "okkk".
    for candidate in (key, re.sub(r"(.)\1+", r"\1", key)):
        if candidate in _YES:
            return True
        if candidate in _NO:
            return False
    return None


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

NUMBER_WORDS_BY_LANGUAGE: dict[str, dict[str, int]] = {
    "es": {
        "cero": 0, "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
        "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12,
        "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17,
        "dieciocho": 18, "diecinueve": 19, "veinte": 20,
    },
    "en": {
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
        "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
        "nineteen": 19, "twenty": 20,
    },
    # Accents are already gone and "dix-sept" arrives as two words.
    "fr": {
        "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
        "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
        "quatorze": 14, "quinze": 15, "seize": 16, "dix sept": 17, "dix huit": 18,
        "dix neuf": 19, "vingt": 20,
    },
    "ht": {
        "zewo": 0, "youn": 1, "yon": 1, "en": 1, "de": 2, "twa": 3, "kat": 4, "senk": 5,
        "sis": 6, "set": 7, "uit": 8, "nef": 9, "dis": 10, "onz": 11, "douz": 12, "trez": 13,
        "katoz": 14, "kenz": 15, "sez": 16, "diset": 17, "dizuit": 18, "diznef": 19, "ven": 20,
    },
}  # fmt: skip
_NUMBER_WORDS = {
    word: value for words in NUMBER_WORDS_BY_LANGUAGE.values() for word, value in words.items()
}
# Articles and prepositions that are also numbers: they count only when nothing else does.
_WEAK_NUMBER_WORDS = frozenset({"un", "una", "une", "yon", "en", "de"})
_LONGEST_NUMBER_WORDS = max(len(key.split()) for key in _NUMBER_WORDS)


def _number_words(key: str) -> tuple[list[int], list[int]]:
    """(strong, weak) number words found in a ``words_key`` key, longest phrases first."""
    tokens = key.split()
    strong: list[int] = []
    weak: list[int] = []
    i = 0
    while i < len(tokens):
        for size in range(_LONGEST_NUMBER_WORDS, 0, -1):
            phrase = " ".join(tokens[i : i + size])
            if phrase in _NUMBER_WORDS:
                (weak if phrase in _WEAK_NUMBER_WORDS else strong).append(_NUMBER_WORDS[phrase])
                i += size
                break
        else:
            i += 1
    return strong, weak


def parse_number(text: str, minimum: int = 0, maximum: int = 1000) -> int | None:
    """A whole number from digits or number words 0-20 ("3 personas", "unas 5", "deux")."""
    key = words_key(text)
    # A minus sign stays attached so that "-3" is out of range instead of 3.
    runs = re.findall(r"-?\d+", unicodedata.normalize("NFKC", text))
    if runs:
        values = {_small_int(run) for run in runs}
    else:
        strong, weak = _number_words(key)
        values = set(strong or weak)
    if len(values) != 1:
        return None  # nothing, or "3 o 4": ask again rather than guess
    value = values.pop()
    if value is None or not minimum <= value <= maximum:
        return None
    return value


MAX_PARSED_TEXT = 200  # a longer message is not a date or a place answer


# ---------------------------------------------------------------------------------------------
# Countries
# ---------------------------------------------------------------------------------------------

_COUNTRY_ALIASES: dict[str, str] = {
    "EEUU": "US", "EE.UU.": "US", "EE UU": "US", "Estados Unidos": "US", "USA": "US", "US": "US",
    "U.S.": "US", "U.S.A.": "US", "EU": "US", "Estados Unidos de America": "US",
    "United States of America": "US", "UK": "GB", "Salvador": "SV", "Republica Dominicana": "DO",
    # ht names Babel does not have
    "Dominikani": "DO",
    **{name: code for code, name in CREOLE_COUNTRY_NAMES.items()},
}  # fmt: skip
_BABEL_LANGUAGES = ("es", "en", "fr")


def _own_locales(lang: str) -> tuple[str, ...]:
    """Babel locales whose territory names are the person's own; none for an unknown lang."""
    if lang == "ht":
        return ("fr", "en")  # Babel has no Haitian Creole territory names
    try:
        return (str(babel.Locale.parse(lang)),)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return ()


@lru_cache(maxsize=16)
def _babel_territories(locale: str) -> dict[str, str]:
    """Babel's territory names for a known locale."""
    return dict(babel.Locale.parse(locale).territories)


class _Names:
    """Place names under their compact keys, bucketed by length for near matches."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        exact: dict[str, set[str]] = {}
        for name, code in pairs:
            key = _compact(name)
            if key:
                exact.setdefault(key, set()).add(code)
        self.exact = {key: sorted(codes) for key, codes in exact.items()}
        self.by_length: dict[int, list[tuple[str, list[str]]]] = {}
        for key, codes in self.exact.items():
            self.by_length.setdefault(len(key), []).append((key, codes))

    def codes(self, typed: str) -> list[str]:
        """Codes of the name that is exactly ``typed``."""
        return self.exact.get(typed, [])

    def near_codes(self, typed: str) -> list[str]:
        """Codes of every name ``close_enough`` to ``typed``."""
        size = len(typed)
        return sorted(
            {
                code
                for length in (size - 1, size, size + 1)
                for key, codes in self.by_length.get(length, ())
                if close_enough(typed, key)
                for code in codes
            }
        )


@lru_cache(maxsize=16)
def _country_indexes(own_locales: tuple[str, ...]) -> tuple[_Names, _Names]:
    """(names in the person's language + ISO/English names + aliases, other languages' names)."""
    real = {country.alpha_2 for country in pycountry.countries}
    own: list[tuple[str, str]] = list(_COUNTRY_ALIASES.items())
    other: list[tuple[str, str]] = []
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if isinstance(name, str):
                own.append((name, country.alpha_2))
    for locale in dict.fromkeys([*own_locales, *_BABEL_LANGUAGES]):
        target = own if locale in own_locales else other
        for code, name in _babel_territories(locale).items():
            if code in real:  # leave out regions ("001") and groupings ("EU", "EZ", "UN")
                target.append((name, code))
    return _Names(own), _Names(other)


def _lookup(typed: str, indexes: Sequence[_Names], fuzzy: bool) -> str | None:
    """Exact matches in each index in turn, then (if ``fuzzy``) near matches; unique only."""
    if not typed:
        return None
    for index in indexes:
        found, code = _unique(index.codes(typed))
        if found:
            return code
    if fuzzy:
        for index in indexes:
            found, code = _unique(index.near_codes(typed))
            if found:
                return code
    return None


_PLACE_PARTS = re.compile(r"[,;/()\n]+")


def _parse_place(text: str, parse_whole: Callable[[str], str | None]) -> str | None:
    """Parse a whole answer, else the one part of "Tapachula, Chiapas" that parses."""
    whole: str | None = parse_whole(text)
    if whole is not None:
        return whole
    parts = [p for p in _PLACE_PARTS.split(text) if p.strip()]
    if len(parts) < 2:
        return None
    _, code = _unique(c for c in (parse_whole(p) for p in parts) if c is not None)
    return code


def _parse_country_whole(text: str, lang: str) -> str | None:
    """parse_country for one piece of text."""
    stripped = text.strip(" \t\r\n.,;:!?¿¡\"'()")
    # Codes count only as typed in capitals ("no", "es", "and" are words), and never "NO"/"SI".
    if (
        stripped.isascii()
        and stripped.isupper()
        and len(stripped) in (2, 3)
        and parse_yes_no(stripped) is None
    ):
        if len(stripped) == 2:
            country = pycountry.countries.get(alpha_2=stripped)
        else:
            country = pycountry.countries.get(alpha_3=stripped)
        if country is not None:
            return str(country.alpha_2)
    own, other = _country_indexes(_own_locales(lang))
    return _lookup(_compact(text), (own, other), fuzzy=True)


def parse_country(text: str, lang: str) -> str | None:
    """An ISO 3166-1 alpha-2 code from a country name, alias or code, else None."""
    if len(text) > MAX_PARSED_TEXT:
        return None
    return _parse_place(text, lambda part: _parse_country_whole(part, lang))


# ---------------------------------------------------------------------------------------------
# Mexican states
# ---------------------------------------------------------------------------------------------

_STATE_ALIASES: dict[str, str] = {
    "Distrito Federal": "MX-CMX", "Ciudad de Mexico": "MX-CMX", "Mexico City": "MX-CMX",
    "Edo de Mexico": "MX-MEX", "Estado de Mex": "MX-MEX", "Baja California Norte": "MX-BCN",
    "San Luis": "MX-SLP",
}  # fmt: skip
_STATE_ABBREVIATIONS: dict[str, str] = {
    "ags": "MX-AGU", "bc": "MX-BCN", "bcn": "MX-BCN", "bcs": "MX-BCS", "camp": "MX-CAM",
    "chis": "MX-CHP", "chih": "MX-CHH", "cdmx": "MX-CMX", "df": "MX-CMX", "coah": "MX-COA",
    "col": "MX-COL", "dgo": "MX-DUR", "edomex": "MX-MEX", "edomx": "MX-MEX", "gto": "MX-GUA",
    "gro": "MX-GRO", "hgo": "MX-HID", "jal": "MX-JAL", "mich": "MX-MIC", "mor": "MX-MOR",
    "nay": "MX-NAY", "nl": "MX-NLE", "oax": "MX-OAX", "pue": "MX-PUE", "qro": "MX-QUE",
    "qroo": "MX-ROO", "sin": "MX-SIN", "slp": "MX-SLP", "son": "MX-SON", "tab": "MX-TAB",
    "tamps": "MX-TAM", "tlax": "MX-TLA", "ver": "MX-VER", "yuc": "MX-YUC", "zac": "MX-ZAC",
}  # fmt: skip


@lru_cache(maxsize=1)
def _state_indexes() -> tuple[_Names, _Names]:
    """(names, for exact and fuzzy matching; codes and abbreviations, exact only)."""
    names: list[tuple[str, str]] = list(_STATE_ALIASES.items())
    short: list[tuple[str, str]] = list(_STATE_ABBREVIATIONS.items())
    for code, name in mx_subdivisions():
        names += [(name, code), (MX_STATES[code], code)]
        short += [(code, code), (code.removeprefix("MX-"), code)]  # "MX-COA", "COA"
    return _Names(names), _Names(short)


def _parse_mx_state_whole(text: str) -> str | None:
    """parse_mx_state for one piece of text."""
    names, short = _state_indexes()
    typed = _compact(text)
    return _lookup(typed, (short, names), fuzzy=False) or _lookup(typed, (names,), fuzzy=True)


def parse_mx_state(text: str) -> str | None:
    """An ISO 3166-2:MX code ("MX-COA") from a state name, abbreviation or code, else None."""
    if len(text) > MAX_PARSED_TEXT:
        return None
    return _parse_place(text, _parse_mx_state_whole)


# ---------------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------------


def _valid_e164(text: str, region: str) -> str | None:
    """The E.164 form of a valid number, else None; never raises."""
    try:
        number = phonenumbers.parse(text, region)
    except Exception:  # NumberParseException, or anything odd in unusual input
        return None
    if not phonenumbers.is_valid_number(number) and number.country_code == 52:
        # Mexican mobiles were written "+52 1 ..." until 2019 and people still type the 1.
        national = str(number.national_number)
        if len(national) == 11 and national.startswith("1"):
            number.national_number = int(national[1:])
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def parse_phone(text: str, default_region: str = "MX") -> str | None:
    """A valid phone number in E.164 ("+525512345678"), else None."""
    stripped = text.strip()
    if stripped.startswith("00"):
        # "00" is the international prefix in Mexico and most of the world (not the US).
        stripped = "+" + stripped[2:]
    return _valid_e164(stripped, default_region.upper())
