"""The saved conversation: typed, versioned, and read back from every earlier shape.

The service stores `save(state)` encrypted and reads it back with `upgrade(saved)`. A saved state
names its `version`; one without is the first shape (an untyped dict). To change the shape: bump
`VERSION`, add a step to `_STEPS` that turns the previous shape into the new one, and add a
saved state of the previous version to `tests/conversation/saved_states/`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

VERSION = 3


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
    # What to tell of the last report sent (`bot.conversation.next_steps`), kept until asked again.
    next_info: list[str] = field(default_factory=list)
    next_info_until: str | None = None  # ISO time after which MÁS no longer tells it

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
    return {"version": VERSION, **_plain(state)}


def _plain(value: Any) -> Any:
    """What `dataclasses.asdict` gives, without deep-copying the strings and numbers JSON writes
    as they are (saved on every message)."""
    if isinstance(value, State | Following | Replaced):
        return {name: _plain(getattr(value, name)) for name in _FIELD_NAMES[type(value)]}
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if type(value) is list or type(value) is tuple:
        return type(value)(map(_plain, value))
    if isinstance(value, list | tuple) or is_dataclass(value):
        return asdict(_Holder(value))["value"]  # anything rarer: asdict's own rules
    return value


@dataclass
class _Holder:
    value: Any


_FIELD_NAMES = {kind: tuple(f.name for f in fields(kind)) for kind in (State, Following, Replaced)}


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


# Version 3 asks in fewer questions: old question ids, and the answer that now answers them.
_RENAMED_STEPS = {
    "in_danger": "danger_now",
    "still_missing_or_held": "danger_now",
    "reporter_role": "who",
    "reporter_state": "reporter_where",
    "reporter_country": "reporter_where",
    "contact_channel": "contact",
    "anonymous": "contact",
    "wants_contact": "contact",
    "wants_complaint": "wants",
    "wants_visa_info": "wants",
    "already_reported": "wants",
    "allow_family_follow": "wants",
    "evidence": "description",
}
_WHO = {"relative_or_friend": "relative", "witness": "witness", "organization": "organization"}
_WANTS = {
    "wants_complaint": "complaint",
    "wants_visa_info": "visa",
    "already_reported": "already_reported",
    "allow_family_follow": "family",
}


def _v3_answers(old: dict[str, Any]) -> dict[str, Any]:
    """Version 2's answers, with the answers of version 3's merged questions."""
    answers = {key: value for key, value in old.items() if key != "evidence"}
    danger, held = old.get("in_danger"), old.get("still_missing_or_held")
    if danger is True:
        answers["danger_now"] = "me"
    elif held is True:
        answers["danger_now"] = "held"
    elif danger is False:
        answers["danger_now"] = "no"
    role = old.get("reporter_role")
    if role == "victim":
        answers["who"] = "me" if old.get("victim_count") == 1 else "me_and_others"
    elif role in _WHO:
        answers["who"] = _WHO[role]
    if old.get("anonymous") is True:
        answers["contact"] = "anonymous"
    elif old.get("wants_contact") is False:
        answers["contact"] = "no_contact"
    elif old.get("contact_channel") in ("this_chat", "phone_call"):
        answers["contact"] = old["contact_channel"]
    if "allow_family_follow" in old:  # the last of the questions "wants" replaces
        answers["wants"] = [code for name, code in _WANTS.items() if old.get(name)] or ["nothing"]
    return answers


def _v2_to_v3(v2: dict[str, Any]) -> dict[str, Any]:
    """Version 3 merged questions ("¿Alguien está en peligro ahora...?" for two): a question
    asked under its old id is asked under the new one, answers given keep counting."""
    v3 = dict(v2)
    answers = dict(v2.get("answers") or {})
    step = v2.get("step")
    if step in ("reporter_state", "reporter_country"):  # asked again, in one question
        answers.pop("reporter_where", None)
    v3["answers"] = _v3_answers(answers)
    v3["step"] = _RENAMED_STEPS.get(step, step) if isinstance(step, str) else step
    trail: list[str] = []
    for old in v2.get("trail") or []:
        new = _RENAMED_STEPS.get(old, old)
        if new not in trail and new in v3["answers"]:
            trail.append(new)
    v3["trail"] = trail
    replaced = v2.get("replaced")
    if replaced and replaced.get("step") in _RENAMED_STEPS:  # the answer being changed
        new = _RENAMED_STEPS[replaced["step"]]
        given = _v3_answers({**answers, replaced["step"]: replaced.get("value")})
        v3["replaced"] = {"step": new, "value": given.get(new)} if new in given else None
    return v3


# _STEPS[n - 1] turns version n into version n + 1.
_STEPS: tuple[Callable[[dict[str, Any]], dict[str, Any]], ...] = (_v1_to_v2, _v2_to_v3)
_FIELDS = frozenset(State.__dataclass_fields__)


def _mode(value: Any) -> Mode | None:
    return None if value is None else Mode(value)


def _moment(value: Any) -> str | None:
    return None if value is None else datetime.fromisoformat(str(value)).isoformat()


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
            next_info=[str(code) for code in data.get("next_info") or []],
            next_info_until=_moment(data.get("next_info_until")),
        )
    except (TypeError, ValueError) as exc:
        raise StateError(f"unreadable conversation state: {type(exc).__name__}") from None
