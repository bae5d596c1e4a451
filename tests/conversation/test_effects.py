"""The conversation service carries out every effect the engine asks for, or says it cannot.

An effect no handler knows is an error, and so is a chain of answered effects longer than the
service's bound (before, a fifth resumed effect was dropped without a word).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app.runtime import Runtime
from bot.conversation import engine
from bot.conversation.messages import InboundEvent
from bot.conversation.protocol import Context, Outcome, Result, ShowUpdates
from bot.conversation.state import Mode, State
from bot.intake import service
from bot.store.contacts import Sender
from bot.store.models import Contact, Conversation
from tests.support.factories import make_runtime

PHONE = "+525511112222"
SENDER = Sender("sms", PHONE)


@dataclass(frozen=True)
class Teleport:
    """An effect nobody wrote a handler for."""


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    built = make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path)
    yield built
    built.close()


def _chain(monkeypatch: pytest.MonkeyPatch, length: int) -> list[Outcome]:
    """The engine asks for `length` answered effects in a row, each after the last's outcome."""
    outcomes: list[Outcome] = []
    state = State(language="es", mode=Mode.FOLLOW)

    def handle(saved: State | None, event: InboundEvent, ctx: Context) -> Result:
        return Result(state=state, effects=[ShowUpdates(None)])

    def resume(saved: State, outcome: Outcome, ctx: Context) -> Result:
        outcomes.append(outcome)
        more = [ShowUpdates(None)] if len(outcomes) < length else []
        return Result(state=state, effects=list(more))

    monkeypatch.setattr(engine, "handle", handle)
    monkeypatch.setattr(engine, "resume", resume)
    return outcomes


def _rows(runtime: Runtime) -> tuple[int, int]:
    with runtime.sessions() as db:
        contacts = db.scalar(select(func.count()).select_from(Contact)) or 0
        conversations = db.scalar(select(func.count()).select_from(Conversation)) or 0
    return contacts, conversations


def test_answered_effects_up_to_the_bound_are_all_carried_out(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes = _chain(monkeypatch, service.MAX_RESUMES)
    assert runtime.conversations.handle(SENDER, InboundEvent(text="VER")) is not None
    assert len(outcomes) == service.MAX_RESUMES
    assert _rows(runtime) == (1, 1)


def test_one_answered_effect_beyond_the_bound_is_an_error_logged_without_personal_data(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    outcomes = _chain(monkeypatch, service.MAX_RESUMES + 1)
    with (
        caplog.at_level(logging.ERROR, logger=service.log.name),
        pytest.raises(service.TooManyResumes),
    ):
        runtime.conversations.handle(SENDER, InboundEvent(text="VER"))
    assert len(outcomes) == service.MAX_RESUMES  # the one beyond is never carried out
    logged = [r for r in caplog.records if r.message == "too many resumed effects"]
    assert len(logged) == 1
    assert logged[0].__dict__["effect"] == "ShowUpdates"
    assert PHONE not in repr(logged[0].__dict__) and PHONE[-8:] not in caplog.text
    assert _rows(runtime) == (0, 0)  # the event's transaction is rolled back whole


def test_an_effect_without_a_handler_is_an_error(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def handle(saved: State | None, event: InboundEvent, ctx: Context) -> Result:
        return Result(state=State(language="es", mode=Mode.MENU), effects=[Teleport()])  # type: ignore[list-item]

    monkeypatch.setattr(engine, "handle", handle)
    with pytest.raises(service.UnknownEffect, match="Teleport"):
        runtime.conversations.handle(SENDER, InboundEvent(text="hola"))
    assert _rows(runtime) == (0, 0)
