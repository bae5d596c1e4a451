"""The first contact, the language, the main menu, help and emergency numbers."""

from __future__ import annotations

from bot.conversation.greeting import greeting_language
from bot.conversation.messages import InboundEvent, Option, OutboundMessage
from bot.conversation.modes import complaint
from bot.conversation.modes.answers import invalid_hint
from bot.conversation.modes.document import Documents
from bot.conversation.modes.follow import FollowUp
from bot.conversation.modes.rights import RightsScreens
from bot.conversation.state import Mode
from bot.conversation.turn import Turn
from bot.conversation.understand import asks_to_follow, dashed_code_in
from bot.core import i18n
from flows import follow_up
from flows.complaint import COMPLAINT
from flows.rights import MENU_TITLE as RIGHTS_MENU_TITLE

# -- start and language ----------------------------------------------------------------------


def start(turn: Turn, hint: str | None, text: str | None = None) -> None:
    """The first message: in the language its first words tell, else the app's (Telegram's
    language code, the browser's), else the person chooses."""
    available = i18n.available_languages()
    hint = (hint or "").split("-")[0].lower()
    language = greeting_language(text, available) or (hint if hint in available else None)
    # A relative's first message may be the receipt line they were sent: follow that case.
    turn.state.pending_code = turn.state.pending_code or dashed_code_in(text)
    if language is not None:
        turn.set_language(language)
        welcome_and_menu(turn)
        if not follow_pending_code(turn):
            follow_if_asked(turn, text)
    else:
        ask_language(turn, resume=False)


def ask_language(turn: Turn, *, resume: bool) -> None:
    state = turn.state
    if resume and state.mode not in (Mode.LANGUAGE, Mode.NEW):
        state.resume = state.mode
    state.mode = Mode.LANGUAGE
    turn.say("Idioma / Language", options=turn.language_options(), step_id="language")


def show_language(turn: Turn, prefix: str | None) -> None:
    ask_language(turn, resume=False)


def on_language(turn: Turn, event: InboundEvent) -> None:
    options = [(o.code, [o.label, o.code]) for o in turn.language_options()]
    # A greeting answers it too: "hola" is Spanish.
    choice = turn.pick(event, "language", options) or greeting_language(
        event.text, i18n.available_languages()
    )
    if choice is None:
        turn.say(
            "Idioma / Language: 1, 2...",
            options=turn.language_options(),
            step_id="language",
            kind="error",
        )
        return
    turn.set_language(choice)
    resume, turn.state.resume = turn.state.resume, None
    if resume and resume not in (Mode.MENU, Mode.IDLE):
        turn.state.mode = resume
        turn.repeat()
    else:
        welcome_and_menu(turn)
        follow_pending_code(turn)


def follow_pending_code(turn: Turn) -> bool:
    """A Telegram deep link carried a case code: after the welcome, ask for the PIN."""
    code, turn.state.pending_code = turn.state.pending_code, None
    if code:
        turn.messages.pop()  # the menu just shown: the PIN question replaces it
        FollowUp(turn).begin(code)
    return code is not None


def follow_if_asked(turn: Turn, text: str | None) -> None:
    """A first message that asks to follow a case: after the welcome, ask for its code."""
    if asks_to_follow(text):
        turn.messages.pop()  # the menu just shown: the code question replaces it
        FollowUp(turn).begin()


def welcome_and_menu(turn: Turn) -> None:
    ctx = turn.context
    if ctx is None or ctx.can_erase:
        text = turn.t(
            "Bienvenido a Camino, un canal seguro para reportar delitos y abusos "
            "contra personas migrantes en México. Es gratis. Camino nunca le pedirá "
            "dinero."
        )
    else:  # SMS and WhatsApp cannot be erased: a phone looked at by others tells nothing
        text = turn.t(
            "Bienvenido a Camino. Es gratis y nunca le pedirá dinero. Consejo: borre estos "
            "mensajes cuando termine."
        )
    turn.say(text, kind="info")
    turn.go_menu()


# -- the main menu ---------------------------------------------------------------------------


def show_menu(turn: Turn, prefix: str | None) -> None:
    """The main menu (after a line saying what went wrong, if any)."""
    if prefix:
        turn.say(prefix, kind="error")
    turn.state.mode = Mode.MENU
    turn.messages.append(menu_message(turn))


def menu_message(turn: Turn) -> OutboundMessage:
    return OutboundMessage(turn.t("¿Qué quiere hacer?"), options=menu_options(turn), step_id="menu")


def menu_options(turn: Turn) -> tuple[Option, ...]:
    t = turn.t
    report = t("Continuar mi reporte") if turn.state.answers else t(COMPLAINT.title)
    return (
        Option("report", report),
        Option("rights", t(RIGHTS_MENU_TITLE)),
        *follow_options(turn),
        *Documents(turn).option(),
        Option("emergency", t("Números de emergencia")),
        Option("language", t("Cambiar idioma")),
    )


def follow_options(turn: Turn) -> tuple[Option, ...]:
    """Follow a case; and, when they apply, news of followed cases and who follows mine."""
    ctx = turn.context
    options = [Option("follow", turn.t(follow_up.TITLE))]
    if ctx is not None and ctx.follows:
        options.append(Option("my_follow", turn.t(follow_up.MY_CASES_TITLE)))
    if ctx is not None and ctx.reports_followable:
        options.append(Option("followers", turn.t(follow_up.FOLLOWERS_TITLE)))
    return tuple(options)


def on_menu(turn: Turn, event: InboundEvent) -> None:
    options = [(o.code, [o.label]) for o in menu_options(turn)]
    choice = turn.pick(event, "menu", options)
    if choice == "report":
        complaint.begin(turn, COMPLAINT)
    elif choice == "rights":
        RightsScreens(turn).show_rights()
    elif choice == "follow":
        FollowUp(turn).begin()
    elif choice == "my_follow":
        FollowUp(turn).show_updates(None)
    elif choice == "followers":
        FollowUp(turn).list_followers()
    elif choice == "document":
        Documents(turn).begin()
    elif choice == "emergency":
        turn.say(turn.emergency_text(), kind="urgent")
        turn.go_menu()
    elif choice == "language":
        ask_language(turn, resume=False)
    elif (code := dashed_code_in(event.text)) is not None:
        # A relative pastes the code they were sent before choosing "follow a case".
        FollowUp(turn).begin(code)
    elif asks_to_follow(event.text):
        FollowUp(turn).begin()
    elif greeting_language(event.text, i18n.available_languages()) is not None:
        turn.go_menu()  # "hola" back after a while is no wrong answer
    else:
        turn.say(turn.pick_hint(), kind="error")
        turn.go_menu()


def on_idle(turn: Turn, event: InboundEvent) -> None:
    turn.state.pending_code = dashed_code_in(event.text)
    welcome_and_menu(turn)
    if not follow_pending_code(turn):
        follow_if_asked(turn, event.text)


def show_help(turn: Turn) -> None:
    text = turn.t(
        "Puede escribir en cualquier momento: «menú» para ir al inicio, «atrás» "
        "para volver a la pregunta anterior, «idioma» para cambiar de idioma, "
        "«salir» para terminar. En una emergencia llame al 911."
    )
    if turn.state.mode is Mode.ASK:
        text = invalid_hint(turn, complaint.current_step(turn)) + "\n" + text
    turn.say(text, kind="info")
    turn.repeat()
