"""The complaint's summary: check every answer, change one, or send the report."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.conversation.messages import InboundEvent, Option
from bot.conversation.modes.complaint import flow_of
from bot.conversation.protocol import SubmitCase
from bot.conversation.state import Mode, Replaced
from bot.conversation.turn import Turn, prefixed
from bot.core import i18n
from bot.core.geography import MX_STATES
from flows.keywords import SEND_WORDS
from flows.model import Step


def summary_items(turn: Turn) -> list[tuple[Step, Any]]:
    flow = flow_of(turn.state)
    answers = flow.applicable_answers(turn.state.answers)
    return [(step, answers[step.id]) for step in flow.steps if step.id in answers]


def show_summary(turn: Turn, prefix: str | None) -> None:
    turn.state.mode = Mode.SUMMARY
    lines = [turn.t("Revise su reporte:")]
    for number, (step, value) in enumerate(summary_items(turn), start=1):
        lines.append(f"{number}. {turn.t(step.summary)}: {render(turn, step, value)}")
    turn.say(
        prefixed(prefix, "\n".join(lines)),
        options=(
            Option("send", turn.t("Enviar")),
            Option("change", turn.t("Cambiar una respuesta")),
        ),
        step_id="summary",
        kind="summary",
        sensitive=True,
    )


def on_summary(turn: Turn, event: InboundEvent) -> None:
    options = [
        ("send", [turn.t("Enviar"), *SEND_WORDS]),
        ("change", [turn.t("Cambiar una respuesta"), "cambiar", "change"]),
    ]
    choice = turn.pick(event, "summary", options)
    if choice == "send":
        submit(turn)
    elif choice == "change":
        show_edit_pick(turn, None)
    else:
        turn.repeat(turn.t("Responda con el número de una opción."))


def show_edit_pick(turn: Turn, prefix: str | None) -> None:
    turn.state.mode = Mode.EDIT
    text = turn.t("¿Qué respuesta quiere cambiar?")
    options = tuple(Option(step.id, turn.t(step.summary)) for step, _ in summary_items(turn))
    turn.say(prefixed(prefix, text), options=options, step_id="edit")


def on_edit_pick(turn: Turn, event: InboundEvent) -> None:
    options = [(step.id, [turn.t(step.summary)]) for step, _ in summary_items(turn)]
    choice = turn.pick(event, "edit", options)
    if choice is None:
        show_edit_pick(turn, turn.t("Responda con el número de una opción."))
        return
    state = turn.state
    step = flow_of(state).step(choice)
    state.editing = True
    state.replaced = Replaced(step.id, state.answers.pop(step.id))
    state.mode = Mode.ASK
    state.step = step.id
    state.picked = []
    turn.repeat()


def submit(turn: Turn) -> None:
    state = turn.state
    answers = flow_of(state).applicable_answers(state.answers)
    turn.effects.append(SubmitCase(answers=answers, language=turn.lang, urgent=state.urgent))
    state.clear_draft()
    state.mode = Mode.MENU
    state.replaced = None


def render(turn: Turn, step: Step, value: Any) -> str:
    """An answer in plain words, for the summary."""
    t = turn.t
    if value is None:
        return t("(sin respuesta)")
    if step.sensitive and not turn.ctx.can_erase:
        return t("(respondido)")
    labels = {c.code: t(c.label) for c in step.choices}
    if step.kind == "choice":
        return labels.get(value, str(value))
    if step.kind == "multi":
        return ", ".join(labels.get(code, code) for code in value)
    if step.kind == "yesno":
        return t("Sí") if value else t("No")
    if step.kind == "country":
        return i18n.country_name(value, turn.lang)
    if step.kind == "mx_state":
        return MX_STATES.get(str(value), str(value))
    if step.kind == "date":
        return render_date(turn, value)
    if step.kind == "media":
        return t("{count} prueba(s)").format(count=value)
    if step.kind == "place":
        return str(value.get("text") or t("Ubicación compartida"))
    if isinstance(value, dict) and "evidence" in value:  # a voice note or location answered
        return t("Lo envió como archivo: está en las pruebas.")
    return str(value)


def render_date(turn: Turn, value: Mapping[str, Any]) -> str:
    precision = value.get("precision")
    if precision == "day" and value.get("value"):
        return i18n.format_day(date.fromisoformat(value["value"]), turn.lang)
    if precision == "month" and value.get("value"):
        return i18n.format_month(date.fromisoformat(value["value"]), turn.lang)
    if precision == "over_a_year":
        return turn.t("Hace más de un año")
    return turn.t("No sabe")
