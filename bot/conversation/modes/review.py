"""The complaint's summary: check every answer, change one, or send the report."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.conversation import next_steps
from bot.conversation.messages import InboundEvent, Option
from bot.conversation.modes.complaint import flow_of
from bot.conversation.protocol import SubmitCase
from bot.conversation.state import Mode, Replaced
from bot.conversation.turn import Turn, prefixed
from bot.core import i18n
from bot.core.geography import MX_STATES
from flows import codes
from flows.keywords import SEND_WORDS
from flows.model import UNKNOWN, Step


def summary_items(turn: Turn) -> list[tuple[Step, Any]]:
    flow = flow_of(turn.state)
    answers = flow.applicable_answers(turn.state.answers)
    return [(step, answers[step.id]) for step in flow.steps if step.id in answers]


def show_summary(turn: Turn, prefix: str | None, *, full: bool = False) -> None:
    """The answers to check before sending. Where messages cannot be erased (SMS, WhatsApp) only
    how many were answered, unless the person asks to see them: a seized phone tells nothing."""
    turn.state.mode = Mode.SUMMARY
    items = summary_items(turn)
    options = [Option("send", turn.t("Enviar")), Option("change", turn.t("Cambiar una respuesta"))]
    if turn.ctx.can_erase or full:
        lines = [turn.t("Revise su reporte:")]
        # Bullets, not numbers: a number typed next answers the options below.
        lines += [f"- {turn.t(step.summary)}: {render(turn, step, v, full)}" for step, v in items]
        text = "\n".join(lines)
    else:
        text = turn.t("Su reporte está listo para enviar: {count} respuestas.").format(
            count=len(items)
        )
        options.append(Option("see", turn.t("Ver mis respuestas")))
    turn.say(
        prefixed(prefix, text),
        options=tuple(options),
        step_id="summary",
        kind="summary",
        sensitive=True,
    )


def on_summary(turn: Turn, event: InboundEvent) -> None:
    options = [
        ("send", [turn.t("Enviar"), *SEND_WORDS]),
        ("change", [turn.t("Cambiar una respuesta"), "cambiar", "change"]),
        ("see", [turn.t("Ver mis respuestas"), "ver", "see", "voir", "wè"]),
    ]
    choice = turn.pick(event, "summary", options)
    if choice == "send":
        submit(turn)
    elif choice == "change":
        show_edit_pick(turn, None)
    elif choice == "see":
        show_summary(turn, None, full=True)
    else:
        # Only the options again, not the whole summary: it may be long.
        turn.say(
            turn.pick_hint(),
            options=(
                Option("send", turn.t("Enviar")),
                Option("change", turn.t("Cambiar una respuesta")),
            ),
            step_id="summary",
            kind="error",
        )


def show_edit_pick(turn: Turn, prefix: str | None) -> None:
    turn.state.mode = Mode.EDIT
    text = turn.t("¿Qué respuesta quiere cambiar?")
    options = tuple(Option(step.id, turn.t(step.summary)) for step, _ in summary_items(turn))
    turn.say(prefixed(prefix, text), options=options, step_id="edit")


def on_edit_pick(turn: Turn, event: InboundEvent) -> None:
    options = [(step.id, [turn.t(step.summary)]) for step, _ in summary_items(turn)]
    choice = turn.pick(event, "edit", options)
    if choice is None:
        show_edit_pick(turn, turn.pick_hint())
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
    state.next_info = next_steps.topics(answers)
    state.next_info_until = next_steps.told_until(turn.ctx.now)
    state.clear_draft()
    state.mode = Mode.MENU
    state.replaced = None


def render(turn: Turn, step: Step, value: Any, full: bool = False) -> str:
    """An answer in plain words, for the summary."""
    t = turn.t
    if value is None:
        return t("(sin respuesta)")
    if value == UNKNOWN or value == ["unknown"]:
        return t("No sabe")
    if value is False:  # "no", at a yes/no question or one where "no" answers
        return t("No")
    if step.sensitive and not turn.ctx.can_erase and not full:
        return t("(respondido)")
    if isinstance(value, dict) and value.get("person"):
        return t("Prefiere contarlo a una persona")
    labels = {c.code: t(c.label) for c in step.choices}
    if step.kind == "choice":
        return labels.get(value, str(value))
    if step.kind == "multi":
        return ", ".join(labels.get(code, code) for code in value)
    if step.kind == "yesno":
        return t("Sí") if value else t("No")
    if step.kind == "country":
        several = turn.state.answers.get("victim_nationalities")
        if "victim_nationalities" in step.fills and isinstance(several, dict):
            return countries_text(several, turn.lang)
        return i18n.country_name(value, turn.lang)
    if step.kind == "mx_state":
        return MX_STATES.get(str(value), str(value))
    if step.kind == "date":
        return render_date(turn, value)
    if step.kind == "groups":
        return render_groups(turn, value)
    if step.kind == "age":
        return next((t(c.label) for c in codes.AGE_GROUPS if c.code == value), str(value))
    if step.kind == "where":
        answers = turn.state.answers
        if value == "abroad":
            country = answers.get("reporter_country")
            return i18n.country_name(country, turn.lang) if country else t("En otro país")
        state = answers.get("reporter_state")
        return MX_STATES.get(str(state), t("En México")) if state else t("En México")
    if step.kind == "media":
        return t("{count} prueba(s)").format(count=value)
    if step.kind == "place":
        return str(value.get("text") or t("Ubicación compartida"))
    if isinstance(value, dict) and "evidence" in value:  # a voice note or location answered
        return t("Lo envió como archivo: está en las pruebas.")
    return str(value)


def countries_text(found: Mapping[str, int | None], language: str) -> str:
    """ "Honduras (2), Guatemala (1)"; a country without a count, by its name alone."""
    return ", ".join(
        i18n.country_name(code, language) + ("" if count is None else f" ({count})")
        for code, count in found.items()
    )


def render_groups(turn: Turn, value: Mapping[str, Any]) -> str:
    """ "Mujeres: 2, Hombres: No sabe, Niñas y niños (menores de 18): 1"."""
    said = []
    for group in codes.VICTIM_GROUPS:
        count = value.get(group.code)
        said.append(f"{turn.t(group.label)}: {turn.t('No sabe') if count is None else count}")
    return ", ".join(said)


def render_date(turn: Turn, value: Mapping[str, Any]) -> str:
    day = date.fromisoformat(value["value"]) if value.get("value") else None
    said = i18n.format_approx_date(value.get("precision"), day, turn.lang, turn.t)
    return said or turn.t("No sabe")
