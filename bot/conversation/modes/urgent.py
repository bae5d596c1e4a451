"""After the fast path filed an urgent report: complete it now, in the same case, or stop."""

from __future__ import annotations

from bot.conversation import yes_no
from bot.conversation.messages import InboundEvent
from bot.conversation.modes.complaint import advance
from bot.conversation.parsers import parse_yes_no
from bot.conversation.protocol import DiscardDraft
from bot.conversation.state import Mode
from bot.conversation.turn import Turn


def offer_complete(turn: Turn, prefix: str | None) -> None:
    question = turn.t(
        "¿Quiere completar el reporte ahora? Todo se agrega al mismo reporte; puede parar "
        "cuando quiera."
    )
    yes_no.ask(turn, question, "complete", prefix)


def on_complete(turn: Turn, event: InboundEvent) -> None:
    answer = yes_no.answer(turn, event, "complete", offer_complete, _complete_answer)
    if answer is None:
        return
    if answer:
        advance(turn)
        return
    turn.state.clear_draft()
    turn.effects.append(DiscardDraft())  # unlinks the filed report; only drafts are deleted
    turn.state.mode = Mode.MENU
    turn.repeat(turn.t("Está bien. Su reporte urgente ya está enviado; un equipo lo atenderá."))


def _complete_answer(turn: Turn, event: InboundEvent) -> bool | None:
    """A button, a typed number or label ("1", "Sí"), else any yes or no."""
    picked = turn.pick(event, "complete", [("yes", [turn.t("Sí")]), ("no", [turn.t("No")])])
    return parse_yes_no(event.text or "") if picked is None else picked == "yes"
