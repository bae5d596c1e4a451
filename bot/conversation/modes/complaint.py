"""The complaint intake: the questions of `flows.complaint`, evidence, back, and leaving.

The questions are data (`flows.complaint`), checked when this module loads; this part asks the
first unanswered question that applies, reads the answer, keeps files and locations as evidence,
and shows the summary (`modes.review`) once every question is answered.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.media import media_kind, media_problem, too_large_text
from bot.conversation.messages import InboundEvent, Option
from bot.conversation.modes.answers import (
    DONE,
    INVALID,
    PENDING,
    SKIP,
    invalid_hint,
    parse,
)
from bot.conversation.parsers import normalize, parse_phone, parse_yes_no
from bot.conversation.protocol import (
    DiscardDraft,
    FileUrgent,
    MarkUrgent,
    SaveAnswers,
    StoreEvidence,
)
from bot.conversation.state import Mode, State
from bot.conversation.turn import Turn, prefixed
from bot.core import i18n
from flows.complaint import COMPLAINT
from flows.keywords import SKIP_WORDS, UNKNOWN_WORDS
from flows.model import All, Condition, Flow, Is, Not, Step

_SKIP = frozenset(normalize(w) for w in SKIP_WORDS | UNKNOWN_WORDS) - {""}
_KINDS = frozenset(
    {"choice", "multi", "yesno", "text", "number", "date", "country", "mx_state", "phone"}
    | {"media", "place"}
)


class FlowError(ValueError):
    """A flow that the engine cannot ask: named step and problem in the message."""


def checked(flow: Flow) -> Flow:
    """The flow, once its steps are known to be askable (goflow checks its flows the same way)."""
    seen: set[str] = set()
    for step in flow.steps:
        if step.id in seen or step.id in (SKIP, DONE):
            raise FlowError(f"flow {flow.id}: step id {step.id!r} is used twice or reserved")
        if step.kind not in _KINDS:
            raise FlowError(f"flow {flow.id}, step {step.id}: unknown kind {step.kind!r}")
        asked = {field for field in _fields(step.when)} - seen
        if asked:
            raise FlowError(f"flow {flow.id}, step {step.id}: depends on later {sorted(asked)}")
        codes = [choice.code for choice in step.choices]
        if len(set(codes)) != len(codes) or (step.kind in ("choice", "multi")) != bool(codes):
            raise FlowError(f"flow {flow.id}, step {step.id}: choices missing or repeated")
        seen.add(step.id)
    unknown = set(flow.urgent_steps) - seen
    if unknown:
        raise FlowError(f"flow {flow.id}: unknown urgent steps {sorted(unknown)}")
    return flow


def _fields(condition: Condition | None) -> set[str]:
    """The steps whose answers a condition reads."""
    if isinstance(condition, Is):
        return {condition.field}
    if isinstance(condition, Not):
        return _fields(condition.condition)
    if isinstance(condition, All):
        return set().union(*(_fields(part) for part in condition.conditions))
    return set()


FLOWS: dict[str, Flow] = {flow.id: checked(flow) for flow in (COMPLAINT,)}


def flow_of(state: State) -> Flow:
    return FLOWS[state.flow or COMPLAINT.id]


def current_step(turn: Turn) -> Step:
    return flow_of(turn.state).step(str(turn.state.step))


# -- asking ----------------------------------------------------------------------------------


def begin(turn: Turn, flow: Flow) -> None:
    turn.state.flow = flow.id
    advance(turn)


def advance(turn: Turn) -> None:
    """Ask the next question, or show the summary when every question is answered.

    An urgent report first takes the fast path: a few questions, then it is filed at once.
    """
    state = turn.state
    flow = flow_of(state)
    state.picked = []
    if state.urgent and not state.filed and not state.editing:
        step = urgent_step(state, flow)
        if step is None:
            file_urgent(turn)
            return
    else:
        step = flow.next_step(state.answers)
    if step is None:
        state.editing = False
        state.mode = Mode.SUMMARY
        turn.repeat()
        return
    state.mode = Mode.ASK
    state.step = step.id
    ask(turn, step)


def urgent_step(state: State, flow: Flow) -> Step | None:
    """The next question of the urgent fast path, or None when it is time to file."""
    asked = sum(1 for step_id in state.trail if step_id in flow.urgent_steps)
    if asked >= flow.urgent_questions:
        return None
    return flow.next_urgent_step(state.answers)


def file_urgent(turn: Turn) -> None:
    """File the urgent report with what there is; then offer to complete it."""
    state = turn.state
    answers = flow_of(state).applicable_answers(state.answers)
    turn.effects.append(FileUrgent(answers=answers, language=turn.lang))
    state.filed = True
    state.mode = Mode.COMPLETE  # the service's receipt ends with the offer to complete it


def prompt_text(turn: Turn, step: Step) -> str:
    victim = turn.state.answers.get("reporter_role") == "victim"
    prompt = step.prompt_self if (victim and step.prompt_self) else step.prompt
    text = turn.t(prompt)
    if step.kind == "multi":
        text += "\n" + turn.t(
            "Elija una o varias opciones y luego «Listo», o escriba los "
            "números separados por comas, por ejemplo: 1, 3"
        )
    return text


def step_options(turn: Turn, step: Step) -> tuple[Option, ...]:
    picked = set(turn.state.picked)
    if step.kind in ("choice", "multi"):
        options = [
            Option(c.code, ("✓ " if c.code in picked else "") + turn.t(c.label))
            for c in step.choices
        ]
        if step.kind == "multi":
            options.append(Option(DONE, turn.t("Listo")))
    elif step.kind == "yesno":
        options = [Option("yes", turn.t("Sí")), Option("no", turn.t("No"))]
    elif step.kind == "country":
        options = [Option(code, i18n.country_name(code, turn.lang)) for code in step.suggestions]
    elif step.kind == "media":
        options = [Option(DONE, turn.t("Listo"))]
    else:
        options = []
    if step.skippable:
        options.append(Option(SKIP, turn.t("Saltar")))
    return tuple(options)


def ask(turn: Turn, step: Step, prefix: str | None = None) -> None:
    hint = {"media": "media", "place": "location", "text": "text"}.get(step.kind, "text")
    turn.say(
        prefixed(prefix, prompt_text(turn, step)),
        options=step_options(turn, step),
        step_id=step.id,
        multiple=step.kind == "multi",
        input_hint=hint,
    )


def show(turn: Turn, prefix: str | None) -> None:
    ask(turn, current_step(turn), prefix)


# -- answers ---------------------------------------------------------------------------------


def answer(turn: Turn, event: InboundEvent) -> None:
    step = current_step(turn)
    if event.choice is not None and event.step_id not in (None, step.id):
        turn.repeat(turn.t("Ese botón es de una pregunta anterior. Responda a esta:"))
        return
    if event.contact is not None:  # a shared contact card answers only "which number?"
        if step.kind != "phone":
            turn.repeat(turn.t("Escriba su respuesta"))
            return
        event = InboundEvent(text=event.contact)
    if event.media and event.text and step.kind == "text":
        # A caption under a photo is the person's words: keep the file and the answer.
        take_evidence(turn, InboundEvent(media=event.media), step, quiet=True)
        event = InboundEvent(text=event.text)
    elif step.voice and not event.text and (event.media or event.location):
        # A voice note (or a photo, a location) can be the answer itself: keep it and go on.
        kept = turn.state.evidence
        take_evidence(turn, event, step, quiet=True)
        if turn.state.evidence > kept:
            kind = "location" if event.location else media_kind(event.media[0].content_type)
            record(turn, step, {"evidence": kind})
        else:
            ask(turn, step)
        return
    elif event.media or (event.location and step.kind != "place"):
        take_evidence(turn, event, step)
        return
    event = typed_option(turn, step, event)
    if step.phone_field and event.choice is None and event.text:
        phone = parse_phone(event.text.strip())
        if phone is not None:  # a typed number is the answer "call me there"
            turn.state.answers[step.phone_field] = phone
            record(turn, step, "phone_call")
            return
    if is_skip(event, step):
        record(turn, step, None)
        return
    parsed = parse(turn, step, event)
    if parsed is INVALID:
        turn.repeat(invalid_hint(turn, step))
        return
    if parsed is PENDING:
        ask(turn, step)
        return
    if step.required_yes and parsed is False:
        turn.say(turn.t(step.required_yes), kind="info")
        discard(turn)
        turn.go_menu()
        return
    record(turn, step, parsed)


def typed_option(turn: Turn, step: Step, event: InboundEvent) -> InboundEvent:
    """A typed option number becomes a button press, where numbers mean options."""
    text = (event.text or "").strip().rstrip(".")
    if event.choice is not None or not text.isdecimal():  # "¹" is a digit, not a number
        return event
    options = step_options(turn, step)
    position = int(text)
    if not 1 <= position <= len(options):
        return event
    code = options[position - 1].code
    if step.kind in ("choice", "yesno", "country") or code in (SKIP, DONE):
        return InboundEvent(choice=code, step_id=step.id)
    return event


def is_skip(event: InboundEvent, step: Step) -> bool:
    if not step.skippable:
        return False
    if event.choice == SKIP:
        return True
    raw = (event.text or "").strip()
    typed = normalize(raw)
    if not raw:
        return False
    return (
        raw in SKIP_WORDS
        or typed in _SKIP
        or (step.kind == "text" and parse_yes_no(typed) is False)
    )


def record(turn: Turn, step: Step, value: Any) -> None:
    state = turn.state
    state.answers[step.id] = value
    if step.id not in state.trail:
        state.trail.append(step.id)
    if step.urgent_when is not None and value == step.urgent_when:
        mark_urgent(turn)
    if state.urgent:
        answers = flow_of(state).applicable_answers(state.answers)
        turn.effects.append(SaveAnswers(answers=answers, language=turn.lang))
    if state.editing and flow_of(state).next_step(state.answers) is None:
        state.editing = False
    advance(turn)


def mark_urgent(turn: Turn) -> None:
    """From now on the report is urgent: staff see it at once and it is filed in a few steps."""
    already = turn.state.urgent
    turn.state.urgent = True
    if not already:
        turn.effects.append(MarkUrgent())
    if not turn.state.urgent_told:
        turn.state.urgent_told = True
        later = turn.t("Su reporte es urgente.")
        if not turn.state.filed:
            later += " " + turn.t(
                "Le haremos hasta 4 preguntas rápidas y lo enviaremos enseguida. Puede "
                "saltar cualquiera."
            )
        turn.say(turn.emergency_text() + "\n" + later, kind="urgent")


def take_evidence(turn: Turn, event: InboundEvent, step: Step, *, quiet: bool = False) -> None:
    """Keep files and locations as evidence; `quiet` when the event also answers."""
    stored = 0
    for media in event.media:
        problem = media_problem(media, turn.ctx.media_max_bytes)
        if problem == "too_large":
            turn.say(too_large_text(turn.t, turn.ctx.media_max_bytes), kind="error")
        elif problem is not None:
            turn.say(
                turn.t("No puedo guardar ese tipo de archivo. Envíe una foto, un audio o un PDF."),
                kind="error",
            )
        else:
            turn.effects.append(StoreEvidence(media=media))
            stored += 1
    if event.location is not None:
        turn.effects.append(StoreEvidence(location=event.location))
        stored += 1
    turn.state.evidence += stored
    if quiet:
        return
    received = None
    if stored:
        received = turn.t("Recibido. Ya tenemos {count} prueba(s).").format(
            count=turn.state.evidence
        )
    if step.kind == "media":
        text = (received + "\n" if received else "") + turn.t(
            "Puede enviar más, o escribir «listo»."
        )
        turn.say(
            text,
            options=step_options(turn, step),
            step_id=step.id,
            kind="info",
            input_hint="media",
        )
    else:
        turn.repeat(received)


def discard(turn: Turn) -> None:
    turn.state.clear_draft()
    turn.effects.append(DiscardDraft())
