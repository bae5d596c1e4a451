"""The directory file: validated on load with clear errors, and "nearest" in the right order."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.parsers import MX_STATES
from bot.core import directory
from bot.core.directory import NEIGHBOURS, DirectoryError, Entry, load, nearest, parse

ENTRIES = load()


def ids(entries: list[Entry]) -> list[str]:
    return [entry.id for entry in entries]


def test_demo_file_loads_with_the_organizations_of_the_report() -> None:
    assert len(ENTRIES) == 11
    assert {e.state for e in ENTRIES if e.state} >= {"MX-COA", "MX-SON", "MX-OAX", "MX-TAB"}
    assert all(entry.contact is None for entry in ENTRIES)  # no invented contact details
    fjedd = next(e for e in ENTRIES if e.id == "fjedd")
    assert fjedd.national and set(fjedd.offices_abroad) == {"HN", "SV", "GT"}


def test_neighbours_cover_all_32_states_and_are_symmetric() -> None:
    assert set(NEIGHBOURS) == set(MX_STATES) and len(NEIGHBOURS) == 32
    for state, close in NEIGHBOURS.items():
        assert state not in close
        for other in close:
            assert state in NEIGHBOURS[other], (state, other)
    assert NEIGHBOURS["MX-BCS"] == {"MX-BCN"}
    assert NEIGHBOURS["MX-SON"] == {"MX-BCN", "MX-CHH", "MX-SIN"}
    assert NEIGHBOURS["MX-OAX"] == {"MX-GRO", "MX-PUE", "MX-VER", "MX-CHP"}


def test_nearest_in_sonora_is_the_sonora_network_then_national() -> None:
    found = nearest(ENTRIES, state="MX-SON", limit=10)
    sonora = {"kino-border-initiative", "crm-agua-prieta", "came-exodus", "ccamyn", "c-cam"}
    assert set(ids(found)[:5]) == sonora
    assert ids(found)[5:] == ["fjedd"]  # no neighbouring state has one: national next


def test_nearest_in_oaxaca_is_ixtepec_then_neighbours_then_national() -> None:
    found = nearest(ENTRIES, state="MX-OAX", limit=10)
    assert ids(found) == ["hermanos-en-el-camino", "fjedd"]
    # Chiapas borders Oaxaca and Tabasco: Ixtepec and Tenosique come before national ones.
    chiapas = ids(nearest(ENTRIES, state="MX-CHP", limit=10))
    assert set(chiapas[:2]) == {"hermanos-en-el-camino", "la-72"} and chiapas[2:] == ["fjedd"]
    assert ids(nearest(ENTRIES, state="MX-CMX", limit=10)) == ["fjedd"]


def test_nearest_abroad_is_offices_in_that_country_then_national() -> None:
    assert ids(nearest(ENTRIES, country="HN")) == ["fjedd"]
    assert ids(nearest(ENTRIES, country="us")) == ["kino-border-initiative", "fjedd"]
    assert ids(nearest(ENTRIES, country="NI")) == ["fjedd"]


def test_organizations_without_services_are_not_offered() -> None:
    everywhere = {e.id for s in MX_STATES for e in nearest(ENTRIES, state=s, limit=20)}
    assert "fundar" not in everywhere and "wola" not in everywhere


def test_limit_applies() -> None:
    assert len(nearest(ENTRIES, state="MX-SON", limit=3)) == 3


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"id": "x", "name": "X", "city": "C", "state": "MX-XXX"}, "entry x, field state"),
        ({"id": "x", "name": "X", "city": "C"}, "entry x"),
        ({"id": "x", "name": "X", "city": "C", "country": "ZZ"}, "field country"),
        (
            {"id": "x", "name": "X", "city": "C", "state": "MX-SON", "services": ["spa"]},
            "field services.0",
        ),
        ({"id": "x", "name": "X", "city": "C", "state": "MX-SON", "phone": "1"}, "field phone"),
        ({"name": "X", "city": "C", "state": "MX-SON"}, "entry #1, field id"),
    ],
)
def test_a_wrong_entry_is_named_with_its_field(entry: dict[str, object], message: str) -> None:
    with pytest.raises(DirectoryError, match=message):
        parse({"entries": [entry]})


def test_duplicate_ids_and_bad_documents_are_refused(tmp_path: Path) -> None:
    one = {"id": "x", "name": "X", "city": "C", "state": "MX-SON"}
    with pytest.raises(DirectoryError, match="used twice"):
        parse({"entries": [one, one]})
    with pytest.raises(DirectoryError, match="entries"):
        parse(["not", "a", "mapping"])
    broken = tmp_path / "dir.yaml"
    broken.write_text("entries: [unclosed", encoding="utf-8")
    with pytest.raises(DirectoryError, match="not valid YAML"):
        load(broken)
    with pytest.raises(DirectoryError, match="cannot be read"):
        load(tmp_path / "missing.yaml")


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_document_either_loads_or_raises_a_directory_error(data: object) -> None:
    try:
        entries = parse({"entries": [data]})
    except DirectoryError:
        return
    assert all(isinstance(e, Entry) for e in entries)


def test_default_file_is_shipped_inside_the_package() -> None:
    assert directory.DEFAULT_FILE.is_file()
