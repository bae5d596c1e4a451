"""Tests for bot.conversation.understand: what a person's own words already answer."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.conversation.dates import ApproxDate, parse_approx_date
from bot.conversation.understand import (
    age_group,
    code_in,
    crimes_in,
    dashed_code_in,
    is_unknown,
    parse_age,
    parse_gender_age,
    perpetrators_in,
    place_type_in,
    state_in,
)
from flows import codes
from flows.keywords import UNKNOWN_WORDS

CRIME_CODES = {c.code for c in codes.CRIME_TYPES}
PERPETRATOR_CODES = {c.code for c in codes.PERPETRATORS}
PLACE_CODES = {c.code for c in codes.PLACE_TYPES}
AGE_CODES = {c.code for c in codes.AGE_GROUPS}


# -- "no sé" ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        *("no sé", "No se.", "NO SÉ", "ni idea", "I don't know", "i dont know"),
        *("je ne sais pas", "m pa konnen", "Mwen pa konnen", "no sabemos", "  no lo sé  "),
    ],
)
def test_i_do_not_know_in_every_language(text: str) -> None:
    assert is_unknown(text)


@pytest.mark.parametrize("text", ["no", "non", "sí", "no sé quién", "", "   ", "Chiapas"])
def test_no_is_not_unknown(text: str) -> None:
    assert not is_unknown(text)


@given(st.sampled_from(sorted(UNKNOWN_WORDS)), st.sampled_from(["", ".", "!", " "]))
def test_every_unknown_word_is_understood_however_written(word: str, end: str) -> None:
    assert is_unknown(word.upper() + end)


@given(st.text(max_size=300))
@example("\x00")
@example("no" * 200)
def test_is_unknown_never_raises(text: str) -> None:
    assert isinstance(is_unknown(text), bool)


# -- crimes and perpetrators in one sentence -----------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "crimes"),
    [
        ("me robaron y me violaron", ["robbery", "sexual_violence"]),
        ("Me robaron y me golpearon", ["robbery", "assault"]),
        ("Nos secuestraron y pidieron rescate, nos amenazaron", ["kidnapping", "threats"]),
        ("Mi hijo desapareció en Reynosa", ["disappearance"]),
        ("They robbed us and beat us", ["robbery", "assault"]),
        ("Yo te kidnape m epi yo menase m", ["kidnapping", "threats"]),
        ("Ils m'ont volé et menacé", ["robbery", "threats"]),
        ("Nos bajaron del tren y caminamos", []),
        ("Inmediatamente llegamos al albergue", []),
    ],
)
def test_crimes_named_in_a_sentence(sentence: str, crimes: list[str]) -> None:
    assert crimes_in(sentence) == crimes


@pytest.mark.parametrize(
    ("sentence", "who"),
    [
        ("unos pandilleros", ["gang"]),
        ("Los agentes de migración", ["inm_agent"]),
        ("agentes del INM y la Guardia Nacional", ["inm_agent", "national_guard"]),
        ("el pollero nos dejó", ["smuggler"]),
        ("no sabemos quién fue", ["unknown"]),
        ("unos desconocidos y un pollero", ["smuggler"]),  # a known one outweighs "unknown"
        ("inmediatamente", []),
    ],
)
def test_perpetrators_named_in_a_sentence(sentence: str, who: list[str]) -> None:
    assert perpetrators_in(sentence) == who


@given(st.text(max_size=3000))
@example("rob" * 1000)
def test_crimes_and_perpetrators_are_codes_in_order_never_an_error(text: str) -> None:
    crimes = crimes_in(text)
    assert set(crimes) <= CRIME_CODES and len(crimes) == len(set(crimes))
    order = [c.code for c in codes.CRIME_TYPES]
    assert crimes == sorted(crimes, key=order.index)
    assert set(perpetrators_in(text)) <= PERPETRATOR_CODES


@given(st.lists(st.sampled_from(["me robaron", "me violaron", "me golpearon"]), min_size=1))
def test_crimes_joined_by_y_are_all_understood(parts: list[str]) -> None:
    found = set(crimes_in(" y ".join(parts)))
    expected = {
        "me robaron": "robbery",
        "me violaron": "sexual_violence",
        "me golpearon": "assault",
    }
    assert found == {expected[part] for part in parts}


# -- places ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "state", "kind"),
    [
        ("Tenosique, Tabasco", "MX-TAB", None),
        ("En las vías, antes de llegar a Tenosique", "MX-TAB", "rail_or_route"),
        ("En un retén cerca de Huixtla, Chiapas", "MX-CHP", "road_or_checkpoint"),
        ("Reynosa", "MX-TAM", None),
        ("en el tren", None, "train"),
        ("Rancho Canaryhill", None, "rural"),
        ("Nuevo Laredo o Reynosa", "MX-TAM", None),
        ("Tapachula o Reynosa", None, None),  # two states: not guessed
    ],
)
def test_a_place_names_its_state_and_kind(place: str, state: str | None, kind: str | None) -> None:
    assert state_in(place) == state
    assert place_type_in(place) == kind


@given(st.text(max_size=500))
def test_places_never_raise(text: str) -> None:
    state = state_in(text)
    assert state is None or state.startswith("MX-")
    kind = place_type_in(text)
    assert kind is None or kind in PLACE_CODES


# -- ages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "group"),
    [
        ("25", "18_29"),
        ("5", "under_12"),  # five years old, not option 5
        ("17 años", "12_17"),
        ("8 meses", "under_12"),
        ("60", "60_plus"),
        ("doce", "12_17"),  # number words, as far as the number parser knows them
        ("200", None),
        ("25 o 30", None),
        ("no sé", None),
    ],
)
def test_typed_ages_become_groups(typed: str, group: str | None) -> None:
    assert parse_age(typed) == group


@given(st.integers(min_value=0, max_value=120))
def test_every_age_has_one_group(age: int) -> None:
    assert age_group(age) in AGE_CODES - {"unknown"}
    assert parse_age(str(age)) == age_group(age)


@given(st.integers(min_value=0, max_value=119))
def test_groups_follow_the_ages(age: int) -> None:
    order = [c.code for c in codes.AGE_GROUPS]
    assert order.index(age_group(age)) <= order.index(age_group(age + 1))


@given(st.text(max_size=300))
def test_ages_never_raise(text: str) -> None:
    assert parse_age(text) in AGE_CODES | {None}
    gender, group = parse_gender_age(text)
    assert gender in (None, "woman", "man") and group in AGE_CODES | {None}


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("mujer, 25", ("woman", "18_29")),
        ("hombre 17", ("man", "12_17")),
        ("Man, 34", ("man", "30_59")),
        ("fanm 40", ("woman", "30_59")),
        ("mujer", ("woman", None)),
        ("mujer y hombre", (None, None)),
    ],
)
def test_gender_and_age_in_one_answer(typed: str, answer: tuple[str | None, str | None]) -> None:
    assert parse_gender_age(typed) == answer


# -- dates as people say them --------------------------------------------------------------------

TODAY = datetime(2026, 11, 28, 12, 0)


@pytest.mark.parametrize(
    ("said", "day"),
    [
        ("anoche", date(2026, 11, 27)),
        ("antier", date(2026, 11, 26)),
        ("el 28", date(2026, 11, 28)),
        ("el 30", date(2026, 10, 30)),  # not come yet this month: the last one
        ("hace unos 3 días", date(2026, 11, 25)),
    ],
)
def test_colloquial_dates(said: str, day: date) -> None:
    assert parse_approx_date(said, "es", TODAY) == ApproxDate("day", day)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # Weeks stay weeks: never printed later as an exact day.
        ("hace como 2 semanas", ApproxDate("week", date(2026, 11, 14))),
        ("hace tres semanas", ApproxDate("week", date(2026, 11, 7))),
        ("la semana pasada", ApproxDate("week", date(2026, 11, 21))),
        ("el mes pasado", ApproxDate("month", date(2026, 10, 1))),
        ("hace 2 meses", ApproxDate("month", date(2026, 9, 1))),
        ("el año pasado", ApproxDate("year", date(2025, 1, 1))),
        ("en 2024", ApproxDate("year", date(2024, 1, 1))),
    ],
)
def test_rough_dates_keep_their_precision(said: str, expected: ApproxDate) -> None:
    assert parse_approx_date(said, "es", TODAY) == expected


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=60),
    st.sampled_from(["hace {n} semanas", "hace como {n} semanas", "{n} weeks ago"]),
)
def test_weeks_ago_are_a_week_never_a_day(weeks: int, said: str) -> None:
    found = parse_approx_date(said.format(n=weeks), "es", TODAY)
    assert found is not None and found.precision == "week"
    assert found.value is not None and (TODAY.date() - found.value).days == 7 * weeks


@given(st.integers(min_value=0, max_value=99), st.sampled_from(["el ", "le ", "the ", "el día "]))
def test_a_day_alone_is_never_in_the_future(day: int, before: str) -> None:
    found = parse_approx_date(f"{before}{day}", "es", TODAY)
    assert found is None or (found.value is not None and found.value <= TODAY.date())
    assert (found is None) == (not 1 <= day <= 31)


# -- a pasted receipt line -------------------------------------------------------------------

CODE_CHARS = st.sampled_from("23456789ABCDEFGHJKMNPQRSTVWXYZ")


@given(
    st.lists(CODE_CHARS, min_size=12, max_size=12),
    st.sampled_from(
        [
            "Su código de caso es: {}",
            "Your case code is: {}.",
            "Kòd dosye ou a se: {}",
            "{}",
            "código {} gracias",
        ]
    ),
)
def test_a_pasted_receipt_line_gives_its_code(chars: list[str], line: str) -> None:
    code = "".join(chars)
    shown = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert code_in(line.format(shown)) == code
    assert code_in(line.format(shown.lower())) == code


@pytest.mark.parametrize(
    "text", ["hola", "K7QM-4T9X-2HC", "K7QM-4T9X-2HCB y K7QM-4T9X-2HCC", "0000-1111-2222"]
)
def test_no_code_or_two_codes_give_none(text: str) -> None:
    assert code_in(text) is None


@given(st.text(max_size=300))
def test_code_in_never_raises(text: str) -> None:
    found = code_in(text)
    assert found is None or len(found) == 12


@given(st.lists(CODE_CHARS, min_size=12, max_size=12), st.text(max_size=40))
def test_a_code_as_the_receipt_shows_it_is_found_beside_any_words(
    chars: list[str], words: str
) -> None:
    code = "".join(chars)
    line = f"{words} {code[:4]}-{code[4:8]}-{code[8:]}"
    assert dashed_code_in(line) in (code, None)  # None only when the words hold another code
    assert dashed_code_in(code) is None  # undashed, it is a word like any other


@given(st.text(max_size=300))
def test_dashed_code_in_never_raises(text: str) -> None:
    found = dashed_code_in(text)
    assert found is None or (len(found) == 12 and code_in(text) == found)
