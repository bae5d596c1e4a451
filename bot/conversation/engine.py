"""The conversation engine: (state, inbound event, context) -> (state, messages, effects).

Pure: no database, no network, no clock of its own. Channels turn provider requests into
`InboundEvent`s and render the `OutboundMessage`s; `bot.intake.service` loads and saves state and
carries out the effects. Each mode's part (`modes/`) answers events in its mode; `SCREENS` below
says which part answers which mode, in one place.
"""

from __future__ import annotations

import copy

from bot.conversation import next_steps
from bot.conversation.messages import InboundEvent, OutboundMessage
from bot.conversation.modes import complaint, home, leaving, review, urgent
from bot.conversation.modes.document import Documents
from bot.conversation.modes.follow import FollowUp, is_see_word
from bot.conversation.modes.rights import RightsScreens, is_erase_request
from bot.conversation.next_steps import is_info_request
from bot.conversation.parsers import normalize
from bot.conversation.protocol import Complaint, Context, Outcome, Receipt, Result
from bot.conversation.state import Mode, State
from bot.conversation.turn import Screen, Turn
from bot.core.geography import nearest
from bot.core.text import normalize_case_code
from flows.keywords import GLOBAL_WORDS

MAX_TEXT = 4096
# Keywords compared the way typed text is: without case, accents or surrounding punctuation.
_COMMAND_WORDS = {normalize(w): cmd for cmd, words in GLOBAL_WORDS.items() for w in words}

# Which part answers the person in each mode, and how it shows its question again.
SCREENS: dict[Mode, Screen] = {
    Mode.NEW: Screen(home.on_idle, home.show_menu),
    Mode.LANGUAGE: Screen(home.on_language, home.show_language),
    Mode.MENU: Screen(home.on_menu, home.show_menu),
    Mode.IDLE: Screen(home.on_idle, home.show_menu),
    Mode.ASK: Screen(complaint.answer, complaint.show),
    Mode.SUMMARY: Screen(review.on_summary, review.show_summary),
    Mode.EDIT: Screen(review.on_edit_pick, review.show_edit_pick),
    Mode.CONFIRM_EXIT: Screen(leaving.on_confirm_exit, leaving.confirm_exit),
    Mode.COMPLETE: Screen(urgent.on_complete, urgent.offer_complete),
    Mode.RIGHTS: Screen.of(RightsScreens, RightsScreens.on_rights, RightsScreens.show_rights),
    Mode.TOPIC: Screen.of(RightsScreens, RightsScreens.on_topic, RightsScreens.show_again),
    Mode.RIGHTS_WHERE: Screen.of(RightsScreens, RightsScreens.on_where, RightsScreens.ask_where),
    Mode.CONFIRM_ERASE: Screen.of(
        RightsScreens, RightsScreens.on_confirm_erase, RightsScreens.ask_erase
    ),
    Mode.FOLLOW: Screen.of(FollowUp, FollowUp.on_event, FollowUp.repeat),
    Mode.DOCUMENT: Screen.of(Documents, Documents.on_event, Documents.ask),
}
if set(SCREENS) != set(Mode):  # checked when built, like the flows
    raise RuntimeError(f"modes without a screen: {sorted(set(Mode) - set(SCREENS))}")


def handle(state: State | None, event: InboundEvent, ctx: Context) -> Result:
    """Answer one inbound event."""
    turn = Turn(copy.deepcopy(state) if state else State(), ctx, SCREENS)
    dispatch(turn, event)
    return Result(state=turn.state, messages=turn.messages, effects=turn.effects)


def resume(state: State, outcome: Outcome, ctx: Context) -> Result:
    """Continue after the service performed an effect; only the service calls this."""
    turn = Turn(copy.deepcopy(state), ctx, SCREENS)
    if isinstance(outcome, Complaint):
        Documents(turn).resume(outcome)
    else:
        FollowUp(turn).resume(outcome)
    return Result(state=turn.state, messages=turn.messages, effects=turn.effects)


def receipt_messages(
    state: State, receipt: Receipt, ctx: Context | None = None
) -> list[OutboundMessage]:
    """What the person is told once the service filed (or completed) the report, in one message,
    then what comes next: the offer to complete an urgent report, the goodbye, or the menu."""
    turn = Turn(copy.deepcopy(state), ctx, SCREENS)
    t = turn.t
    if receipt.completed:
        lines = [t("Gracias. Sus respuestas se agregaron a su reporte.")]
    else:
        lines = [
            t("Su reporte fue enviado. Gracias por su valor."),
            t("Su código de caso es: {code}").format(code=receipt.code),
            t("Guárdelo en un lugar seguro. Con él puede preguntar por su caso."),
        ]
    if not receipt.completed:
        lines += _who_reviews(turn, receipt)
    erasable = ctx is None or ctx.can_erase
    # Where every message costs, numbers the person was given a moment ago are not repeated.
    told = not erasable and turn.state.urgent_told
    if not receipt.completed and (receipt.urgent or not receipt.reviewers) and not told:
        lines.append(turn.emergency_text())
    if receipt.urgent and receipt.contact_line and not receipt.completed:
        lines.append(
            t("También puede llamar al equipo: {phone}").format(phone=receipt.contact_line)
        )
    if not receipt.completed:
        # TRANSLATORS: information, not a promise: Camino is run by civil organizations; a
        # "denuncia" is made only before the Ministerio Público (Código Nacional de
        # Procedimientos Penales, art. 221).
        lines.append(t("Camino no es el gobierno: este reporte no es una denuncia."))
    info = turn.state.next_info if not receipt.urgent or receipt.completed else []
    if info and not erasable:  # on a phone others may look at, only if asked for (the answer
        lines.append(next_steps.offer_line(turn))  # says how to go back to the menu)
    if erasable:
        lines.append(t("Camino nunca le pedirá dinero."))
    else:  # said in the welcome; here, what keeps a looked-at phone quiet
        lines.append(t("Consejo: borre estos mensajes de su teléfono."))
    turn.offer_document = receipt.document
    said = [OutboundMessage("\n".join(lines), kind="receipt", sensitive=True)]
    if info and erasable:
        said += next_steps.messages(turn, info)
    if receipt.pin:  # a message of its own: channels that keep a transcript show it only once
        pin = t(
            "PIN para su familiar: {pin}. Solo se muestra esta vez. Compártalo solo "
            "con alguien de confianza."
        )
        said.append(OutboundMessage(pin.format(pin=receipt.pin), kind="pin", sensitive=True))
    if receipt.reply_pin:  # the web chat reporter's own, to read and answer the shelter
        mine = t(
            "Su PIN para leer y contestar las respuestas del albergue: {pin}. Es solo suyo: "
            "vuelva a este chat, elija «Seguir un caso» y escriba su código y este PIN. "
            "Solo se muestra esta vez."
        )
        said.append(OutboundMessage(mine.format(pin=receipt.reply_pin), kind="pin", sensitive=True))
    if turn.state.mode is Mode.COMPLETE:
        urgent.offer_complete(turn, None)
    elif turn.state.mode is Mode.IDLE:
        leaving.goodbye(turn)
    elif erasable:
        turn.messages.append(home.menu_message(turn))
    elif not info:  # SMS and WhatsApp: the menu costs messages; the word brings it back
        turn.say(t("Para volver al inicio, escriba «menú»."), kind="info")
    return [*said, *turn.messages]


def _who_reviews(turn: Turn, receipt: Receipt) -> list[str]:
    """Who will review the report and when; or, honestly, that nobody covers that place yet."""
    t = turn.t
    if receipt.reviewers:
        names = ", ".join(receipt.reviewers)
        if receipt.alerted:
            line = t("Avisamos ahora mismo al equipo de guardia de: {names}.")
        elif receipt.urgent:
            line = t("Su reporte urgente ya está en la bandeja de: {names}.")
        else:
            line = t("Su reporte lo revisará: {names}.")
        lines = [line.format(names=names)]
        if receipt.response_hours and not receipt.urgent:  # urgent: the on-call team, now
            lines.append(
                t("Suelen responder en {hours} horas.").format(hours=receipt.response_hours)
            )
        return lines
    lines = [
        t(
            "Todavía ninguna organización de Camino cubre ese lugar. Guardamos su reporte; "
            "mientras tanto, estas organizaciones pueden ayudarle:"
        )
    ]
    state = turn.state.answers.get("incident_state") or turn.state.answers.get("danger_state")
    entries = turn.context.directory if turn.context is not None else ()
    for entry in nearest(entries, state=state, limit=3):
        lines.append(f"- {entry.name}" + (f": {entry.contact}" if entry.contact else ""))
    if len(lines) == 1:
        lines = [t("Todavía ninguna organización de Camino cubre ese lugar.")]
    return lines


def dispatch(turn: Turn, event: InboundEvent) -> None:
    """What every mode shares first (commands, words that work anywhere), then the mode's part."""
    mode = turn.state.mode
    if mode is Mode.NEW:
        if (event.command or "").lower() == "start" and event.payload:
            turn.state.pending_code = normalize_case_code(event.payload)
        home.start(turn, event.language_hint, event.text)
        return
    if event.text is not None and len(event.text) > MAX_TEXT:
        turn.say(
            turn.t("Su mensaje es muy largo. Envíelo en partes más cortas, por favor."),
            kind="error",
        )
        turn.repeat()
        return
    if event.command:
        command(turn, event)
        return
    if is_erase_request(event.text):
        RightsScreens(turn).ask_erase()
        return
    word = _COMMAND_WORDS.get(normalize(event.text)) if event.text else None
    if word is not None:
        command(turn, InboundEvent(command=word))
        return
    if (
        turn.state.next_info
        and mode in (Mode.MENU, Mode.IDLE)
        and is_info_request(event.text)
        and next_steps.still_told(turn.state.next_info_until, turn.ctx.now)
    ):
        turn.messages += next_steps.messages(turn, turn.state.next_info)
        if turn.ctx.can_erase:
            turn.repeat()
        else:  # the menu costs messages; the word brings it back
            turn.say(turn.t("Para volver al inicio, escriba «menú»."), kind="info")
        return
    if turn.ctx.follows and mode not in (Mode.ASK, Mode.EDIT) and is_see_word(event.text):
        FollowUp(turn).show_updates(None)
        return
    SCREENS[mode].answer(turn, event)


def command(turn: Turn, event: InboundEvent) -> None:
    name = (event.command or "").lower()
    if name == "start":
        if event.payload:  # a deep link: follow a case, its code already known
            FollowUp(turn).begin(normalize_case_code(event.payload))
            return
        home.welcome_and_menu(turn)
    elif name == "menu":
        turn.go_menu()
    elif name == "back":
        leaving.back(turn)
    elif name == "exit":
        leaving.leave(turn)
    elif name == "help":
        home.show_help(turn)
    elif name == "language":
        home.ask_language(turn, resume=True)
    else:
        turn.say(turn.t("No conozco esa orden."), kind="error")
        turn.repeat()
