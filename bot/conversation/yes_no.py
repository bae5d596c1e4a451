"""A question answered yes or no, where a button of an earlier question never counts."""

from __future__ import annotations

from collections.abc import Callable

from bot.conversation.messages import InboundEvent, Option
from bot.conversation.turn import Turn, prefixed

Show = Callable[[Turn, str | None], None]  # shows the question, after an optional line
Read = Callable[[Turn, InboundEvent], bool | None]  # the yes or no in an event, if any


def ask(turn: Turn, question: str, step_id: str, prefix: str | None) -> None:
    """Ask `question` with a Sí and a No button."""
    turn.say(
        prefixed(prefix, question),
        options=(Option("yes", turn.t("Sí")), Option("no", turn.t("No"))),
        step_id=step_id,
    )


def answer(turn: Turn, event: InboundEvent, step_id: str, show: Show, read: Read) -> bool | None:
    """The yes or no `read` finds in the answer to the question `step_id`; None when there is
    none, after showing the question again with the reason."""
    if event.choice is not None and event.step_id not in (None, step_id):
        show(turn, turn.t("Ese botón es de una pregunta anterior. Responda a esta:"))
        return None
    said = read(turn, event)
    if said is None:
        show(turn, turn.t("Responda «sí» o «no»."))
    return said
