"""Conversations saved by earlier versions continue as they would have (goflow's migrated sessions).

Each file in `saved_states/` holds a state saved by an earlier version of Camino (made by driving
that version's engine), the next thing the person sent, and what that version answered. Today's
engine must read the state with `upgrade` and answer the same.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.conversation import engine, protocol
from bot.conversation.messages import InboundEvent
from bot.conversation.state import VERSION, Following, Mode, State, StateError, save, upgrade

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
SAVED = sorted((Path(__file__).parent / "saved_states").glob("*.json"))


def _context(spec: dict[str, Any]) -> protocol.Context:
    channel = spec.get("channel", "console")
    own = tuple(
        protocol.OwnCase(case_id, datetime(2026, 11, day, 12, tzinfo=UTC))
        for case_id, day in spec.get("own_cases", [])
    )
    return protocol.Context(
        now=NOW,
        channel=channel,
        can_erase=channel != "sms",
        follows=spec.get("follows", False),
        own_cases=own,
    )


def test_there_is_a_saved_state_of_every_kind() -> None:
    modes = {json.loads(path.read_text())["saved"]["mode"] for path in SAVED}
    assert {"ask", "summary", "follow", "topic", "confirm_exit", "confirm_erase"} <= modes
    keys = {key for path in SAVED for key in json.loads(path.read_text())["saved"]}
    assert {"fu", "edit_old", "pending_code", "doc_cases", "erase_resume", "topic"} <= keys


@pytest.mark.parametrize("path", SAVED, ids=[path.stem for path in SAVED])
def test_a_saved_state_continues_as_it_did(path: Path) -> None:
    fixture = json.loads(path.read_text())
    state = upgrade(fixture["saved"])
    result = engine.handle(state, InboundEvent(**fixture["event"]), _context(fixture["context"]))
    expected = fixture["expected"]
    answered = [
        {
            "text": m.text,
            "step_id": m.step_id,
            "kind": m.kind,
            "options": [[o.code, o.label] for o in m.options],
        }
        for m in result.messages
    ]
    assert answered == expected["messages"]
    assert [repr(effect) for effect in result.effects] == expected["effects"]
    assert result.state.mode == expected["mode"]


@pytest.mark.parametrize("path", SAVED, ids=[path.stem for path in SAVED])
def test_an_upgraded_state_saves_with_its_version_and_reads_back_the_same(path: Path) -> None:
    state = upgrade(json.loads(path.read_text())["saved"])
    saved = json.loads(json.dumps(save(state)))
    assert saved["version"] == VERSION
    assert upgrade(saved) == state


def test_the_first_shape_keeps_every_answer_and_the_follow_up() -> None:
    saved = json.loads((Path(__file__).parent / "saved_states" / "follow_recheck.json").read_text())
    state = upgrade(saved["saved"])
    assert state.mode is Mode.FOLLOW
    assert state.language == "es"
    assert state.follow == Following(
        step="fu_recheck",
        subscription_id="S1",
        then="answer",
        answer="Gracias por escribir",
    )
    editing = json.loads((Path(__file__).parent / "saved_states" / "editing.json").read_text())
    old = editing["saved"]["edit_old"]
    assert (old["id"], old["value"]) == ("reporter_role", "victim")
    replaced = upgrade(editing["saved"]).replaced  # the question is now "who", one victim or more
    assert replaced is not None and (replaced.step, replaced.value) == ("who", "me_and_others")


def test_a_state_without_a_version_is_the_first_shape() -> None:
    assert upgrade({"lang": "en", "mode": "menu"}) == State(language="en", mode=Mode.MENU)
    assert upgrade({}) == State()


@pytest.mark.parametrize(
    "saved",
    [{"version": VERSION + 1}, {"version": 0}, {"version": "2"}, {"mode": "nowhere"}],
)
def test_a_state_no_version_wrote_is_refused(saved: dict[str, Any]) -> None:
    with pytest.raises(StateError):
        upgrade(saved)
