"""The map's shading: steps over the published counts, hidden states hatched."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.geography import MX_STATES
from bot.dashboard import statemap

published = st.lists(st.integers(min_value=2, max_value=400).map(lambda n: n * 5), max_size=32)


@settings(deadline=None)
@given(published)
def test_steps_cover_every_count_in_order(counts: list[int]) -> None:
    steps = statemap.steps(counts)
    assert len(steps) <= len(statemap.SHADES)
    assert all(s.low <= s.high for s in steps)
    assert all(a.high < b.low for a, b in itertools.pairwise(steps))
    for count in counts:
        assert sum(1 for s in steps if s.low <= count <= s.high) == 1
    # Fewer steps take the darker shades.
    assert [s.fill for s in steps] == list(statemap.SHADES[len(statemap.SHADES) - len(steps) :])


def test_every_state_is_drawn_and_hidden_ones_hatched() -> None:
    drawn = statemap.draw({"MX-TAB": 15, "MX-CHP": None, "MX-VER": 40}, MX_STATES)
    assert {d.code for d in drawn.states} == set(MX_STATES)
    by_code = {d.code: d for d in drawn.states}
    assert by_code["MX-CHP"].fill == statemap.HATCH and by_code["MX-SON"].fill == statemap.HATCH
    assert by_code["MX-TAB"].fill != by_code["MX-VER"].fill
    assert by_code["MX-VER"].fill == statemap.SHADES[-1]
    assert drawn.hidden and by_code["MX-TAB"].name == "Tabasco"
