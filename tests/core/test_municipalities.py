"""INEGI's municipalities and the one a described place names."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import municipalities as mun
from bot.core.geography import MX_STATES

ALL = sorted(mun.catalogue().values(), key=lambda m: m.key)


def unique_in_state(m: mun.Municipality) -> bool:
    """Whether its name, as INEGI writes it, names it alone in its state (and is no state)."""
    index = mun._index(m.state)
    form = " ".join(mun._words(m.name))
    return (
        index.get(form) == frozenset({m.key})
        and form not in mun._COMMON
        and not mun._state_spans(mun._words(m.name))
    )


UNIQUE = [m for m in ALL if unique_in_state(m)]


def shout(text: str) -> str:
    """The same words without accents, in capitals (as typed on a phone without them)."""
    bare = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return bare.upper()


def test_the_catalogue_is_inegis_whole_list() -> None:
    assert len(ALL) == 2478
    assert {m.state for m in ALL} == set(MX_STATES)
    assert mun.name_of("28032") == "Reynosa"
    assert mun.state_of("07040") == "MX-CHP"
    assert all(len(m.key) == 5 and m.key.isdigit() for m in ALL)
    # Every key's first two digits are its state's INEGI key.
    keys = {iso: cve for cve, iso in mun.STATE_KEYS.items()}
    assert all(m.key[:2] == keys[m.state] for m in ALL)


@pytest.mark.parametrize(
    ("text", "state", "expected"),
    [
        ("Reynosa, Tamaulipas", None, "28032"),
        ("Reynosa, Tamaulipas", "MX-TAM", "28032"),
        ("En un retén cerca de Huixtla, Chiapas", "MX-CHP", "07040"),
        ("Tenosique", None, "27017"),
        ("en las vías cerca de Tenosique", "MX-TAB", "27017"),
        ("Tapachul, Chiapas", "MX-CHP", "07089"),  # a typo
        ("Villahermosa", "MX-TAB", "27004"),  # the city of the municipality of Centro
        ("Ciudad Juárez", "MX-CHH", "08037"),
        ("Benito Juárez, Quintana Roo", "MX-ROO", "23005"),  # not Juárez in another state
        ("Juchitán", "MX-OAX", "20043"),  # "Heroica Ciudad de Juchitán de Zaragoza"
        ("Chiapa de Corzo, Chiapas", "MX-CHP", "07027"),
    ],
)
def test_places_as_people_write_them(text: str, state: str | None, expected: str) -> None:
    assert mun.match(text, state) == expected


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("no sé", None),
        ("Chiapas", "MX-CHP"),  # a state is no municipality
        ("cerca del centro", "MX-TAB"),  # an everyday word, not "Centro"
        ("en la frontera", "MX-COA"),
        ("Reynosa", "MX-CHP"),  # not in the state the person gave
        ("Juárez", None),  # a dozen states have one
        ("x" * 300, None),
    ],
)
def test_no_guess(text: str, state: str | None) -> None:
    assert mun.match(text, state) is None


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(UNIQUE), st.sampled_from(["", "en ", "cerca de ", "En un retén de "]))
def test_every_unique_name_is_found_in_its_state(m: mun.Municipality, before: str) -> None:
    text = f"{before}{m.name}, {MX_STATES[m.state]}"
    assert mun.match(text, m.state) == m.key
    # Accent- and case-insensitive.
    assert mun.match(shout(text), m.state) == m.key


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=250), st.none() | st.sampled_from(sorted(MX_STATES)))
def test_any_text_gives_a_key_of_that_state_or_nothing(text: str, state: str | None) -> None:
    found = mun.match(text, state)
    assert found is None or mun.is_key(found)
    if found is not None and state is not None:
        assert mun.state_of(found) == state


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(ALL),
    st.lists(st.sampled_from(["cerca", "de", "en", "un", "la", "vía", "retén", "por"]), max_size=4),
)
def test_words_around_a_name_never_move_it_to_another_state(
    m: mun.Municipality, words: list[str]
) -> None:
    found = mun.match(" ".join([*words, m.name]), m.state)
    assert found is None or mun.state_of(found) == m.state


def test_names_longer_than_six_words_are_found() -> None:
    assert mun.match("La Unión de Isidoro Montes de Oca, Guerrero", "MX-GRO") == "12068"
    oaxaca = "Heroica Villa Tezoatlán de Segura y Luna, Cuna de la Independencia de Oaxaca"
    found = mun.match(f"En {oaxaca}", "MX-OAX")
    assert found is not None and mun.state_of(found) == "MX-OAX"
