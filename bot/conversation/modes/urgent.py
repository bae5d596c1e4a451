"""After the fast path filed an urgent report: complete it now, in the same case, or stop."""

from __future__ import annotations

from bot.conversation.messages import InboundEvent, Option
from bot.conversation.modes.complaint import advance
from bot.conversation.parsers import parse_yes_no
from bot.conversation.protocol import DiscardDraft
from bot.conversation.state import Mode
from bot.conversation.turn import Turn, prefixed


def offer_complete(turn: Turn, prefix: str | None) -> None:
    turn.say(
        prefixed(
            prefix,
            turn.t(
                "¿Quiere completar el reporte ahora? Todo se agrega al mismo reporte; puede "
                "parar cuando quiera."
            ),
        ),
        options=(Option("yes", turn.t("Sí")), Option("no", turn.t("No"))),
        step_id="complete",
    )


def on_complete(turn: Turn, event: InboundEvent) -> None:
    if event.choice is not None and event.step_id not in (None, "complete"):
        offer_complete(turn, turn.t("Ese botón es de una pregunta anterior. Responda a esta:"))
        return
    picked = turn.pick(event, "complete", [("yes", [turn.t("Sí")]), ("no", [turn.t("No")])])
    answer = parse_yes_no(event.text or "") if picked is None else picked == "yes"
    if answer is None:
        offer_complete(turn, turn.t("Responda «sí» o «no»."))
        return
    if answer:
        advance(turn)
        return
    turn.state.clear_draft()
    turn.effects.append(DiscardDraft())  # unlinks the filed report; only drafts are deleted
    turn.state.mode = Mode.MENU
    turn.repeat(turn.t("Está bien. Su reporte urgente ya está enviado; un equipo lo atenderá."))
