"""The vocabulary flows are written in: steps, choices and conditions, all plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal[
    "choice",
    "multi",
    "yesno",
    "text",
    "number",
    "date",
    "country",
    "mx_state",
    "phone",
    "media",
    "place",
    "where",
    "age",
    "groups",
]
Answers = Mapping[str, Any]
# The answer "no sé": distinct from "no" (False) and from a skipped question (None).
UNKNOWN = "_unknown"


def N_(message: str) -> str:
    """Mark a message for translation without translating it (it is translated when shown)."""
    return message


@dataclass(frozen=True)
class Choice:
    """One option: a stable code, its label (a msgid) and words that also pick it."""

    code: str
    label: str
    synonyms: tuple[str, ...] = ()
    # Other answers this option gives at once: ("Me pasó solo a mí" is one victim).
    sets: tuple[tuple[str, Any], ...] = ()
    # Offered only where it makes sense: "push" (Camino may write unasked), "no_push" (the
    # web chat, the console), "phone" (the chat writes from a phone number that can be called);
    # "stored": never offered, the label of an answer another question gave.
    only: str | None = None


@dataclass(frozen=True)
class Is:
    """True when the answer to `field` is one of `values`."""

    field: str
    values: tuple[Any, ...]

    def __call__(self, answers: Answers) -> bool:
        return answers.get(self.field) in self.values


@dataclass(frozen=True)
class Not:
    """True when `condition` is false."""

    condition: Is | All | AnyOf | Has

    def __call__(self, answers: Answers) -> bool:
        return not self.condition(answers)


@dataclass(frozen=True)
class All:
    """True when every condition is true."""

    conditions: tuple[Is | Not | AnyOf | Has, ...]

    def __call__(self, answers: Answers) -> bool:
        return all(condition(answers) for condition in self.conditions)


@dataclass(frozen=True)
class AnyOf:
    """True when at least one condition is true."""

    conditions: tuple[Is | Not | All | AnyOf | Has, ...]

    def __call__(self, answers: Answers) -> bool:
        return any(condition(answers) for condition in self.conditions)


@dataclass(frozen=True)
class Has:
    """True when the answer to `field`, a list, holds at least one of `values`."""

    field: str
    values: frozenset[str]

    def __call__(self, answers: Answers) -> bool:
        value = answers.get(self.field)
        return isinstance(value, list) and not self.values.isdisjoint(value)


Condition = Is | Not | All | AnyOf | Has


@dataclass(frozen=True)
class Step:
    """One question. `id` is stable: saved conversations and buttons refer to it.

    `prompt_self` replaces `prompt` when the reporter is the victim, `prompt_several` (first)
    when there were several victims. `urgent_when` marks the
    report urgent (and shows emergency numbers) when the answer equals it. `sensitive` answers
    are personal: summaries on channels that cannot be erased do not repeat them. A `text` step
    with `voice` takes a voice note (or a shared location) as its answer, kept as evidence; a
    `choice` step with `phone_field` also takes a typed phone number, stored in that field.
    `fills` names the other answers this step may give at once (from its choices' `sets`, or
    understood from the words: a place names its state): those steps are then not asked. Every
    step but consent takes "no sé" (`unknown`), stored as unknown, distinct from "no" and from a
    skipped question.
    """

    id: str
    kind: Kind
    prompt: str
    summary: str
    prompt_self: str | None = None
    prompt_several: str | None = None
    choices: tuple[Choice, ...] = ()
    suggestions: tuple[str, ...] = ()
    when: Condition | None = None
    hint: str | None = None
    skippable: bool = False
    minimum: int = 0
    maximum: int = 1000
    urgent_when: Any = None
    sensitive: bool = False
    required_yes: str | None = None
    voice: bool = False
    phone_field: str | None = None
    fills: tuple[str, ...] = ()
    unknown: bool = True
    takes_no: bool = False  # a `text` step where "no" is an answer, not a skip
    # A `multi` step's choices that answer yes/no questions: (choice code, field).
    flags: tuple[tuple[str, str], ...] = ()

    def applies(self, answers: Answers) -> bool:
        """Whether this step is asked, given the answers so far."""
        return self.when is None or self.when(answers)


@dataclass(frozen=True)
class Flow:
    """An ordered list of steps; the engine asks the first applicable unanswered one."""

    id: str
    title: str
    steps: tuple[Step, ...]
    confirm: bool = True
    # Asked first, in this order, once the report is urgent; after `urgent_questions` answers
    # (or when none is left to ask) the report is filed at once.
    urgent_steps: tuple[str, ...] = ()
    urgent_questions: int = 4
    index: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {step.id: step for step in self.steps})

    def step(self, step_id: str) -> Step:
        return self.index[step_id]

    def next_step(self, answers: Answers) -> Step | None:
        """The first step that applies and has no answer yet."""
        for step in self.steps:
            if step.id not in answers and step.applies(answers):
                return step
        return None

    def next_urgent_step(self, answers: Answers) -> Step | None:
        """The first urgent question that applies and has no answer yet."""
        for step_id in self.urgent_steps:
            step = self.index[step_id]
            if step.id not in answers and step.applies(answers):
                return step
        return None

    def applicable_answers(self, answers: Answers) -> dict[str, Any]:
        """Only the answers of steps that still apply (a changed answer can rule some out), with
        what those answers gave at once (`fills`, `flags`)."""
        kept: dict[str, Any] = {}
        for step in self.steps:
            if step.id in answers and step.applies(answers):
                given = (*step.fills, *(field for _, field in step.flags))
                kept.update({name: answers[name] for name in given if name in answers})
                kept[step.id] = answers[step.id]
        return kept
