"""Tests for bot.conversation.parsers: the parsers of what people type into the chat."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pycountry
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.conversation.dates import OLDEST_YEARS, ApproxDate, parse_approx_date
from bot.conversation.parsers import (
    MX_STATES,
    close_enough,
    match_choice,
    match_choices,
    normalize,
    parse_country,
    parse_mx_state,
    parse_number,
    parse_phone,
    parse_yes_no,
)
from bot.core.geography import mx_subdivisions

NOW = datetime(2026, 11, 28, 12, 0)

CRIMES: list[tuple[str, list[str]]] = [
    ("kidnapping", ["Secuestro"]),
    ("disappearance", ["Desaparición"]),
    ("forced_disappearance", ["Desaparición forzada"]),
    ("extortion", ["Extorsión", "cobro de piso"]),
    ("robbery", ["Robo", "asalto"]),
    ("sexual_violence", ["Violencia sexual", "violación"]),
    ("trafficking", ["Trata de personas"]),
    ("other", ["Otro"]),
]
CRIMES_EN: list[tuple[str, list[str]]] = [
    ("kidnapping", ["Kidnapping"]),
    ("extortion", ["Extortion"]),
    ("robbery", ["Robbery"]),
]
PERPETRATORS: list[tuple[str, list[str]]] = [
    ("federal_police", ["Policía federal"]),
    ("state_police", ["Policía estatal"]),
    ("municipal_police", ["Policía municipal"]),
    ("national_guard", ["Guardia Nacional"]),
    ("inm_agent", ["Agente del INM", "migración"]),
]

# Arbitrary text: hypothesis' default, long runs, and chat-like text glued to junk.
CHATTY = st.sampled_from(
    ["ayer", "15/03", "sí", "no", "3 personas", "Honduras", "CDMX", "+52 55 1234 5678", "2"]
)
ANY_TEXT = st.one_of(
    st.text(),
    st.text(min_size=200, max_size=1000),
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=20), CHATTY, st.text(max_size=20)),
)
LANGS = st.one_of(st.sampled_from(["es", "en", "fr", "ht"]), st.text(max_size=5))


# --- normalize ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Sí!! ", "si"),
        ("EXTORSIÓN", "extorsion"),
        ("Niño", "nino"),
        ("¿Mañana?", "manana"),
        ("Nuevo   León\n", "nuevo leon"),
        ("«Haïti»", "haiti"),
        ("EE.UU.", "ee.uu"),
        ("Straße", "strasse"),
        ("👍 ok 👍", "ok"),
        ("", ""),
        ("...", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@given(ANY_TEXT)
@example("ℌ")
@example("İstanbul")
@example("ǅ")
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip()
    assert "  " not in once


# --- close_enough ---------------------------------------------------------------------------


def _reference_osa(a: str, b: str) -> int:
    """Textbook optimal-string-alignment distance, for comparison."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@pytest.mark.parametrize(
    ("typed", "label", "expected"),
    [
        ("secuestro", "secuestro", True),
        ("secustro", "secuestro", True),  # deletion
        ("secuesstro", "secuestro", True),  # insertion
        ("secuestri", "secuestro", True),  # substitution
        ("sceuestro", "secuestro", True),  # transposition
        ("hondras", "honduras", True),
        ("secstro", "secuestro", False),  # two edits
        ("robo", "robo", True),
        ("rob", "robo", False),  # short labels need the exact word
        ("roob", "robo", False),
        ("sin", "son", False),
        ("", "perros", False),
    ],
)
def test_close_enough(typed: str, label: str, expected: bool) -> None:
    assert close_enough(typed, label) is expected


@given(st.text(alphabet="abc", max_size=8), st.text(alphabet="abc", max_size=8))
def test_close_enough_matches_reference_distance(typed: str, label: str) -> None:
    expected = typed == label or (len(label) >= 5 and _reference_osa(typed, label) <= 1)
    assert close_enough(typed, label) is expected


@settings(max_examples=50)
@given(st.text(max_size=5000), st.text(max_size=5000))
def test_close_enough_never_raises(typed: str, label: str) -> None:
    assert close_enough(typed, label) in (True, False)


# --- match_choice ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", "disappearance"),
        ("2.", "disappearance"),
        (" 2 ", "disappearance"),
        ("2)", "disappearance"),
        ("08", "other"),
        ("9", None),
        ("0", None),
        ("Secuestro", "kidnapping"),
        ("SECUESTRO!", "kidnapping"),
        ("extorsion", "extortion"),
        ("cobro de piso", "extortion"),  # a synonym
        ("violacion", "sexual_violence"),
        ("secustro", "kidnapping"),  # one typo in a 5+ letter word
        ("extorcion", "extortion"),
        ("rob", None),  # no typos for short words
        ("otor", None),
        ("secu", "kidnapping"),  # a unique prefix of 4+ letters
        ("extor", "extortion"),
        ("sec", None),  # prefixes need 4 letters
        ("desaparicion", "disappearance"),  # exact beats the longer label it starts
        ("desaparicion forzada", "forced_disappearance"),
        ("forzada", "forced_disappearance"),  # a whole word of a multi-word label
        ("personas", "trafficking"),
        ("desap", None),  # a prefix of two options: ambiguous
        ("de", None),  # too short to be a partial answer
        ("", None),
        ("hola", None),
    ],
)
def test_match_choice(text: str, expected: str | None) -> None:
    assert match_choice(text, CRIMES) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("policia", None),  # three police forces: ambiguous
        ("federal", "federal_police"),
        ("policia estatal", "state_police"),
        ("guardia", "national_guard"),
        ("nacional", "national_guard"),
        ("migracion", "inm_agent"),
        ("5", "inm_agent"),
    ],
)
def test_match_choice_multi_word_labels(text: str, expected: str | None) -> None:
    assert match_choice(text, PERPETRATORS) == expected


def test_match_choice_ambiguous_typo_is_none() -> None:
    options = [("dogs", ["perros"]), ("bitches", ["perras"])]
    assert match_choice("perros", options) == "dogs"
    assert match_choice("perrxs", options) is None


def test_match_choice_ambiguous_exact_label_is_none() -> None:
    options = [("a", ["Otro", "Other"]), ("b", ["otro"])]
    assert match_choice("otro", options) is None
    assert match_choice("other", options) == "a"


@st.composite
def option_lists(draw: st.DrawFn) -> list[tuple[str, list[str]]]:
    """Options whose labels are distinct, non-empty and not numbers once normalized."""
    labels = draw(
        st.lists(
            st.text(min_size=1, max_size=30).filter(
                lambda s: normalize(s) != "" and not normalize(s).isdecimal()
            ),
            min_size=1,
            max_size=12,
            unique_by=normalize,
        )
    )
    return [(f"code{i}", [label]) for i, label in enumerate(labels)]


@settings(max_examples=50)  # building option lists is the slow part
@given(option_lists())
def test_match_choice_round_trips_numbers_and_labels(
    options: list[tuple[str, list[str]]],
) -> None:
    for index, (code, labels) in enumerate(options, start=1):
        assert match_choice(str(index), options) == code
        assert match_choice(f" {index}. ", options) == code
        assert match_choice(labels[0], options) == code


@settings(max_examples=50)  # building option lists is the slow part
@given(ANY_TEXT, option_lists())
def test_match_choice_returns_an_option_code(
    text: str, options: list[tuple[str, list[str]]]
) -> None:
    result = match_choice(text, options)
    assert result is None or result in {code for code, _ in options}


# --- match_choices --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1, 3 y 5", ["kidnapping", "forced_disappearance", "robbery"]),
        ("1 3 5", ["kidnapping", "forced_disappearance", "robbery"]),
        ("1,3", ["kidnapping", "forced_disappearance"]),
        ("1;3", ["kidnapping", "forced_disappearance"]),
        ("5/1", ["kidnapping", "robbery"]),
        ("1\n4", ["kidnapping", "extortion"]),
        ("2. 4.", ["disappearance", "extortion"]),
        ("4 y 1 y 1", ["kidnapping", "extortion"]),  # display order, no duplicates
        ("secuestro y extorsión", ["kidnapping", "extortion"]),
        ("robo / extorsion", ["extortion", "robbery"]),
        ("1 y secuestro", ["kidnapping"]),
        ("secuestro", ["kidnapping"]),
        ("3", ["forced_disappearance"]),
        ("1, 9", None),  # one part does not match: ask again
        ("secuestro y algo", None),
        ("secuestro extorsion", None),
        ("", None),
        (" , ; ", None),
    ],
)
def test_match_choices(text: str, expected: list[str] | None) -> None:
    assert match_choices(text, CRIMES) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kidnapping, extortion", ["kidnapping", "extortion"]),
        ("robbery and kidnapping", ["kidnapping", "robbery"]),
        ("1 et 3", ["kidnapping", "robbery"]),
        ("1 ak 2", ["kidnapping", "extortion"]),
    ],
)
def test_match_choices_other_languages(text: str, expected: list[str]) -> None:
    assert match_choices(text, CRIMES_EN) == expected


def test_match_choices_keeps_a_label_that_contains_a_separator() -> None:
    options = [("robbery", ["Robo y asalto"]), ("other", ["Otro"])]
    assert match_choices("robo y asalto", options) == ["robbery"]


@settings(max_examples=50)  # building option lists is the slow part
@given(ANY_TEXT, option_lists())
def test_match_choices_is_well_formed(text: str, options: list[tuple[str, list[str]]]) -> None:
    result = match_choices(text, options)
    if result is not None:
        order = [code for code, _ in options]
        assert result
        assert len(set(result)) == len(result)
        assert result == sorted(result, key=order.index)


@settings(max_examples=50)  # building option lists is the slow part
@given(option_lists(), st.data())
def test_match_choices_accepts_any_set_of_numbers(
    options: list[tuple[str, list[str]]], data: st.DataObject
) -> None:
    picked = data.draw(st.lists(st.integers(1, len(options)), min_size=1))
    separator = data.draw(st.sampled_from([", ", " ", " y ", ";", "\n", " and "]))
    expected = [options[i - 1][0] for i in sorted(set(picked))]
    assert match_choices(separator.join(map(str, picked)), options) == expected


# --- parse_yes_no ---------------------------------------------------------------------------

YES_WORDS = ["si", "sí", "Sí.", "SI!", "s", "claro", "yes", "Yes", "y", "yeah", "ok", "OK."]
YES_WORDS += ["oui", "Oui !", "o", "wi", "wè", "Wè", "dakò", "siii", "👍"]
YES_WORDS += ["✅", "✔️", "☑️", "\u200f👍\u200f", "\u200f✅", "👍🏽"]
NO_WORDS = ["no", "No.", "n", "nop", "non", "nope", "pa", "NOOO", "👎", "❌", "✖️", "\u200e👎"]
# What keyboards and copy-paste put around a word without showing it: RTL and LTR marks,
# embeddings and isolates, zero-width spaces and joiners, the byte-order mark.
INVISIBLE = st.text(
    alphabet=st.sampled_from("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068"
                             "\u2069\u200b\u200c\u200d\u2060\ufeff"),
    max_size=3,
)  # fmt: skip


@pytest.mark.parametrize("text", YES_WORDS)
def test_parse_yes(text: str) -> None:
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", NO_WORDS)
def test_parse_no(text: str) -> None:
    assert parse_yes_no(text) is False


@pytest.mark.parametrize("text", ["", "quizás", "maybe", "no sé", "sino", "yes no", "2"])
def test_parse_yes_no_other(text: str) -> None:
    assert parse_yes_no(text) is None


@given(st.sampled_from(YES_WORDS + NO_WORDS), INVISIBLE, INVISIBLE)
def test_invisible_marks_around_an_answer_change_nothing(
    word: str, before: str, after: str
) -> None:
    assert parse_yes_no(before + word + after) is parse_yes_no(word)


@given(st.integers(min_value=1, max_value=8), INVISIBLE, INVISIBLE)
def test_invisible_marks_around_a_digit_read_as_the_digit(
    number: int, before: str, after: str
) -> None:
    typed = f"{before}{number}{after}"
    assert match_choice(typed, CRIMES) == CRIMES[number - 1][0]
    assert parse_number(typed) == number


def test_an_rtl_marked_digit_picks_the_option() -> None:
    assert match_choice("\u200f1\u200f", CRIMES) == "kidnapping"
    assert parse_number("\u200f2\u200f") == 2


@given(ANY_TEXT)
def test_parse_yes_no_never_raises(text: str) -> None:
    assert parse_yes_no(text) in (True, False, None)


# --- parse_number ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        (" 12 ", 12),
        ("3 personas", 3),
        ("unas 5", 5),
        ("éramos 40", 40),
        ("0", 0),
        ("uno", 1),
        ("una", 1),
        ("una persona", 1),
        ("dos", 2),
        ("Tres", 3),
        ("diez", 10),
        ("dieciséis", 16),
        ("veinte", 20),
        ("un grupo de cinco", 5),  # articles count only when nothing else does
        ("one", 1),
        ("twelve", 12),
        ("twenty", 20),
        ("un", 1),
        ("une", 1),
        ("deux", 2),
        ("dix-sept", 17),
        ("vingt", 20),
        ("youn", 1),
        ("de", 2),
        ("twa", 3),
        ("kat moun", 4),
        ("ven", 20),
        ("3 o 4", None),  # two numbers: ask again
        ("dos o tres", None),
        ("muchos", None),
        ("", None),
        ("1001", None),  # above the default maximum
        ("-3", None),
        ("9" * 5000, None),
    ],
)
def test_parse_number(text: str, expected: int | None) -> None:
    assert parse_number(text) == expected


def test_parse_number_range() -> None:
    assert parse_number("5", minimum=1, maximum=5) == 5
    assert parse_number("0", minimum=1) is None
    assert parse_number("6", maximum=5) is None
    assert parse_number("cero", minimum=1) is None


@given(ANY_TEXT, st.integers(-5, 50), st.integers(0, 2000))
def test_parse_number_stays_in_range(text: str, minimum: int, maximum: int) -> None:
    result = parse_number(text, minimum, maximum)
    assert result is None or minimum <= result <= maximum


@given(st.integers(0, 1000))
def test_parse_number_round_trips_digits(value: int) -> None:
    assert parse_number(str(value)) == value
    assert parse_number(f"{value} personas") == value


# --- parse_approx_date ----------------------------------------------------------------------


def day(month: int, dom: int, year: int = 2026) -> ApproxDate:
    return ApproxDate("day", date(year, month, dom))


def month(number: int, year: int = 2026) -> ApproxDate:
    return ApproxDate("month", date(year, number, 1))


def week(month: int, dom: int) -> ApproxDate:
    return ApproxDate("week", date(2026, month, dom))


def year(number: int) -> ApproxDate:
    return ApproxDate("year", date(number, 1, 1))


OVER = ApproxDate("over_a_year", None)
UNKNOWN = ApproxDate("unknown", None)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # days
        ("ayer", "es", day(11, 27)),
        ("Ayer.", "es", day(11, 27)),
        ("anteayer", "es", day(11, 26)),
        ("hoy", "es", day(11, 28)),
        ("hace dos semanas", "es", week(11, 14)),
        ("hace 2 semanas", "es", week(11, 14)),
        ("la semana pasada", "es", week(11, 21)),
        ("hace tres días", "es", day(11, 25)),
        ("hace 3 dias", "es", day(11, 25)),
        ("15/03", "es", day(3, 15)),
        ("15/12", "es", day(12, 15, 2025)),  # the most recent past 15 December
        ("15-03-2026", "es", day(3, 15)),
        ("15 de marzo", "es", day(3, 15)),
        ("el 15 de marzo", "es", day(3, 15)),
        ("fue el 15 de marzo", "es", day(3, 15)),
        ("me secuestraron ayer", "es", day(11, 27)),
        ("yesterday", "en", day(11, 27)),
        ("2 weeks ago", "en", week(11, 14)),
        ("two weeks ago", "en", week(11, 14)),
        ("march 15", "en", day(3, 15)),
        ("hier", "fr", day(11, 27)),
        ("il y a deux semaines", "fr", week(11, 14)),
        ("le 15 mars", "fr", day(3, 15)),
        ("15/03", "ht", day(3, 15)),
        ("hier", "ht", day(11, 27)),  # ht falls back to French
        ("ayer", "en", day(11, 27)),  # and every language to Spanish and English
        ("ayer", "xx", day(11, 27)),
        # months
        ("marzo", "es", month(3)),
        ("Marzo 2026", "es", month(3)),
        ("en marzo", "es", month(3)),
        ("diciembre", "es", month(12, 2025)),  # the most recent past December
        ("noviembre", "es", month(11)),  # the current month counts as past
        ("march", "en", month(3)),
        ("mars", "fr", month(3)),
        ("mars", "ht", month(3)),
        ("février", "fr", month(2)),
        ("hace un mes", "es", month(10)),
        # more than a year ago
        ("hace más de un año", "es", OVER),
        ("hace mas de un ano", "es", OVER),
        ("más de dos años", "es", OVER),
        ("more than a year ago", "en", OVER),
        ("over a year ago", "en", OVER),
        ("il y a plus d'un an", "fr", OVER),
        ("plis pase yon ane", "ht", OVER),
        ("hace 2 años", "es", year(2024)),
        ("hace 400 días", "es", day(10, 24, 2025)),
        ("marzo 2025", "es", month(3, 2025)),  # a month stays a month, however long ago
        ("15/03/2024", "es", day(3, 15, 2024)),
        # years
        ("el año pasado", "es", year(2025)),
        ("2025", "es", year(2025)),
        ("en 2024", "es", year(2024)),
        ("last year", "en", year(2025)),
        # unknown
        ("no sé", "es", UNKNOWN),
        ("No se", "es", UNKNOWN),
        ("don't know", "en", UNKNOWN),
        ("I don’t know", "en", UNKNOWN),
        ("unknown", "en", UNKNOWN),
        ("je ne sais pas", "fr", UNKNOWN),
        ("m pa konnen", "ht", UNKNOWN),
        # not a usable answer
        ("mañana", "es", None),  # future
        ("15 de diciembre de 2026", "es", None),
        ("15", "es", None),  # a bare day number
        ("3 personas", "es", None),
        ("31/02", "es", None),
        ("hola", "es", None),
        ("secuestro", "es", None),
        ("", "es", None),
        ("ayer " * 100, "es", None),  # too long to be a date answer
    ],
)
def test_parse_approx_date(text: str, lang: str, expected: ApproxDate | None) -> None:
    assert parse_approx_date(text, lang, NOW) == expected


def test_parse_approx_date_reads_an_aware_now_by_its_wall_clock() -> None:
    assert parse_approx_date("ayer", "es", NOW.replace(tzinfo=UTC)) == day(11, 27)


def _check_approx_date(result: ApproxDate | None) -> None:
    if result is None:
        return
    if result.precision in ("day", "week", "month", "year"):
        assert result.value is not None
        assert result.value <= NOW.date()
        assert result.value.year >= NOW.year - OLDEST_YEARS
        assert result.precision in ("day", "week") or result.value.day == 1
        assert result.precision != "year" or result.value.month == 1
    else:
        assert result.precision in ("over_a_year", "unknown")
        assert result.value is None


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT, LANGS)
@example("hace 99999999999999999999 días", "es")
@example("\x00", "es")
@example("31/02/2026", "es")
@example("999999/99/99", "en")
def test_parse_approx_date_is_well_formed(text: str, lang: str) -> None:
    _check_approx_date(parse_approx_date(text, lang, NOW))


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
def test_parse_approx_date_of_a_written_date(when: date) -> None:
    result = parse_approx_date(when.strftime("%d/%m/%Y"), "es", NOW)
    if when > NOW.date():
        assert result is None
    else:
        assert result == ApproxDate("day", when)


# --- parse_country --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("HN", "es", "HN"),
        ("GT", "es", "GT"),
        ("USA", "es", "US"),
        ("HND", "es", "HN"),
        ("EEUU", "es", "US"),
        ("EE.UU.", "es", "US"),
        ("EE UU", "es", "US"),
        ("Estados Unidos", "es", "US"),
        ("US", "en", "US"),
        ("EU", "es", "US"),
        ("Honduras", "es", "HN"),
        ("honduras", "en", "HN"),
        ("Hondras", "es", "HN"),  # one typo
        ("Guatemala", "es", "GT"),
        ("El Salvador", "es", "SV"),
        ("Salvador", "fr", "SV"),  # Babel's French name
        ("Nicaragua", "es", "NI"),
        ("México", "es", "MX"),
        ("Mexique", "fr", "MX"),
        ("Haití", "es", "HT"),
        ("Haïti", "ht", "HT"),
        ("États-Unis", "ht", "US"),  # ht uses French names
        ("Ayiti", "ht", "HT"),
        ("Alemania", "es", "DE"),
        ("Germany", "es", "DE"),  # other languages' names still count
        ("Allemagne", "en", "DE"),
        ("United States of America", "en", "US"),  # pycountry's official name
        ("Perú", "es", "PE"),
        ("San Pedro Sula, Honduras", "es", "HN"),
        ("Gringolandia", "es", None),
        ("Hondu", "es", None),
        ("hn", "es", None),  # lowercase codes are words ("no", "es")
        ("NO", "es", None),  # and "NO" is an answer, not Norway
        ("001", "en", None),  # regions are not countries
        ("Unión Europea", "es", None),
        ("Niger", "en", "NE"),
        ("Nigeri", "en", None),  # one typo from both Niger and Nigeria
        ("", "es", None),
    ],
)
def test_parse_country(text: str, lang: str, expected: str | None) -> None:
    assert parse_country(text, lang) == expected


ALPHA_2 = {country.alpha_2 for country in pycountry.countries}


@given(ANY_TEXT, LANGS)
@example("EE.UU.", "zz")
def test_parse_country_is_a_real_country(text: str, lang: str) -> None:
    result = parse_country(text, lang)
    assert result is None or result in ALPHA_2


@settings(max_examples=50)
@given(st.sampled_from(sorted(ALPHA_2)))
def test_parse_country_round_trips_codes(code: str) -> None:
    # "NO", "SI" and "PA" (Creole "no") are answers before they are Norway, Slovenia, Panama.
    expected = None if parse_yes_no(code) is not None else code
    assert parse_country(code, "es") == expected


# --- Mexican states -------------------------------------------------------------------------


def test_mx_states_are_the_32_iso_codes() -> None:
    expected = {(sub.code, sub.name) for sub in pycountry.subdivisions if sub.country_code == "MX"}
    assert set(mx_subdivisions()) == expected
    assert set(MX_STATES) == {code for code, _name in expected}
    assert len(MX_STATES) == 32
    assert MX_STATES["MX-AGU"] == "Aguascalientes"
    assert MX_STATES["MX-CMX"] == "Ciudad de México"
    assert MX_STATES["MX-CHP"] == "Chiapas"
    assert MX_STATES["MX-COA"] == "Coahuila"
    assert MX_STATES["MX-MEX"] == "Estado de México"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Coahuila", "MX-COA"),
        ("coahuila de zaragoza", "MX-COA"),
        ("coah", "MX-COA"),
        ("CDMX", "MX-CMX"),
        ("DF", "MX-CMX"),
        ("D.F.", "MX-CMX"),
        ("Distrito Federal", "MX-CMX"),
        ("edomex", "MX-MEX"),
        ("Edo. Mex", "MX-MEX"),
        ("Estado de México", "MX-MEX"),
        ("BC", "MX-BCN"),
        ("BCS", "MX-BCS"),
        ("QRoo", "MX-ROO"),
        ("Q. Roo", "MX-ROO"),
        ("Quintana Roo", "MX-ROO"),
        ("SLP", "MX-SLP"),
        ("NL", "MX-NLE"),
        ("nuevo leon", "MX-NLE"),
        ("Nuevo León", "MX-NLE"),
        ("nuebo leon", "MX-NLE"),  # one typo
        ("Veracruz de Ignacio de la Llave", "MX-VER"),
        ("michoacan", "MX-MIC"),
        ("chiapaz", "MX-CHP"),
        ("Tapachula, Chiapas", "MX-CHP"),
        ("MX-COA", "MX-COA"),
        ("COA", "MX-COA"),
        ("mx-chp", "MX-CHP"),
        ("Texas", None),
        ("Saltillo", None),
        ("", None),
    ],
)
def test_parse_mx_state(text: str, expected: str | None) -> None:
    assert parse_mx_state(text) == expected


ABBREVIATIONS = {
    "chis": "MX-CHP", "oax": "MX-OAX", "tab": "MX-TAB", "ver": "MX-VER", "son": "MX-SON",
    "tamps": "MX-TAM", "chih": "MX-CHH", "gto": "MX-GUA", "jal": "MX-JAL", "mich": "MX-MIC",
    "qro": "MX-QUE", "sin": "MX-SIN", "zac": "MX-ZAC", "yuc": "MX-YUC", "camp": "MX-CAM",
    "col": "MX-COL", "dgo": "MX-DUR", "gro": "MX-GRO", "hgo": "MX-HID", "mor": "MX-MOR",
    "nay": "MX-NAY", "pue": "MX-PUE", "tlax": "MX-TLA", "ags": "MX-AGU",
}  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), sorted(ABBREVIATIONS.items()))
def test_parse_mx_state_abbreviations(text: str, expected: str) -> None:
    assert parse_mx_state(text) == expected
    assert parse_mx_state(text.upper() + ".") == expected


@pytest.mark.parametrize(("code", "name"), sorted(MX_STATES.items()))
def test_parse_mx_state_round_trips(code: str, name: str) -> None:
    assert parse_mx_state(code) == code
    assert parse_mx_state(code.removeprefix("MX-")) == code
    assert parse_mx_state(name) == code
    assert parse_mx_state(normalize(name).upper()) == code


def test_parse_mx_state_no_typos_for_short_words() -> None:
    assert parse_mx_state("sen") is None
    assert parse_mx_state("verr") is None


@given(ANY_TEXT)
def test_parse_mx_state_is_a_state(text: str) -> None:
    result = parse_mx_state(text)
    assert result is None or result in MX_STATES


# --- parse_phone ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("55 1234 5678", "MX", "+525512345678"),
        ("(55) 1234-5678", "MX", "+525512345678"),
        ("55-1234-5678", "MX", "+525512345678"),
        ("+52 55 1234 5678", "MX", "+525512345678"),
        ("0052 55 1234 5678", "MX", "+525512345678"),
        ("+52 1 55 1234 5678", "MX", "+525512345678"),  # the old mobile "1"
        ("mi número es 55 1234 5678", "MX", "+525512345678"),
        ("+1 (202) 555-0143", "MX", "+12025550143"),
        ("202 555 0143", "US", "+12025550143"),
        ("+504 9999 8888", "MX", "+50499998888"),
        ("9999-8888", "HN", "+50499998888"),
        ("00504 9999 8888", "US", "+50499998888"),  # "00" even where the prefix is 011
        ("55 1234 5678", "mx", "+525512345678"),
        ("1234", "MX", None),
        ("hola", "MX", None),
        ("+", "MX", None),
        ("", "MX", None),
        ("55 1234 5678", "ZZ", None),  # no usable region for a national number
        ("1" * 1000, "MX", None),
    ],
)
def test_parse_phone(text: str, region: str, expected: str | None) -> None:
    assert parse_phone(text, region) == expected


def test_parse_phone_defaults_to_mexico() -> None:
    assert parse_phone("55 1234 5678") == "+525512345678"


@given(ANY_TEXT, st.one_of(st.sampled_from(["MX", "US", "HN", "GT"]), st.text(max_size=4)))
def test_parse_phone_is_e164(text: str, region: str) -> None:
    result = parse_phone(text, region)
    assert result is None or (result.startswith("+") and result[1:].isdigit())


# --- every parser on huge input -------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["ayer " * 5_000, "9" * 20_000, "é\u0301" * 10_000, "\U0001f600" * 20_000]
)
def test_huge_input_is_handled(text: str) -> None:
    assert isinstance(normalize(text), str)
    assert match_choice(text, CRIMES) is None
    assert match_choices(text, CRIMES) is None
    assert parse_yes_no(text) is None
    assert parse_number(text) is None or isinstance(parse_number(text), int)
    assert parse_approx_date(text, "es", NOW) is None
    assert parse_country(text, "es") is None
    assert parse_mx_state(text) is None
    assert parse_phone(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yè", ApproxDate("day", date(2026, 11, 27))),
        ("avanyè", ApproxDate("day", date(2026, 11, 26))),
        ("sa gen de semèn", ApproxDate("week", date(2026, 11, 14))),
        ("semèn pase", ApproxDate("week", date(2026, 11, 21))),
        ("15 mas", ApproxDate("day", date(2026, 3, 15))),
        ("mas", ApproxDate("month", date(2026, 3, 1))),
    ],
)
def test_haitian_creole_dates(text: str, expected: ApproxDate) -> None:
    assert parse_approx_date(text, "ht", NOW) == expected
