"""The saved conversation: typed, versioned, and read back from every earlier shape.

The service stores `save(state)` encrypted and reads it back with `upgrade(saved)`. A saved state
names its `version`; one without is the first shape (an untyped dict). To change the shape: bump
`VERSION`, add a step to `_STEPS` that turns the previous shape into the new one, and add a
saved state of the previous version to `tests/conversation/saved_states/`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

VERSION = 2


class Mode(StrEnum):
    """Where the person is in the conversation: which screen answers their next message."""

    NEW = "new"  # never written to: the first message starts the conversation
    LANGUAGE = "language"
    MENU = "menu"
    IDLE = "idle"  # said goodbye; any message shows the welcome again
    ASK = "ask"  # a complaint question
    SUMMARY = "summary"
    EDIT = "edit"  # which answer to change
    CONFIRM_EXIT = "confirm_exit"
    COMPLETE = "complete"  # an urgent report was filed: complete it now?
    RIGHTS = "rights"
    TOPIC = "topic"
    RIGHTS_WHERE = "rights_where"
    CONFIRM_ERASE = "confirm_erase"
    FOLLOW = "follow"
    DOCUMENT = "document"


class StateError(ValueError):
    """A saved state that no version of Camino wrote."""


@dataclass
class Following:
    """Following a case: the step, and what the steps so far established."""

    step: str | None = None
    code: str | None = None  # the case code typed (or from a link), until the PIN is checked
    language: str | None = None  # the language chosen for notices
    case_id: str | None = None  # the case whose code and PIN matched, until subscribed
    subscription_id: str | None = None
    talk: bool = False  # the shelter wrote on this case: offer its messages
    zones: list[str] = field(default_factory=list)  # time zones of the country given
    followers: list[tuple[str, str]] = field(default_factory=list)  # (subscription id, label)
    then: str | None = None  # what to do once the PIN is given again: "messages", "answer"
    answer: str | None = None  # an answer to the shelter, kept until sent


@dataclass
class Replaced:
    """The answer taken out while the person changes it (back puts it again)."""

    step: str
    value: Any


@dataclass
class State:
    """One person's conversation."""

    language: str | None = None
    mode: Mode = Mode.NEW
    flow: str | None = None
    step: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    trail: list[str] = field(default_factory=list)  # steps answered, in order, for "back"
    urgent: bool = False
    urgent_told: bool = False
    filed: bool = False  # the urgent report is filed; the answers that follow complete it
    picked: list[str] = field(default_factory=list)  # options ticked at a multiple choice
    resume: Mode | None = None  # where to return after the language or the exit question
    editing: bool = False
    evidence: int = 0
    replaced: Replaced | None = None
    pending_code: str | None = None  # a followed case's code from a link, before the language
    topic: str | None = None
    topic_more: bool = False
    erase_resume: Mode | None = None  # where "no, do not erase" returns to
    document_cases: list[str] = field(default_factory=list)
    follow: Following = field(default_factory=Following)

    def clear_draft(self) -> None:
        """Forget the complaint being written (sent, or abandoned)."""
        self.answers = {}
        self.trail = []
        self.flow = None
        self.step = None
        self.picked = []
        self.urgent = False
        self.urgent_told = False
        self.filed = False
        self.editing = False
        self.evidence = 0


def save(state: State) -> dict[str, Any]:
    """The state as JSON-ready data, with its version."""
    return {"version": VERSION, **asdict(state)}


def upgrade(saved: Mapping[str, Any]) -> State:
    """A saved state of any version, as today's `State`."""
    version = saved.get("version", 1)
    if not isinstance(version, int) or not 1 <= version <= VERSION:
        raise StateError(f"unknown conversation state version {version!r}")
    data = dict(saved)
    for step in _STEPS[version - 1 :]:
        data = step(data)
    return _read(data)


def _v1_to_v2(v1: dict[str, Any]) -> dict[str, Any]:
    """Version 1 was the engine's untyped dict: short keys, the follow-up under "fu"."""
    v2 = {key: value for key, value in v1.items() if key in _FIELDS}
    v2["language"] = v1.get("lang")
    old = v1.get("edit_old")
    v2["replaced"] = {"step": old["id"], "value": old["value"]} if old else None
    v2["document_cases"] = v1.get("doc_cases") or []
    fu: dict[str, Any] = v1["fu"] if isinstance(v1.get("fu"), dict) else {}
    renamed = {"lang": "language", "case": "case_id", "sub": "subscription_id"}
    v2["follow"] = {renamed.get(key, key): value for key, value in fu.items()}
    return v2


# _STEPS[n - 1] turns version n into version n + 1.
_STEPS: tuple[Callable[[dict[str, Any]], dict[str, Any]], ...] = (_v1_to_v2,)
_FIELDS = frozenset(State.__dataclass_fields__)


def _mode(value: Any) -> Mode | None:
    return None if value is None else Mode(value)


def _read(data: Mapping[str, Any]) -> State:
    """Today's shape, checked into a `State`."""
    try:
        follow = dict(data.get("follow") or {})
        follow["zones"] = list(follow.get("zones") or [])
        follow["followers"] = [
            (str(sub), str(label)) for sub, label in follow.get("followers") or []
        ]
        follow["talk"] = bool(follow.get("talk"))
        replaced = data.get("replaced")
        return State(
            language=data.get("language"),
            mode=Mode(data.get("mode", Mode.NEW)),
            flow=data.get("flow"),
            step=data.get("step"),
            answers=dict(data.get("answers") or {}),
            trail=list(data.get("trail") or []),
            urgent=bool(data.get("urgent")),
            urgent_told=bool(data.get("urgent_told")),
            filed=bool(data.get("filed")),
            picked=list(data.get("picked") or []),
            resume=_mode(data.get("resume")),
            editing=bool(data.get("editing")),
            evidence=int(data.get("evidence") or 0),
            replaced=Replaced(**replaced) if replaced else None,
            pending_code=data.get("pending_code"),
            topic=data.get("topic"),
            topic_more=bool(data.get("topic_more")),
            erase_resume=_mode(data.get("erase_resume")),
            document_cases=[str(case) for case in data.get("document_cases") or []],
            follow=Following(**follow),
        )
    except (TypeError, ValueError) as exc:
        raise StateError(f"unreadable conversation state: {type(exc).__name__}") from None
