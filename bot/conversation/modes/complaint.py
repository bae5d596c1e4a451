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
    PERSON,
    SKIP,
    UNKNOWN_CHOICE,
    Filled,
    invalid_hint,
    offered,
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
from bot.conversation.understand import is_unknown
from bot.core import i18n
from bot.core.channels import is_metered
from flows.complaint import COMPLAINT
from flows.keywords import SKIP_WORDS
from flows.model import UNKNOWN, All, AnyOf, Condition, Flow, Has, Is, Not, Step

# "Llamada a este número": the number the chat writes from.
CALL_THIS = "call_this"
_SKIP = frozenset(normalize(w) for w in SKIP_WORDS) - {""}
# Questions answered in words: words sent with a file answer them.
_TEXT_KINDS = frozenset({"text", "place"})
# Questions answered with a number: a typed number is the answer, not an option's.
_COUNTED_KINDS = frozenset({"number", "age"})
_KINDS = frozenset(
    {"choice", "multi", "yesno", "text", "number", "date", "country", "mx_state", "phone"}
    | {"media", "place", "where", "age", "groups"}
)


class FlowError(ValueError):
    """A flow that the engine cannot ask: named step and problem in the message."""


def checked(flow: Flow) -> Flow:
    """The flow, once its steps are known to be askable (goflow checks its flows the same way)."""
    seen: set[str] = set()  # the fields known before each step: earlier steps and what they fill
    ids: set[str] = set()
    for step in flow.steps:
        if step.id in ids or step.id in (SKIP, DONE):
            raise FlowError(f"flow {flow.id}: step id {step.id!r} is used twice or reserved")
        if step.kind not in _KINDS:
            raise FlowError(f"flow {flow.id}, step {step.id}: unknown kind {step.kind!r}")
        asked = {field for field in _fields(step.when)} - seen
        if asked:
            raise FlowError(f"flow {flow.id}, step {step.id}: depends on later {sorted(asked)}")
        codes = [choice.code for choice in step.choices]
        if len(set(codes)) != len(codes) or (step.kind in ("choice", "multi")) != bool(codes):
            raise FlowError(f"flow {flow.id}, step {step.id}: choices missing or repeated")
        ids.add(step.id)
        seen.add(step.id)
        seen.update(step.fills)
        seen.update(field for _, field in step.flags)
    unknown = set(flow.urgent_steps) - seen
    if unknown:
        raise FlowError(f"flow {flow.id}: unknown urgent steps {sorted(unknown)}")
    return flow


def _fields(condition: Condition | None) -> set[str]:
    """The steps whose answers a condition reads."""
    if isinstance(condition, Is | Has):
        return {condition.field}
    if isinstance(condition, Not):
        return _fields(condition.condition)
    if isinstance(condition, All | AnyOf):
        return set().union(*(_fields(part) for part in condition.conditions))
    return set()


FLOWS: dict[str, Flow] = {flow.id: checked(flow) for flow in (COMPLAINT,)}


def flow_of(state: State) -> Flow:
    return FLOWS[state.flow or COMPLAINT.id]


def current_step(turn: Turn) -> Step:
    flow = flow_of(turn.state)
    step_id = str(turn.state.step)
    if step_id not in flow.index:  # a question of an earlier version of the flow
        step = flow.next_step(turn.state.answers) or flow.steps[-1]
        turn.state.step = step.id
        return step
    return flow.step(step_id)


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
    answers = turn.state.answers
    victim = answers.get("reporter_role") == "victim"
    several = answers.get("victim_count") not in (None, 1)
    prompt = step.prompt_self if (victim and step.prompt_self) else step.prompt
    if several and step.prompt_several:
        prompt = step.prompt_several
    return turn.t(prompt)


def step_options(turn: Turn, step: Step) -> tuple[Option, ...]:
    picked = set(turn.state.picked)
    if step.kind in ("choice", "multi"):
        options = [
            Option(c.code, ("✓ " if c.code in picked else "") + turn.t(c.label))
            for c in offered(turn, step)
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
    if step.voice and step.id == "description":
        options.append(Option(PERSON, turn.t("Prefiero contarlo a una persona")))
    if step.unknown and step.kind != "media" and not _has_unknown_choice(step):
        options.append(Option(UNKNOWN_CHOICE, turn.t("No sé")))
        if step.skippable and step.sensitive and step.kind == "text":
            # A name one knows but would rather not give is not "No sé".
            options.append(Option(SKIP, turn.t("Prefiero no decir")))
    elif step.skippable:  # "No sé" answers it, "saltar" typed still skips it
        options.append(Option(SKIP, turn.t("Saltar")))
    return tuple(options)


def _has_unknown_choice(step: Step) -> bool:
    return any(choice.code == "unknown" for choice in step.choices)


def ask(turn: Turn, step: Step, prefix: str | None = None) -> None:
    hint = {"media": "media", "place": "location", "text": "text"}.get(step.kind, "text")
    if step.voice:  # a voice note answers it: the web chat offers a file too
        hint = "media"
    turn.say(
        prefixed(prefix, prompt_text(turn, step)),
        options=step_options(turn, step),
        step_id=step.id,
        multiple=step.kind == "multi",
        input_hint=hint,
    )


# On a metered channel a list this long is not sent again: the one above still holds.
LONG_LIST = 8


def reask(turn: Turn, step: Step, hint: str | None) -> None:
    """The question again after an unclear answer; on SMS without a long list just sent."""
    count = len(step_options(turn, step))
    if turn.context is None or not is_metered(turn.context.channel) or count < LONG_LIST:
        turn.repeat(hint)
        return
    numbers = turn.t("Use los números de la lista de arriba, del 1 al {count}.")
    turn.say(
        prefixed(hint, prompt_text(turn, step) + "\n" + numbers.format(count=count)),
        step_id=step.id,
        multiple=step.kind == "multi",
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
    if event.media and event.text and step.kind in _TEXT_KINDS:
        # A caption under a photo is the person's words: keep the file and the answer.
        take_evidence(turn, InboundEvent(media=event.media), step, quiet=True)
        event = InboundEvent(text=event.text)
    elif step.voice and not event.text and _voice_answer(step, event):
        # A voice note (or, for what happens now, a location) is the answer itself: keep it.
        kept = turn.state.evidence
        take_evidence(turn, event, step, quiet=True)
        if turn.state.evidence > kept:
            kind = "location" if event.location else media_kind(event.media[0].content_type)
            record(turn, step, {"evidence": kind})
        else:
            ask(turn, step)
        return
    elif event.media or (event.location and step.kind != "place"):
        # Words with a file at a question they do not answer: a note on the evidence.
        take_evidence(turn, event, step, note=(event.text or "").strip() or None)
        return
    event = typed_option(turn, step, event)
    if event.choice == PERSON and step.id == "description":
        record(turn, step, {"person": True})  # a call-back request: the case says so
        return
    if step.unknown and (event.choice == UNKNOWN_CHOICE or is_unknown(event.text)):
        record(turn, step, _unknown_answer(step))
        return
    if step.phone_field and event.choice is None and event.text:
        phone = parse_phone(event.text.strip())
        if phone is not None:  # a typed number is the answer "call me there"
            record(turn, step, Filled("phone_call", {step.phone_field: phone}))
            return
    if is_skip(event, step):
        record(turn, step, None)
        return
    parsed = parse(turn, step, event)
    if parsed is INVALID:
        reask(turn, step, invalid_hint(turn, step))
        return
    if parsed is PENDING:
        ask(turn, step)
        return
    if step.phone_field and parsed == CALL_THIS and turn.ctx.phone:
        parsed = Filled(CALL_THIS, {step.phone_field: turn.ctx.phone})
    if step.required_yes and parsed is False:
        turn.say(turn.t(step.required_yes), kind="info")
        discard(turn)
        turn.go_menu()
        return
    record(turn, step, parsed)


def _voice_answer(step: Step, event: InboundEvent) -> bool:
    """A voice note answers a question that takes one; a location, what happens now."""
    if event.location is not None:
        return step.id == "happening_now"
    return any(media_kind(m.content_type) == "audio" for m in event.media)


def _unknown_answer(step: Step) -> Any:
    """ "No sé", stored as the step's own unknown where it has one, else as UNKNOWN."""
    if step.kind == "date":
        return {"precision": "unknown", "value": None}
    if step.kind == "multi" and _has_unknown_choice(step):
        return ["unknown"]
    if step.kind == "choice" and _has_unknown_choice(step):
        return "unknown"
    return UNKNOWN


def typed_option(turn: Turn, step: Step, event: InboundEvent) -> InboundEvent:
    """A typed option number becomes a button press, where numbers mean options."""
    text = (event.text or "").strip().rstrip(".")
    if event.choice is not None or not text.isdecimal():  # "¹" is a digit, not a number
        return event
    if step.kind in _COUNTED_KINDS:  # "1" at "how many?" is one, never the "No sé" button
        return event
    options = step_options(turn, step)
    position = int(text)
    if not 1 <= position <= len(options):
        return event
    code = options[position - 1].code
    if step.kind in ("choice", "yesno", "country") or code in (SKIP, DONE, UNKNOWN_CHOICE, PERSON):
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
        or (step.kind == "text" and not step.takes_no and parse_yes_no(typed) is False)
    )


def record(turn: Turn, step: Step, value: Any) -> None:
    state = turn.state
    extras: dict[str, Any] = {}
    if isinstance(value, Filled):
        value, extras = value.value, dict(value.extras)
    for choice in step.choices:
        if step.kind == "choice" and choice.code == value:
            extras.update(choice.sets)
    if step.flags and isinstance(value, list):
        extras.update({field: code in value for code, field in step.flags})
    for field in step.fills:  # a new answer replaces what the old one gave
        if field not in state.trail:
            state.answers.pop(field, None)
    # What the person answered to a question of its own stands.
    state.answers.update({k: v for k, v in extras.items() if k not in state.trail})
    state.answers[step.id] = value
    if step.id not in state.trail:
        state.trail.append(step.id)
    if _is_urgent(step, value):
        mark_urgent(turn)
    if state.urgent:
        answers = flow_of(state).applicable_answers(state.answers)
        turn.effects.append(SaveAnswers(answers=answers, language=turn.lang))
    if state.editing and flow_of(state).next_step(state.answers) is None:
        state.editing = False
    advance(turn)


def _is_urgent(step: Step, value: Any) -> bool:
    if step.urgent_when is None or value is None:
        return False
    if isinstance(step.urgent_when, tuple):
        return value in step.urgent_when
    return bool(value == step.urgent_when)


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
            later += " " + turn.t("Hasta 4 preguntas rápidas y lo enviamos.")
        turn.say(turn.emergency_text() + "\n" + later, kind="urgent")


def take_evidence(
    turn: Turn, event: InboundEvent, step: Step, *, quiet: bool = False, note: str | None = None
) -> None:
    """Keep files and locations as evidence, the first with `note` (the words sent with it);
    `quiet` when the event also answers."""
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
            turn.effects.append(StoreEvidence(media=media, note=None if stored else note))
            stored += 1
    if event.location is not None:
        turn.effects.append(StoreEvidence(location=event.location, note=None if stored else note))
        stored += 1
    turn.state.evidence += stored
    if quiet:
        return
    received = None
    if stored:
        received = turn.t("Recibido. Pruebas guardadas: {count}.").format(count=turn.state.evidence)
        if note:
            received += " " + turn.t("Sus palabras quedaron guardadas con la prueba.")
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
        reask(turn, step, received)


def discard(turn: Turn) -> None:
    turn.state.clear_draft()
    turn.effects.append(DiscardDraft())
