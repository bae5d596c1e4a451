"""The engine's follow-up part: steps of `flows.follow_up`, effects out, outcomes back in.

Pure like the rest of the engine. What needs the database (does the code and PIN match? is it
locked? subscribe, load the timeline) leaves as an effect; the conversation service performs it
in the same transaction and hands the answer back with `engine.resume(state, outcome, ctx)`,
a separate entry point that no inbound message can reach (so nobody can forge a "verified"
answer by typing one).

On the web chat Camino cannot write first, so a person there who proved the code and PIN
follows at once (no language or time zone to ask for notices that never come), sees the
timeline, and, for a case reported on the web, reads what the shelter wrote and answers it.
"""

from __future__ import annotations

from bot.conversation import protocol
from bot.conversation.messages import InboundEvent, Option
from bot.conversation.parsers import match_choice, normalize, parse_country
from bot.conversation.state import Following, Mode
from bot.conversation.turn import Turn
from bot.conversation.understand import code_in, is_unknown
from bot.core import i18n
from bot.core.channels import pulls_news
from bot.core.text import normalize_case_code
from bot.core.zones import country_zones, parse_clock, zone_for_clock
from flows import follow_up as fu
from flows.codes import FAMILY_STATUS_LABELS
from flows.model import N_, Choice

STATUS_LABELS = FAMILY_STATUS_LABELS
# The longest answer to a shelter, as the dashboard's talk back allows.
ANSWER_MAX = 1000
# The word a person answers to see the details, in every language (matched without accents).
SEE_WORDS = frozenset({"ver", "see", "voir", "we", "wè"})
_SEE = frozenset(normalize(word) for word in SEE_WORDS)


def is_see_word(text: str | None) -> bool:
    """True when the whole message is VER/SEE/VOIR/WÈ, in any case or accent."""
    return bool(text) and normalize(text or "") in _SEE


class FollowUp:
    """The follow-up steps, run inside one engine turn."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn

    @property
    def data(self) -> Following:
        return self.turn.state.follow

    def forget(self) -> None:
        """Leave the case: nothing of the steps stays."""
        self.turn.state.follow = Following()

    def t(self, text: str) -> str:
        return self.turn.t(text)

    # -- entering --------------------------------------------------------------------------

    def begin(self, code: str | None = None) -> None:
        """Start following a case (with the code already known from a deep link)."""
        self.turn.state.mode = Mode.FOLLOW
        self.turn.state.follow = Following(code=code)
        self.ask(fu.PIN if code else fu.CODE)

    def show_updates(self, subscription_id: str | None) -> None:
        """VER/SEE, or "news of a case I follow" from the menu."""
        self.turn.state.mode = Mode.FOLLOW
        self.data.step = "waiting"
        self.turn.effects.append(protocol.ShowUpdates(subscription_id))

    def list_followers(self) -> None:
        self.turn.state.mode = Mode.FOLLOW
        self.data.step = "waiting"
        self.turn.effects.append(protocol.ListFollowers())

    # -- asking ----------------------------------------------------------------------------

    def ask(self, step: str, prefix: str | None = None) -> None:
        self.data.step = step
        text = self.t(fu.PROMPTS[step])
        if prefix:
            text = f"{prefix}\n\n{text}"
        options: tuple[Option, ...] = ()
        if step == fu.LANGUAGE:
            options = self.turn.language_options()
        elif step == fu.COUNTRY:
            lang = self.data.language or self.turn.lang
            options = tuple(Option(c, i18n.country_name(c, lang)) for c in fu.COUNTRY_SUGGESTIONS)
        elif step == fu.MENU:
            options = tuple(Option(c.code, self.t(c.label)) for c in self.menu_choices())
        elif step == fu.REPLY:
            options = (Option(fu.BACK.code, self.t(fu.BACK.label)),)
        elif step == fu.CLOCK:
            options = (Option(_UNKNOWN, self.t("No sé")),)
        elif step == fu.FOLLOWERS:
            remove = self.t("Quitar: {who}")
            followers = self.data.followers
            options = (
                *(Option(sub_id, remove.format(who=label)) for sub_id, label in followers),
                Option("menu", self.t("Volver al menú")),
            )
        self.turn.say(text, options=options, step_id=step, input_hint="text")

    def menu_choices(self) -> list[Choice]:
        """The case menu: messages only when there are some; no call back to a web page."""
        pull = pulls_news(self.turn.ctx.channel)
        return [
            choice
            for choice in fu.MENU_CHOICES
            if not (choice.code == "messages" and not self.data.talk)
            and not (choice.code == "callback" and pull)
        ]

    def repeat(self, prefix: str | None = None) -> None:
        step = self.data.step
        if step in fu.PROMPTS:
            self.ask(str(step), prefix)
        else:
            if prefix:
                self.turn.say(prefix, kind="error")
            self.turn.go_menu()

    # -- answers ---------------------------------------------------------------------------

    def on_event(self, event: InboundEvent) -> None:
        step = self.data.step
        if event.choice is not None and event.step_id not in (None, step):
            self.repeat(self.t("Ese botón es de una pregunta anterior. Responda a esta:"))
            return
        text = (event.text or "").strip()
        if step == fu.CODE:
            # A relative may paste the whole receipt line: the code in it is enough.
            code = normalize_case_code(event.choice or text) or code_in(text)
            if code is None:
                self.ask(fu.CODE, self.t(_pin_at_code_hint(text) or fu.HINTS[fu.CODE]))
                return
            self.data.code = code
            self.ask(fu.PIN)
        elif step in (fu.PIN, fu.RECHECK):
            pin = "".join(ch for ch in text if not ch.isspace() and ch != "-")
            if not (len(pin) == 6 and pin.isascii() and pin.isdigit()):
                self.ask(str(step), self.t(fu.HINTS[fu.PIN]))
                return
            self.data.step = "waiting"
            if step == fu.PIN:
                code, self.data.code = self.data.code or "", None
                self.turn.effects.append(protocol.VerifyFollowUp(code=code, pin=pin))
            else:
                self.turn.effects.append(protocol.RecheckPin(str(self.data.subscription_id), pin))
        elif step == fu.LANGUAGE:
            options = [(o.code, [o.label, o.code]) for o in self.turn.language_options()]
            choice = self.turn.pick(event, fu.LANGUAGE, options)
            if choice is None:
                self.ask(fu.LANGUAGE, self.turn.pick_hint())
                return
            self.data.language = choice
            self.turn.set_language(choice)  # the chat continues in the language chosen
            self.ask(fu.COUNTRY)
        elif step == fu.COUNTRY:
            self.on_country(event, text)
        elif step == fu.CLOCK:
            if event.choice == _UNKNOWN or is_unknown(text):
                # Not knowing the time is no reason to stop: the most populated zone will do.
                self.subscribe(self.data.zones[0] if self.data.zones else self.turn.ctx.timezone)
                return
            clock = parse_clock(text)
            zone = (
                zone_for_clock(tuple(self.data.zones), clock, self.turn.ctx.now) if clock else None
            )
            if zone is None:
                hint = fu.HINTS[fu.CLOCK] if clock is None else _NO_SUCH_TIME
                self.ask(fu.CLOCK, self.t(hint))
                return
            self.subscribe(zone)
        elif step == fu.MENU:
            self.on_menu(event)
        elif step == fu.FOLLOWERS:
            self.on_followers(event)
        elif step == fu.REPLY:
            self.on_reply(event, text)
        else:
            self.turn.go_menu()

    def on_country(self, event: InboundEvent, text: str) -> None:
        lang = str(self.data.language or self.turn.lang)
        country = event.choice if event.choice in fu.COUNTRY_SUGGESTIONS else None
        if country is None and text:
            country = parse_country(text, lang)
            if country is None:
                options = [(c, [i18n.country_name(c, lang)]) for c in fu.COUNTRY_SUGGESTIONS]
                country = match_choice(text, options)
        if country is None:
            self.ask(fu.COUNTRY, self.t(fu.HINTS[fu.COUNTRY]))
            return
        zones = country_zones(country)
        if len(zones) > 1:
            self.data.zones = list(zones)
            self.ask(fu.CLOCK)
            return
        self.subscribe(zones[0] if zones else self.turn.ctx.timezone)

    def subscribe(self, zone: str) -> None:
        self.data.step = "waiting"
        self.data.zones = []
        self.turn.effects.append(
            protocol.Subscribe(
                case_id=str(self.data.case_id),
                language=str(self.data.language or self.turn.lang),
                timezone=zone,
            )
        )

    def on_menu(self, event: InboundEvent) -> None:
        options = [(c.code, [self.t(c.label)]) for c in self.menu_choices()]
        choice = self.turn.pick(event, fu.MENU, options)
        sub = str(self.data.subscription_id or "")
        if choice == "see" and sub:
            self.show_updates(sub)
        elif choice == "messages" and sub:
            self.show_messages(sub)
        elif choice == "callback" and sub:
            self.data.step = "waiting"
            self.turn.effects.append(protocol.RequestCallBack(sub))
        elif choice == "unsubscribe" and sub:
            self.data.step = "waiting"
            self.turn.effects.append(protocol.Unsubscribe(sub))
        elif choice == "menu":
            self.leave()
        else:
            self.ask(fu.MENU, self.turn.pick_hint())

    def show_messages(self, sub: str) -> None:
        self.data.step = "waiting"
        self.turn.effects.append(protocol.ShowMessages(sub))

    def on_reply(self, event: InboundEvent, text: str) -> None:
        """Typed text is the answer to the shelter; the one button (or "1") goes back."""
        back = {normalize(self.t(fu.BACK.label)), normalize(fu.BACK.label), "1"}
        if event.choice == fu.BACK.code or normalize(text) in back:
            self.ask(fu.MENU)
        elif event.choice is not None or not text:
            self.ask(fu.REPLY)
        elif len(text) > ANSWER_MAX:
            self.ask(fu.REPLY, self.t(fu.HINTS[fu.REPLY]))
        else:
            self.data.step = "waiting"
            self.data.answer = text  # kept until sent, in case the PIN is asked again
            self.turn.effects.append(protocol.AnswerMessage(str(self.data.subscription_id), text))

    def on_followers(self, event: InboundEvent) -> None:
        items = [(sub_id, [label]) for sub_id, label in self.data.followers]
        choice = self.turn.pick(event, fu.FOLLOWERS, [*items, ("menu", [self.t("Volver al menú")])])
        if choice == "menu":
            self.leave()
        elif choice is not None:
            self.data.step = "waiting"
            self.turn.effects.append(protocol.RevokeFollower(choice))
        else:
            self.ask(fu.FOLLOWERS, self.turn.pick_hint())

    def leave(self) -> None:
        self.forget()
        self.turn.go_menu()

    # -- outcomes --------------------------------------------------------------------------

    def resume(self, outcome: protocol.FollowOutcome) -> None:
        self.turn.state.mode = Mode.FOLLOW
        if isinstance(outcome, protocol.Checked):
            self.on_checked(outcome)
        elif isinstance(outcome, protocol.Subscribed):
            self.data.subscription_id, self.data.case_id = outcome.subscription_id, None
            self.data.talk, self.data.language = outcome.talk, None
            if pulls_news(self.turn.ctx.channel):  # no notices here: show the news now
                self.show_updates(outcome.subscription_id)
                return
            self.turn.say(
                self.t(
                    "Listo. Le avisaremos en este chat cuando el caso avance, sin detalles. "
                    "Los avisos dirán «Camino, caso {ref}». Camino nunca pide dinero: si "
                    "alguien le pide dinero en nombre de Camino, es una estafa."
                ).format(ref=outcome.reference),
                kind="info",
            )
            self.ask(fu.MENU)
        elif isinstance(outcome, protocol.Updates):
            self.on_updates(outcome)
        elif isinstance(outcome, protocol.Messages):
            self.on_messages(outcome)
        elif isinstance(outcome, protocol.Followers):
            if not outcome.items:
                self.forget()
                self.turn.say(self.t("Nadie sigue sus casos por ahora."), kind="info")
                self.turn.go_menu()
                return
            self.data.followers = list(outcome.items)
            self.ask(fu.FOLLOWERS)
        elif isinstance(outcome, protocol.Done):
            self.on_done(outcome.what)

    def on_checked(self, outcome: protocol.Checked) -> None:
        recheck = bool(self.data.subscription_id) and not outcome.case_id
        if outcome.ok and recheck:
            self.after_recheck(str(self.data.subscription_id))
        elif outcome.ok and outcome.subscription_id:
            self.data.subscription_id, self.data.talk = outcome.subscription_id, outcome.talk
            self.turn.say(self.t("Usted ya sigue este caso."), kind="info")
            self.ask(fu.MENU)
        elif outcome.ok and pulls_news(self.turn.ctx.channel):
            self.data.case_id = outcome.case_id
            self.turn.say(self.t("Código y PIN correctos."), kind="info")
            self.subscribe(self.turn.ctx.timezone)
        elif outcome.ok and self.turn.state.language:  # chosen (or told) once already
            self.data.case_id = outcome.case_id
            self.data.language = self.turn.state.language
            self.ask(fu.COUNTRY, self.t("Código y PIN correctos."))
        elif outcome.ok:
            self.data.case_id = outcome.case_id
            self.ask(fu.LANGUAGE, self.t("Código y PIN correctos."))
        elif outcome.reason == "locked":
            self.forget()
            self.turn.say(
                self.t(
                    "Por seguridad, hubo demasiados intentos. Intente de nuevo en una hora. "
                    "Si necesita ayuda, pida el código y el PIN otra vez a quien hizo el reporte."
                ),
                kind="error",
            )
            self.turn.go_menu()
        elif recheck:
            self.ask(fu.RECHECK, self.t("El PIN no coincide."))
        else:
            self.ask(fu.CODE, self.t("El código o el PIN no coinciden. Revíselos, por favor."))

    def after_recheck(self, sub: str) -> None:
        """The PIN was given again: do what asked for it."""
        then, answer = self.data.then, self.data.answer
        self.data.then = self.data.answer = None
        if then == "answer" and answer:
            self.data.step = "waiting"
            self.turn.effects.append(protocol.AnswerMessage(sub, str(answer)))
        elif then in ("messages", "answer"):
            self.show_messages(sub)
        else:
            self.show_updates(sub)

    def not_following(self) -> None:
        """The case asked about is followed no more in this chat: say so, back to the menu."""
        self.forget()
        self.turn.say(self.t("Usted no sigue ningún caso en este chat."), kind="info")
        self.turn.go_menu()

    def on_updates(self, outcome: protocol.Updates) -> None:
        if outcome.subscription_id is None:
            self.not_following()
            return
        self.data.subscription_id, self.data.talk = outcome.subscription_id, outcome.talk
        if outcome.need_pin:
            self.ask(fu.RECHECK)
            return
        lang = self.turn.lang
        lines = [self.t("Camino, caso {ref}:").format(ref=outcome.reference)]
        if not outcome.entries and pulls_news(self.turn.ctx.channel):
            lines.append(self.t("Todavía no hay novedades. El caso sigue abierto."))
        elif not outcome.entries:
            lines.append(self.t("Todavía no hay novedades. El caso sigue abierto y le avisaremos."))
        for entry in outcome.entries:
            label = self.t(STATUS_LABELS.get(entry.status, entry.status))
            line = f"{i18n.format_day(entry.day, lang)}: {label}"
            if entry.note:
                line += f". {entry.note}"
            lines.append(line)
        lines.append(self.t("Camino nunca pide dinero."))
        self.turn.say("\n".join(lines), kind="info", sensitive=True)
        self.ask(fu.MENU)

    def on_messages(self, outcome: protocol.Messages) -> None:
        if outcome.subscription_id is None:
            self.not_following()
            return
        self.data.subscription_id = outcome.subscription_id
        if outcome.need_pin:
            # After the PIN: send the answer kept in the state, or show the messages.
            self.data.then = "answer" if self.data.answer else "messages"
            self.ask(fu.RECHECK)
            return
        self.data.talk = bool(outcome.items)
        lines = [
            self.t(
                "Mensajes del albergue sobre este caso. Quien tenga el código y el PIN del "
                "caso también puede leerlos."
            )
        ]
        if not outcome.items:
            lines.append(self.t("Todavía no hay mensajes del albergue."))
        for item in outcome.items:
            who = self.t("Usted") if item.mine else self.t("Albergue")
            lines.append(f"{i18n.format_day(item.day, self.turn.lang)}, {who}: {item.text}")
        self.turn.say("\n".join(lines), kind="info", sensitive=True)
        if outcome.can_answer:
            self.ask(fu.REPLY)
            return
        if outcome.items:
            self.turn.say(self.t("La conversación con el albergue está cerrada."), kind="info")
        self.ask(fu.MENU)

    def on_done(self, what: str) -> None:
        self.data.answer = None
        if what == "unsubscribed":
            self.forget()
            self.turn.say(
                self.t("Ya no seguirá este caso. No recibirá más avisos de él."), kind="info"
            )
            self.turn.go_menu()
        elif what == "callback":
            self.turn.say(
                self.t("Pedimos al albergue que le llame. Quien le llame nunca le pedirá dinero."),
                kind="info",
            )
            self.ask(fu.MENU)
        elif what == "revoked":
            self.turn.say(self.t("Listo: esa persona ya no sigue su caso."), kind="info")
            self.list_followers()
        elif what == "answered":
            self.turn.say(
                self.t("Recibimos su mensaje. Una persona del albergue lo va a leer."), kind="info"
            )
            self.ask(fu.MENU)
        elif what == "closed":
            self.turn.say(
                self.t(
                    "La conversación con el albergue ya está cerrada: su mensaje no se envió. "
                    "Si necesita ayuda, en una emergencia llame al 911."
                ),
                kind="error",
            )
            self.ask(fu.MENU)
        else:
            self.turn.go_menu()


_UNKNOWN = "_unknown"  # the "No sé" button
# A time written right that is no time of that country now: typed wrong, not written wrong.
_NO_SUCH_TIME = N_(
    "En ese país no es esa hora ahora. Escriba la hora que marca su teléfono, o «no sé»."
)


def _pin_at_code_hint(text: str) -> str | None:
    """Six digits where the code is asked: the PIN came first (or again after a wrong one)."""
    digits = "".join(ch for ch in text if not ch.isspace() and ch != "-")
    if len(digits) == 6 and digits.isascii() and digits.isdigit():
        return N_("Eso parece el PIN. Primero escriba el código del caso: 12 letras y números.")
    return None
