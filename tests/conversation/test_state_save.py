"""`save` gives exactly what `dataclasses.asdict` gave, for every kind of saved state and for
states built from any values, so what is stored does not change."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.state import VERSION, Following, Mode, Replaced, State, save, upgrade

SAVED = sorted((Path(__file__).parent / "saved_states").glob("*.json"))

leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _reference(state: State) -> dict[str, Any]:
    return {"version": VERSION, **asdict(state)}


def test_every_saved_kind_saves_as_before() -> None:
    for path in SAVED:
        state = upgrade(json.loads(path.read_text())["saved"])
        assert save(state) == _reference(state), path.name
        assert json.dumps(save(state)) == json.dumps(_reference(state)), path.name


@given(
    answers=st.dictionaries(st.text(max_size=12), values, max_size=6),
    followers=st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6)), max_size=3),
    replaced=st.none() | values.map(lambda value: Replaced("step", value)),
)
def test_any_state_saves_as_asdict_would(
    answers: dict[str, Any], followers: list[tuple[str, str]], replaced: Replaced | None
) -> None:
    state = State(
        mode=Mode.ASK,
        answers=answers,
        trail=list(answers),
        replaced=replaced,
        follow=Following(step="pin", followers=followers),
    )
    saved = save(state)
    assert saved == _reference(state)
    assert json.dumps(saved) == json.dumps(_reference(state))
    # The saved data holds no container of the state itself: changing one leaves the other.
    assert saved["answers"] is not state.answers and saved["trail"] is not state.trail
