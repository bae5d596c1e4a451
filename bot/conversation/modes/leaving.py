"""Going back a question, and leaving: a report is deleted only when the person confirms,
and an urgent one is never deleted: leaving files what there is."""

from __future__ import annotations

from bot.conversation import yes_no
from bot.conversation.messages import InboundEvent
from bot.conversation.modes.complaint import ask, discard, flow_of
from bot.conversation.parsers import parse_yes_no
from bot.conversation.protocol import FileUrgent, SubmitCase
from bot.conversation.state import Mode, State
from bot.conversation.turn import Turn


def back(turn: Turn) -> None:
    state = turn.state
    if state.mode is Mode.EDIT or (state.mode is Mode.ASK and state.editing):
        restore_edit(state)
        state.mode = Mode.SUMMARY
        turn.repeat()
        return
    if state.mode not in (Mode.ASK, Mode.SUMMARY):
        turn.go_menu()
        return
    flow = flow_of(state)
    while state.trail:
        previous = state.trail.pop()
        step = flow.step(previous)
        applies = step.applies(state.answers)
        state.answers.pop(previous, None)
        for field in step.fills:  # what that answer gave goes with it
            if field not in state.trail:
                state.answers.pop(field, None)
        if applies:
            state.mode = Mode.ASK
            state.step = previous
            state.picked = []
            ask(turn, flow.step(previous))
            return
    turn.repeat(turn.t("Esta es la primera pregunta."))


def restore_edit(state: State) -> None:
    """Put back the answer being changed, unless a new one was given."""
    old = state.replaced
    state.replaced = None
    if old and old.step not in state.answers:
        state.answers[old.step] = old.value
    state.editing = False


def leave(turn: Turn) -> None:
    """The person said "exit": confirm first when that would delete answers given."""
    state = turn.state
    if state.urgent and state.mode in (Mode.ASK, Mode.SUMMARY, Mode.EDIT):
        send_what_there_is(turn)
        return
    if state.answers and state.mode in (Mode.ASK, Mode.SUMMARY, Mode.EDIT):
        state.resume = state.mode
        state.mode = Mode.CONFIRM_EXIT
        confirm_exit(turn, None)
        return
    goodbye(turn)


def send_what_there_is(turn: Turn) -> None:
    """Leaving an urgent report never deletes it: what was answered is filed."""
    state = turn.state
    restore_edit(state)
    answers = flow_of(state).applicable_answers(state.answers)
    if state.filed:
        turn.effects.append(SubmitCase(answers=answers, language=turn.lang, urgent=True))
    else:
        turn.effects.append(FileUrgent(answers=answers, language=turn.lang))
    state.clear_draft()
    state.mode = Mode.IDLE  # the service's receipt ends with the goodbye


def confirm_exit(turn: Turn, prefix: str | None) -> None:
    question = turn.t("¿Quiere salir? Se borrarán las respuestas de este reporte.")
    yes_no.ask(turn, question, "confirm_exit", prefix)


def on_confirm_exit(turn: Turn, event: InboundEvent) -> None:
    # An old "Sí" button must never confirm deleting a report.
    answer = yes_no.answer(turn, event, "confirm_exit", confirm_exit, _exit_answer)
    if answer is None:
        return
    resume = turn.state.resume or Mode.MENU
    turn.state.resume = None
    if answer:
        discard(turn)
        goodbye(turn)
    else:
        turn.state.mode = resume
        turn.repeat()


def _exit_answer(turn: Turn, event: InboundEvent) -> bool | None:
    return parse_yes_no(event.text or "") if event.choice is None else event.choice == "yes"


def goodbye(turn: Turn) -> None:
    turn.state.mode = Mode.IDLE
    turn.say(
        turn.t(
            "Hasta pronto. Escriba cuando quiera para volver a empezar. En una "
            "emergencia llame al 911."
        ),
        kind="info",
    )
