"""Several victims counted right: how many women, men and children, typed ages as groups,
nationality per country; the parsers (property tests) and the questions asked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation import protocol
from bot.conversation.messages import InboundEvent, Media
from bot.conversation.victims import (
    GROUPS,
    MAX_VICTIMS,
    groups_total,
    main_nationality,
    parse_nationalities,
    parse_victim_groups,
    parse_victim_list,
)
from flows.model import UNKNOWN
from tests.conversation.test_engine import Driver
from tests.conversation.test_parsers import ANY_TEXT, LANGS

# -- the parsers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "total", "expected"),
    [
        ("2 mujeres, 1 niño", 3, (2, 0, 1)),
        ("dos hombres y una mujer", 3, (1, 2, 0)),
        ("3 hombres, mujeres no sé", 5, (None, 3, None)),
        ("todos hombres", 4, (0, 4, 0)),
        ("ningún niño, 2 mujeres", 2, (2, 0, 0)),
        ("2 mujeres", 4, (2, None, None)),  # two more, in no group said
        ("un muchacho de 16 años", 1, (0, 0, 1)),  # a typed age under 18: a child
        ("1 niña de 8 años y su mamá", 2, (1, 0, 1)),
        ("two women and a child", 3, (2, 0, 1)),
        ("3 women, 2 men, a child of 10", 6, (3, 2, 1)),  # "of 10": an age, not ten children
        ("un niño de 8", 1, (0, 0, 1)),
        ("2 femmes, 3 enfants", 5, (2, 0, 3)),
        ("2 fanm ak 1 timoun", 3, (2, 0, 1)),
        ("mujeres y niños", None, (None, None, None)),  # who, not how many
    ],
)
def test_victims_by_group(typed: str, total: int | None, expected: tuple[int | None, ...]) -> None:
    groups = parse_victim_groups(typed, total)
    assert groups is not None
    assert tuple(groups[group] for group in GROUPS) == expected


@pytest.mark.parametrize("typed", ["hola", "3", "3 personas", "", "mujeres" * 100])
def test_no_group_is_no_answer(typed: str) -> None:
    assert parse_victim_groups(typed, 3) is None


def test_a_list_at_how_many_gives_the_total_too() -> None:
    assert parse_victim_list("2 mujeres y 1 niño") == (3, {"women": 2, "men": 0, "children": 1})
    assert parse_victim_list("hombres no sé, 2 mujeres") == (
        None,
        {"women": 2, "men": None, "children": None},
    )
    assert parse_victim_list("3") is None  # a bare number is the count alone


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, st.one_of(st.none(), st.integers(min_value=0, max_value=MAX_VICTIMS)))
def test_victim_groups_are_well_formed(typed: str, total: int | None) -> None:
    groups = parse_victim_groups(typed, total)
    if groups is not None:
        assert set(groups) == set(GROUPS)
        assert all(c is None or c >= 0 for c in groups.values())
    listed = parse_victim_list(typed)
    if listed is not None:
        count, groups = listed
        assert count is None or 1 <= count <= MAX_VICTIMS
        assert count is None or count == groups_total(groups)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["mujeres", "hombres", "niños"]),
        st.integers(min_value=0, max_value=50),
        min_size=1,
    ),
    st.sampled_from([", ", " y ", "; "]),
)
def test_counts_typed_are_counts_read(said: dict[str, int], glue: str) -> None:
    typed = glue.join(f"{count} {word}" for word, count in said.items())
    groups = parse_victim_groups(typed, sum(said.values()))
    assert groups is not None
    words = {"women": "mujeres", "men": "hombres", "children": "niños"}
    for group, word in words.items():
        assert groups[group] == said.get(word, 0)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2 Honduras, 1 Guatemala", {"HN": 2, "GT": 1}),
        ("3 de Honduras y 2 de El Salvador", {"HN": 3, "SV": 2}),
        ("Haití, Cuba", {"HT": None, "CU": None}),
    ],
)
def test_nationalities_of_several(typed: str, expected: dict[str, int | None]) -> None:
    assert parse_nationalities(typed, "es") == expected


def test_one_country_or_none_is_not_several() -> None:
    assert parse_nationalities("Honduras", "es") is None
    assert parse_nationalities("no sé", "es") is None
    assert main_nationality({"GT": 1, "HN": 2}) == "HN"
    assert main_nationality({"GT": None, "HN": None}) == "GT"


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT, LANGS)
def test_nationalities_are_well_formed(typed: str, lang: str) -> None:
    found = parse_nationalities(typed, lang)
    if found is not None:
        assert len(found) >= 2
        assert all(len(code) == 2 and code.isupper() for code in found)
        assert main_nationality(found) in found


# -- the questions ---------------------------------------------------------------------------

WITNESS = [
    ("menu", "1"),
    ("consent_store", "1"),
    ("danger_now", "no"),
    ("who", "4"),  # it happened to others: I saw it
    ("reporter_where", "Chiapas"),
    ("description", "Asaltaron a un grupo en el tren unos pandilleros"),
    ("incident_place", "En las vías de Tenosique"),
    ("incident_date", "la semana pasada"),
]


def test_several_victims_are_counted_by_group_after_how_many() -> None:
    driver = Driver()
    driver.run(WITNESS)
    assert driver.step == "victim_count"
    driver.send("5")
    assert driver.step == "victim_groups"
    assert "mujeres, hombres y niños" in driver.text
    driver.send("3 hombres, mujeres no sé")
    assert driver.step == "victim_name" and "¿Cómo se llaman" in driver.text
    driver.send("saltar")
    assert driver.step == "victim_nationality"
    assert "2 Honduras, 1 Guatemala" in driver.text  # several: how many from each
    driver.send("3 Honduras, 2 Guatemala")
    answers = driver.state["answers"]  # type: ignore[index]
    assert answers["victim_groups"] == {"women": None, "men": 3, "children": None}
    assert answers["victim_nationality"] == "HN"
    assert answers["victim_nationalities"] == {"HN": 3, "GT": 2}
    # A witness of several: no one person's gender and age asked.
    assert driver.step == "wants"


def test_a_list_at_how_many_asks_no_more_and_no_se_is_unknown() -> None:
    driver = Driver()
    driver.run(WITNESS)
    driver.send("2 mujeres y 1 niño")
    assert driver.step == "victim_name"
    answers = driver.state["answers"]  # type: ignore[index]
    assert answers["victim_count"] == 3
    assert answers["victim_groups"] == {"women": 2, "men": 0, "children": 1}
    driver = Driver()
    driver.run(WITNESS)
    driver.send("4")
    driver.send("no sé")
    assert driver.state["answers"]["victim_groups"] == UNKNOWN  # type: ignore[index]


def test_one_victim_is_never_counted_by_group() -> None:
    driver = Driver()
    driver.run([*WITNESS[:3], ("who", "1"), *WITNESS[4:]])
    assert driver.step == "victim_nationality"  # alone: no count, no groups


def test_words_with_a_photo_where_they_answer_nothing_are_a_note() -> None:
    driver = Driver()
    driver.run(WITNESS[:3])
    photo = Media("image/jpeg", b"\xff\xd8\xff\xe0" + b"0" * 64)
    driver.send_event(InboundEvent(text="Así nos dejaron", media=(photo,)))
    assert driver.step == "who"  # a choice: the words do not answer it
    stored = [e for e in driver.effects if isinstance(e, protocol.StoreEvidence)]
    assert [e.note for e in stored] == ["Así nos dejaron"]
    assert "Sus palabras quedaron guardadas con la prueba." in driver.text


def test_one_typed_at_how_many_is_one_victim_not_the_no_se_button() -> None:
    driver = Driver()
    driver.run(WITNESS)
    driver.send("1")
    assert driver.state["answers"]["victim_count"] == 1  # type: ignore[index]
    assert driver.step == "victim_name"  # one victim: no groups


def test_french_words_for_robbery_and_the_railway_are_understood() -> None:
    driver = Driver(lang="fr")
    driver.run(
        [
            ("menu", "1"),
            ("consent_store", "oui"),
            ("danger_now", "4"),
            ("who", "4"),
            ("reporter_where", "Chiapas"),
            ("description", "Des bandits nous ont volés dans le train"),
            ("incident_place", "Sur les voies près de Tenosique"),
            ("incident_date", "il y a trois semaines"),
        ]
    )
    answers = driver.state["answers"]  # type: ignore[index]
    assert answers["crime_types"] == ["robbery"] and answers["place_type"] == "rail_or_route"
    assert answers["incident_date"]["precision"] == "week"
    assert driver.step == "victim_count"


def test_several_countries_are_never_read_as_the_first_one() -> None:
    driver = Driver(lang="fr")
    driver.run([("menu", "1"), ("consent_store", "oui"), ("danger_now", "4"), ("who", "4")])
    driver.run([("reporter_where", "Chiapas"), ("description", "Des bandits nous ont volés")])
    driver.run([("incident_place", "Sur les voies près de Tenosique"), ("incident_date", "hier")])
    driver.run([("victim_count", "4"), ("victim_groups", "4 hommes"), ("victim_name", "passer")])
    driver.send("1 Haïti, 3 Cuba")
    answers = driver.state["answers"]  # type: ignore[index]
    assert answers["victim_nationalities"] == {"HT": 1, "CU": 3}
    assert answers["victim_nationality"] == "CU"


def test_a_count_changed_to_a_bare_number_asks_the_groups_again() -> None:
    driver = Driver()
    driver.run(WITNESS)
    driver.send("2 mujeres y 1 niño")
    driver.send("saltar")  # the names
    driver.send("Honduras")
    driver.send("1")  # wants: a denuncia
    driver.send("1")  # contact: this chat
    assert driver.step == "summary"
    driver.send("2")  # change an answer
    driver.send("Número de víctimas")
    assert driver.step == "victim_count"
    driver.send("5")
    assert driver.step == "victim_groups"
