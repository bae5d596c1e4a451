"""The conversation engine: (state, inbound event, context) -> (state, messages, effects).

Pure: no database, no network, no clock of its own. Channels turn provider requests into
`InboundEvent`s and render the `OutboundMessage`s; `bot.intake.service` loads and saves state and
carries out the effects.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.conversation.media import media_problem, too_large_text
from bot.conversation.messages import InboundEvent, Location, Media, Option, OutboundMessage
from bot.conversation.modes import follow as follow_turn
from bot.conversation.modes.document import Complaint, Documents, OwnCase, SendComplaint
from bot.conversation.modes.follow import FollowEffect, FollowUp
from bot.conversation.modes.rights import RIGHTS_MODES, RightsScreens
from bot.conversation.modes.rights import EraseContact as EraseContact
from bot.conversation.parsers import (
    MX_STATES,
    match_choice,
    match_choices,
    normalize,
    parse_approx_date,
    parse_country,
    parse_mx_state,
    parse_number,
    parse_phone,
    parse_yes_no,
)
from bot.core import i18n
from bot.core.directory import Entry
from bot.follow.notices import is_see_word
from bot.store.crypto import normalize_case_code
from flows import follow_up
from flows.complaint import COMPLAINT
from flows.keywords import DONE_WORDS, GLOBAL_WORDS, SEND_WORDS, SKIP_WORDS
from flows.model import N_, Flow, Step
from flows.rights import MENU_TITLE as RIGHTS_MENU_TITLE

MAX_TEXT = 4096
SKIP = "_skip"
DONE = "_done"
FLOWS: dict[str, Flow] = {COMPLAINT.id: COMPLAINT}

State = dict[str, Any]
# Keywords compared the way typed text is: without case, accents or surrounding punctuation.
_COMMAND_WORDS = {normalize(w): cmd for cmd, words in GLOBAL_WORDS.items() for w in words}
_DONE = frozenset(normalize(w) for w in DONE_WORDS)
_SKIP = frozenset(normalize(w) for w in SKIP_WORDS) - {""}


# Effects: what the engine asks the outside world to do.
@dataclass(frozen=True)
class StoreEvidence:
    """Keep a file or a location with the draft case, encrypted."""

    media: Media | None = None
    location: Location | None = None


@dataclass(frozen=True)
class MarkUrgent:
    """Someone is in danger or still held: the report goes to the top of the inbox."""


@dataclass(frozen=True)
class SubmitCase:
    """File the complaint with these answers (already restricted to steps that apply)."""

    answers: dict[str, Any]
    language: str
    urgent: bool


@dataclass(frozen=True)
class DiscardDraft:
    """The person left: forget the draft and its evidence."""


@dataclass(frozen=True)
class SetLanguage:
    """Remember the person's language for later messages."""

    language: str


Effect = (
    StoreEvidence
    | MarkUrgent
    | SubmitCase
    | DiscardDraft
    | SetLanguage
    | EraseContact
    | FollowEffect
    | SendComplaint
)


@dataclass(frozen=True)
class Context:
    """What the engine may know about the outside: the time and the channel's abilities."""

    now: datetime
    channel: str = "console"
    can_erase: bool = True
    timezone: str = "America/Mexico_City"
    media_max_bytes: int = 5 * 1024 * 1024
    follows: bool = False  # this chat follows a case (VER/SEE shows its news)
    reports_followable: bool = False  # this chat reported a case relatives may follow
    directory: tuple[Entry, ...] = ()  # shelters and organizations, loaded once by the runtime
    own_cases: tuple[OwnCase, ...] = ()  # this chat's reports it may get the document of


@dataclass
class Result:
    """The engine's answer to one event."""

    state: State
    messages: list[OutboundMessage] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)


@dataclass(frozen=True)
class Receipt:
    """What the person is told once their complaint is filed."""

    code: str
    pin: str | None
    urgent: bool
    document: bool = False  # the channel can send this report's document: offer it


def new_state() -> State:
    """A conversation that has not started."""
    return {
        "lang": None,
        "mode": "new",
        "flow": None,
        "step": None,
        "answers": {},
        "trail": [],
        "urgent": False,
        "urgent_told": False,
        "picked": [],
        "resume": None,
        "editing": False,
        "evidence": 0,
    }


def handle(saved: Mapping[str, Any] | None, event: InboundEvent, ctx: Context) -> Result:
    """Answer one inbound event."""
    state = copy.deepcopy(dict(saved)) if saved else new_state()
    turn = _Turn(state, ctx)
    turn.dispatch(event)
    return Result(state=turn.state, messages=turn.messages, effects=turn.effects)


def resume(
    saved: Mapping[str, Any], outcome: follow_turn.Outcome | Complaint, ctx: Context
) -> Result:
    """Continue after the service performed an effect; only the service calls this."""
    state = copy.deepcopy(dict(saved))
    turn = _Turn(state, ctx)
    if isinstance(outcome, Complaint):
        Documents(turn).resume(outcome)
    else:
        FollowUp(turn).resume(outcome)
    return Result(state=turn.state, messages=turn.messages, effects=turn.effects)


def receipt_messages(state: Mapping[str, Any], receipt: Receipt) -> list[OutboundMessage]:
    """The case code (and PIN), then the main menu: shown after the service filed the case."""
    t = i18n.translator(state.get("lang"))
    lines = [
        t("Su reporte fue enviado. Gracias por su valor."),
        t("Su código de caso es: {code}").format(code=receipt.code),
        t("Guárdelo en un lugar seguro. Con él puede preguntar por su caso."),
    ]
    if receipt.pin:
        lines.append(
            t(
                "PIN para su familiar: {pin}. Solo se muestra esta vez. Compártalo solo "
                "con alguien de confianza."
            ).format(pin=receipt.pin)
        )
    if receipt.urgent:
        lines.append(t("Su reporte está marcado como urgente. En una emergencia llame al 911."))
    lines.append(t("Un albergue revisará su reporte. Camino nunca le pedirá dinero."))
    turn = _Turn(dict(state), None)
    turn.offer_document = receipt.document
    return [OutboundMessage("\n".join(lines), kind="receipt", sensitive=True), turn.menu_message()]


class _Turn(RightsScreens):
    """One event's worth of work; collects messages and effects."""

    def __init__(self, state: State, ctx: Context | None) -> None:
        self.state = state
        self._ctx = ctx
        self.messages: list[OutboundMessage] = []
        self.effects: list[Effect] = []
        self.t = i18n.translator(state.get("lang"))
        self.offer_document = False  # the receipt's menu offers the report just filed

    @property
    def ctx(self) -> Context:
        assert self._ctx is not None, "this turn renders only"
        return self._ctx

    # -- routing -------------------------------------------------------------------------

    def dispatch(self, event: InboundEvent) -> None:
        mode = self.state["mode"]
        if mode == "new":
            if (event.command or "").lower() == "start" and event.payload:
                self.state["pending_code"] = normalize_case_code(event.payload)
            self.start(event.language_hint)
            return
        if event.text is not None and len(event.text) > MAX_TEXT:
            self.say(
                self.t("Su mensaje es muy largo. Envíelo en partes más cortas, por favor."),
                kind="error",
            )
            self.repeat()
            return
        if event.command:
            self.command(event)
            return
        if self.is_erase_request(event.text):
            self.ask_erase()
            return
        word = self.global_word(event.text)
        if word is not None:
            self.command(InboundEvent(command=word))
            return
        if self.ctx.follows and mode not in ("ask", "edit") and is_see_word(event.text):
            FollowUp(self).show_updates(None)
            return
        handler = {
            "language": self.on_language,
            "menu": self.on_menu,
            "idle": self.on_idle,
            "ask": self.on_answer,
            "summary": self.on_summary,
            "edit": self.on_edit_pick,
            "confirm_exit": self.on_confirm_exit,
            "rights": self.on_rights,
            "topic": self.on_topic,
            "rights_where": self.on_where,
            "confirm_erase": self.on_confirm_erase,
            "follow": FollowUp(self).on_event,
            "document": Documents(self).on_event,
        }[mode]
        handler(event)

    def global_word(self, text: str | None) -> str | None:
        if not text:
            return None
        return _COMMAND_WORDS.get(normalize(text))

    def command(self, event: InboundEvent) -> None:
        name = (event.command or "").lower()
        if name == "start":
            if event.payload:  # a deep link: follow a case, its code already known
                FollowUp(self).begin(normalize_case_code(event.payload))
                return
            self.welcome_and_menu()
        elif name == "menu":
            self.go_menu()
        elif name == "back":
            self.back()
        elif name == "exit":
            self.exit()
        elif name == "help":
            self.help()
        elif name == "language":
            self.ask_language(resume=True)
        else:
            self.say(self.t("No conozco esa orden."), kind="error")
            self.repeat()

    # -- start, language, menu ---------------------------------------------------------------

    def start(self, hint: str | None) -> None:
        hint = (hint or "").split("-")[0].lower()
        if hint in i18n.available_languages():
            self.set_language(hint)
            self.welcome_and_menu()
            self.follow_pending_code()
        else:
            self.ask_language(resume=False)

    def set_language(self, lang: str) -> None:
        self.state["lang"] = lang
        self.t = i18n.translator(lang)
        self.effects.append(SetLanguage(lang))

    def ask_language(self, *, resume: bool) -> None:
        if resume and self.state["mode"] not in ("language", "new"):
            self.state["resume"] = self.state["mode"]
        self.state["mode"] = "language"
        self.say("Idioma / Language", options=self.language_options(), step_id="language")

    def language_options(self) -> tuple[Option, ...]:
        return tuple(Option(lang, i18n.language_name(lang)) for lang in i18n.available_languages())

    def on_language(self, event: InboundEvent) -> None:
        options = [(o.code, [o.label, o.code]) for o in self.language_options()]
        choice = self.pick(event, "language", options)
        if choice is None:
            self.say(
                "Idioma / Language: 1, 2...",
                options=self.language_options(),
                step_id="language",
                kind="error",
            )
            return
        self.set_language(choice)
        resume = self.state.pop("resume", None)
        self.state["resume"] = None
        if resume and resume not in ("menu", "idle"):
            self.state["mode"] = resume
            self.repeat()
        else:
            self.welcome_and_menu()
            self.follow_pending_code()

    def follow_pending_code(self) -> None:
        """A Telegram deep link carried a case code: after the welcome, ask for the PIN."""
        code = self.state.pop("pending_code", None)
        if code:
            self.messages.pop()  # the menu just shown: the PIN question replaces it
            FollowUp(self).begin(code)

    def welcome_and_menu(self) -> None:
        self.say(
            self.t(
                "Bienvenido a Camino, un canal seguro para reportar delitos y abusos "
                "contra personas migrantes en México. Es gratis. Camino nunca le pedirá "
                "dinero."
            ),
            kind="info",
        )
        self.go_menu()

    def go_menu(self) -> None:
        self.state["mode"] = "menu"
        self.messages.append(self.menu_message())

    def menu_message(self) -> OutboundMessage:
        return OutboundMessage(
            self.t("¿Qué quiere hacer?"), options=self.menu_options(), step_id="menu"
        )

    def menu_options(self) -> tuple[Option, ...]:
        report = (
            self.t("Continuar mi reporte") if self.state.get("answers") else self.t(COMPLAINT.title)
        )
        return (
            Option("report", report),
            Option("rights", self.t(RIGHTS_MENU_TITLE)),
            *self.follow_options(),
            *Documents(self).option(),
            Option("emergency", self.t("Números de emergencia")),
            Option("language", self.t("Cambiar idioma")),
        )

    def follow_options(self) -> tuple[Option, ...]:
        """Follow a case; and, when they apply, news of followed cases and who follows mine."""
        ctx = self._ctx
        options = [Option("follow", self.t(follow_up.TITLE))]
        if ctx is not None and ctx.follows:
            options.append(Option("my_follow", self.t(follow_up.MY_CASES_TITLE)))
        if ctx is not None and ctx.reports_followable:
            options.append(Option("followers", self.t(follow_up.FOLLOWERS_TITLE)))
        return tuple(options)

    def on_menu(self, event: InboundEvent) -> None:
        options = [(o.code, [o.label]) for o in self.menu_options()]
        choice = self.pick(event, "menu", options)
        if choice == "report":
            self.begin_flow(COMPLAINT)
        elif choice == "rights":
            self.show_rights()
        elif choice == "follow":
            FollowUp(self).begin()
        elif choice == "my_follow":
            FollowUp(self).show_updates(None)
        elif choice == "followers":
            FollowUp(self).list_followers()
        elif choice == "document":
            Documents(self).begin()
        elif choice == "emergency":
            self.say(self.emergency_text(), kind="urgent")
            self.go_menu()
        elif choice == "language":
            self.ask_language(resume=False)
        else:
            self.say(self.t("Responda con el número de una opción."), kind="error")
            self.go_menu()

    def on_idle(self, event: InboundEvent) -> None:
        self.welcome_and_menu()

    def emergency_text(self) -> str:
        return self.t(
            "Si usted o alguien está en peligro ahora, llame al 911 (emergencias en "
            "México). Para denunciar un delito sin dar su nombre: 089."
        )

    # -- flows -----------------------------------------------------------------------------

    @property
    def flow(self) -> Flow:
        return FLOWS[self.state["flow"] or COMPLAINT.id]

    def begin_flow(self, flow: Flow) -> None:
        self.state["flow"] = flow.id
        self.advance()

    def advance(self) -> None:
        """Ask the next question, or show the summary when every question is answered."""
        step = self.flow.next_step(self.state["answers"])
        self.state["picked"] = []
        if step is None:
            self.state["editing"] = False
            self.show_summary()
            return
        self.state["mode"] = "ask"
        self.state["step"] = step.id
        self.ask(step)

    def current_step(self) -> Step:
        return self.flow.step(self.state["step"])

    def prompt_text(self, step: Step) -> str:
        victim = self.state["answers"].get("reporter_role") == "victim"
        prompt = step.prompt_self if (victim and step.prompt_self) else step.prompt
        text = self.t(prompt)
        if step.kind == "multi":
            text += "\n" + self.t(
                "Elija una o varias opciones y luego «Listo», o escriba los "
                "números separados por comas, por ejemplo: 1, 3"
            )
        return text

    def step_options(self, step: Step) -> tuple[Option, ...]:
        picked = set(self.state.get("picked") or [])
        if step.kind in ("choice", "multi"):
            options = [
                Option(c.code, ("✓ " if c.code in picked else "") + self.t(c.label))
                for c in step.choices
            ]
            if step.kind == "multi":
                options.append(Option(DONE, self.t("Listo")))
        elif step.kind == "yesno":
            options = [Option("yes", self.t("Sí")), Option("no", self.t("No"))]
        elif step.kind == "country":
            options = [
                Option(code, i18n.country_name(code, self.lang)) for code in step.suggestions
            ]
        elif step.kind == "media":
            options = [Option(DONE, self.t("Listo"))]
        else:
            options = []
        if step.skippable:
            options.append(Option(SKIP, self.t("Saltar")))
        return tuple(options)

    @property
    def lang(self) -> str:
        return str(self.state.get("lang") or i18n.available_languages()[0])

    def ask(self, step: Step, prefix: str | None = None) -> None:
        text = self.prompt_text(step)
        if prefix:
            text = f"{prefix}\n\n{text}"
        hint = {"media": "media", "place": "location", "text": "text"}.get(step.kind, "text")
        self.say(
            text,
            options=self.step_options(step),
            step_id=step.id,
            multiple=step.kind == "multi",
            input_hint=hint,
        )

    def repeat(self, prefix: str | None = None) -> None:
        """Show again whatever the person was last asked."""
        mode = self.state["mode"]
        if mode == "ask":
            self.ask(self.current_step(), prefix)
        elif mode == "summary":
            self.show_summary(prefix)
        elif mode == "edit":
            self.show_edit_pick(prefix)
        elif mode == "confirm_exit":
            self.confirm_exit(prefix)
        elif mode == "language":
            self.ask_language(resume=False)
        elif mode == "follow":
            FollowUp(self).repeat(prefix)
        elif mode == "document":
            Documents(self).ask(prefix)
        elif mode in RIGHTS_MODES:
            self.repeat_rights(prefix)
        else:
            if prefix:
                self.say(prefix, kind="error")
            self.go_menu()

    def on_answer(self, event: InboundEvent) -> None:
        step = self.current_step()
        if event.choice is not None and event.step_id not in (None, step.id):
            self.repeat(self.t("Ese botón es de una pregunta anterior. Responda a esta:"))
            return
        if event.media and event.text and step.kind == "text":
            # A caption under a photo is the person's words: keep the file and the answer.
            self.take_evidence(InboundEvent(media=event.media), step, quiet=True)
            event = InboundEvent(text=event.text)
        elif event.media or (event.location and step.kind != "place"):
            self.take_evidence(event, step)
            return
        event = self.typed_option(step, event)
        if self.is_skip(event, step):
            self.record(step, None)
            return
        parsed = self.parse(step, event)
        if parsed is _INVALID:
            self.repeat(self.invalid_hint(step))
            return
        if parsed is _PENDING:
            return
        if step.required_yes and parsed is False:
            self.say(self.t(step.required_yes), kind="info")
            self.discard()
            self.go_menu()
            return
        self.record(step, parsed)

    def typed_option(self, step: Step, event: InboundEvent) -> InboundEvent:
        """A typed option number becomes a button press, where numbers mean options."""
        text = (event.text or "").strip().rstrip(".")
        if event.choice is not None or not text.isdecimal():  # "¹" is a digit, not a number
            return event
        options = self.step_options(step)
        position = int(text)
        if not 1 <= position <= len(options):
            return event
        code = options[position - 1].code
        if step.kind in ("choice", "yesno", "country") or code in (SKIP, DONE):
            return InboundEvent(choice=code, step_id=step.id)
        return event

    def is_skip(self, event: InboundEvent, step: Step) -> bool:
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
            or (step.kind == "text" and parse_yes_no(typed) is False)
        )

    def record(self, step: Step, value: Any) -> None:
        answers = self.state["answers"]
        answers[step.id] = value
        if step.id not in self.state["trail"]:
            self.state["trail"].append(step.id)
        if step.urgent_when is not None and value == step.urgent_when:
            self.mark_urgent()
        if self.state.get("editing") and self.flow.next_step(answers) is None:
            self.state["editing"] = False
        self.advance()

    def mark_urgent(self) -> None:
        self.state["urgent"] = True
        self.effects.append(MarkUrgent())
        if not self.state.get("urgent_told"):
            self.state["urgent_told"] = True
            self.say(
                self.emergency_text()
                + "\n"
                + self.t("Marcamos su reporte como urgente. Sigamos, son pocas preguntas más."),
                kind="urgent",
            )

    def take_evidence(self, event: InboundEvent, step: Step, *, quiet: bool = False) -> None:
        """Keep files and locations as evidence; `quiet` when the event also answers."""
        stored = 0
        for media in event.media:
            problem = media_problem(media, self.ctx.media_max_bytes)
            if problem == "too_large":
                self.say(too_large_text(self.t, self.ctx.media_max_bytes), kind="error")
            elif problem is not None:
                self.say(
                    self.t(
                        "No puedo guardar ese tipo de archivo. Envíe una foto, un audio o un PDF."
                    ),
                    kind="error",
                )
            else:
                self.effects.append(StoreEvidence(media=media))
                stored += 1
        if event.location is not None:
            self.effects.append(StoreEvidence(location=event.location))
            stored += 1
        self.state["evidence"] = int(self.state.get("evidence", 0)) + stored
        if quiet:
            return
        if stored:
            received = self.t("Recibido. Ya tenemos {count} prueba(s).").format(
                count=self.state["evidence"]
            )
        else:
            received = None
        if step.kind == "media":
            text = (received + "\n" if received else "") + self.t(
                "Puede enviar más, o escribir «listo»."
            )
            self.say(
                text,
                options=self.step_options(step),
                step_id=step.id,
                kind="info",
                input_hint="media",
            )
        else:
            self.repeat(received)

    # -- parsing answers -------------------------------------------------------------------

    def parse(self, step: Step, event: InboundEvent) -> Any:
        text = (event.text or "").strip()
        kind = step.kind
        if kind == "choice":
            options = [(c.code, [self.t(c.label), c.label, *c.synonyms]) for c in step.choices]
            choice = self.pick(event, step.id, options)
            return _INVALID if choice is None else choice
        if kind == "multi":
            return self.parse_multi(step, event)
        if kind == "yesno":
            if event.choice in ("yes", "no"):
                return event.choice == "yes"
            answer = parse_yes_no(text)
            return _INVALID if answer is None else answer
        if kind == "text":
            return text if text else _INVALID
        if kind == "number":
            number = parse_number(text, step.minimum, step.maximum)
            return _INVALID if number is None else number
        if kind == "date":
            local_now = self.ctx.now.astimezone(ZoneInfo(self.ctx.timezone)).replace(tzinfo=None)
            approx = parse_approx_date(text, self.lang, local_now) if text else None
            if approx is None:
                return _INVALID
            value = approx.value.isoformat() if approx.value else None
            return {"precision": approx.precision, "value": value}
        if kind == "country":
            if event.choice and event.choice in step.suggestions:
                return event.choice
            country = parse_country(text, self.lang) if text else None
            if country is None and text:
                options = [(c, [i18n.country_name(c, self.lang)]) for c in step.suggestions]
                country = match_choice(text, options)
            return _INVALID if country is None else country
        if kind == "mx_state":
            state = parse_mx_state(text) if text else None
            return _INVALID if state is None else state
        if kind == "phone":
            phone = parse_phone(text) if text else None
            return _INVALID if phone is None else phone
        if kind == "place":
            if event.location is not None:
                self.effects.append(StoreEvidence(location=event.location))
                return {"lat": event.location.latitude, "lon": event.location.longitude}
            return {"text": text} if text else _INVALID
        if kind == "media":
            if event.choice == DONE or normalize(text) in _DONE:
                return int(self.state.get("evidence", 0))
            return _INVALID
        raise ValueError(f"unknown step kind {kind}")

    def parse_multi(self, step: Step, event: InboundEvent) -> Any:
        codes = [c.code for c in step.choices]
        if event.choice is not None:
            picked: list[str] = list(self.state.get("picked") or [])
            if event.choice == DONE:
                if not picked:
                    return _INVALID
                return [c for c in codes if c in picked]
            if event.choice not in codes:
                return _INVALID
            if event.choice in picked:
                picked.remove(event.choice)
            else:
                picked.append(event.choice)
            self.state["picked"] = picked
            self.ask(step)
            return _PENDING
        text = (event.text or "").strip()
        if normalize(text) in _DONE and self.state.get("picked"):
            return [c for c in codes if c in self.state["picked"]]
        options = [(c.code, [self.t(c.label), c.label, *c.synonyms]) for c in step.choices]
        chosen = match_choices(text, options) if text else None
        return chosen if chosen else _INVALID

    def pick(
        self, event: InboundEvent, step_id: str, options: list[tuple[str, list[str]]]
    ) -> str | None:
        """A single choice, from a button press (checked) or from typed text."""
        if event.choice is not None:
            valid = event.step_id in (None, step_id) and any(c == event.choice for c, _ in options)
            return event.choice if valid else None
        if not event.text:
            return None
        return match_choice(event.text, options)

    def invalid_hint(self, step: Step) -> str:
        if step.hint:
            return self.t(step.hint)
        generic = {
            "choice": N_("Responda con el número de una opción."),
            "multi": N_("Responda con uno o varios números separados por comas, por ejemplo: 1, 3"),
            "yesno": N_("Responda «sí» o «no»."),
            "text": N_("Escriba su respuesta con palabras."),
            "number": N_("Escriba un número."),
            "media": N_(
                "Envíe una foto, un audio, un documento o una ubicación, o escriba «listo»."
            ),
            "place": N_("Escriba el nombre del lugar o comparta una ubicación."),
        }
        return self.t(generic.get(step.kind, N_("No entendí su respuesta.")))

    # -- back, exit, help ------------------------------------------------------------------

    def back(self) -> None:
        mode = self.state["mode"]
        if mode == "edit" or (mode == "ask" and self.state.get("editing")):
            self.restore_edit()
            self.show_summary()
            return
        if mode not in ("ask", "summary"):
            self.go_menu()
            return
        trail: list[str] = self.state["trail"]
        while trail:
            previous = trail.pop()
            if self.flow.step(previous).applies(self.state["answers"]):
                self.state["answers"].pop(previous, None)
                self.state["mode"] = "ask"
                self.state["step"] = previous
                self.state["picked"] = []
                self.ask(self.flow.step(previous))
                return
            self.state["answers"].pop(previous, None)
        self.repeat(self.t("Esta es la primera pregunta."))

    def exit(self) -> None:
        if self.state.get("answers") and self.state["mode"] in ("ask", "summary", "edit"):
            self.state["resume"] = self.state["mode"]
            self.state["mode"] = "confirm_exit"
            self.confirm_exit()
            return
        self.goodbye()

    def confirm_exit(self, prefix: str | None = None) -> None:
        text = self.t("¿Quiere salir? Se borrarán las respuestas de este reporte.")
        self.say(
            f"{prefix}\n\n{text}" if prefix else text,
            options=(Option("yes", self.t("Sí")), Option("no", self.t("No"))),
            step_id="confirm_exit",
        )

    def on_confirm_exit(self, event: InboundEvent) -> None:
        if event.choice is not None and event.step_id not in (None, "confirm_exit"):
            # An old "Sí" button must never confirm deleting a report.
            self.confirm_exit(self.t("Ese botón es de una pregunta anterior. Responda a esta:"))
            return
        answer = parse_yes_no(event.text or "") if event.choice is None else event.choice == "yes"
        if answer is None:
            self.confirm_exit(self.t("Responda «sí» o «no»."))
            return
        resume = self.state.get("resume") or "menu"
        self.state["resume"] = None
        if answer:
            self.discard()
            self.goodbye()
        else:
            self.state["mode"] = resume
            self.repeat()

    def goodbye(self) -> None:
        self.state["mode"] = "idle"
        self.say(
            self.t(
                "Hasta pronto. Escriba cuando quiera para volver a empezar. En una "
                "emergencia llame al 911."
            ),
            kind="info",
        )

    def discard(self) -> None:
        self.state.update(
            answers={},
            trail=[],
            flow=None,
            step=None,
            picked=[],
            urgent=False,
            urgent_told=False,
            editing=False,
            evidence=0,
        )
        self.effects.append(DiscardDraft())

    def help(self) -> None:
        text = self.t(
            "Puede escribir en cualquier momento: «menú» para ir al inicio, «atrás» "
            "para volver a la pregunta anterior, «idioma» para cambiar de idioma, "
            "«salir» para terminar. En una emergencia llame al 911."
        )
        if self.state["mode"] == "ask":
            text = self.invalid_hint(self.current_step()) + "\n" + text
        self.say(text, kind="info")
        self.repeat()

    # -- summary and changes ---------------------------------------------------------------

    def summary_items(self) -> list[tuple[Step, Any]]:
        answers = self.flow.applicable_answers(self.state["answers"])
        return [(step, answers[step.id]) for step in self.flow.steps if step.id in answers]

    def show_summary(self, prefix: str | None = None) -> None:
        self.state["mode"] = "summary"
        lines = [self.t("Revise su reporte:")]
        for number, (step, value) in enumerate(self.summary_items(), start=1):
            lines.append(f"{number}. {self.t(step.summary)}: {self.render(step, value)}")
        text = "\n".join(lines)
        if prefix:
            text = f"{prefix}\n\n{text}"
        self.say(
            text,
            options=(
                Option("send", self.t("Enviar")),
                Option("change", self.t("Cambiar una respuesta")),
            ),
            step_id="summary",
            kind="summary",
            sensitive=True,
        )

    def on_summary(self, event: InboundEvent) -> None:
        options = [
            ("send", [self.t("Enviar"), *SEND_WORDS]),
            ("change", [self.t("Cambiar una respuesta"), "cambiar", "change"]),
        ]
        choice = self.pick(event, "summary", options)
        if choice == "send":
            self.submit()
        elif choice == "change":
            self.show_edit_pick()
        else:
            self.repeat(self.t("Responda con el número de una opción."))

    def show_edit_pick(self, prefix: str | None = None) -> None:
        self.state["mode"] = "edit"
        text = self.t("¿Qué respuesta quiere cambiar?")
        options = tuple(Option(step.id, self.t(step.summary)) for step, _ in self.summary_items())
        self.say(f"{prefix}\n\n{text}" if prefix else text, options=options, step_id="edit")

    def on_edit_pick(self, event: InboundEvent) -> None:
        options = [(step.id, [self.t(step.summary)]) for step, _ in self.summary_items()]
        choice = self.pick(event, "edit", options)
        if choice is None:
            self.show_edit_pick(self.t("Responda con el número de una opción."))
            return
        step = self.flow.step(choice)
        self.state["editing"] = True
        self.state["edit_old"] = {"id": step.id, "value": self.state["answers"].pop(step.id)}
        self.state["mode"] = "ask"
        self.state["step"] = step.id
        self.state["picked"] = []
        self.ask(step)

    def restore_edit(self) -> None:
        old = self.state.pop("edit_old", None)
        if old and old["id"] not in self.state["answers"]:
            self.state["answers"][old["id"]] = old["value"]
        self.state["editing"] = False

    def submit(self) -> None:
        answers = self.flow.applicable_answers(self.state["answers"])
        self.effects.append(
            SubmitCase(answers=answers, language=self.lang, urgent=bool(self.state.get("urgent")))
        )
        self.state.update(
            answers={},
            trail=[],
            flow=None,
            step=None,
            picked=[],
            urgent=False,
            urgent_told=False,
            editing=False,
            evidence=0,
            mode="menu",
        )
        self.state.pop("edit_old", None)

    def render(self, step: Step, value: Any) -> str:
        """An answer in plain words, for the summary."""
        t = self.t
        if value is None:
            return t("(sin respuesta)")
        if step.sensitive and not self.ctx.can_erase:
            return t("(respondido)")
        labels = {c.code: t(c.label) for c in step.choices}
        if step.kind == "choice":
            return labels.get(value, str(value))
        if step.kind == "multi":
            return ", ".join(labels.get(code, code) for code in value)
        if step.kind == "yesno":
            return t("Sí") if value else t("No")
        if step.kind == "country":
            return i18n.country_name(value, self.lang)
        if step.kind == "mx_state":
            return MX_STATES.get(str(value), str(value))
        if step.kind == "date":
            return self.render_date(value)
        if step.kind == "media":
            return t("{count} prueba(s)").format(count=value)
        if step.kind == "place":
            return value.get("text") or t("Ubicación compartida")
        return str(value)

    def render_date(self, value: Mapping[str, Any]) -> str:
        precision = value.get("precision")
        if precision == "day" and value.get("value"):
            return i18n.format_day(date.fromisoformat(value["value"]), self.lang)
        if precision == "month" and value.get("value"):
            return i18n.format_month(date.fromisoformat(value["value"]), self.lang)
        if precision == "over_a_year":
            return self.t("Hace más de un año")
        return self.t("No sabe")

    # -- output ----------------------------------------------------------------------------

    def say(
        self,
        text: str,
        *,
        options: tuple[Option, ...] = (),
        step_id: str | None = None,
        kind: str = "prompt",
        multiple: bool = False,
        sensitive: bool = False,
        input_hint: str | None = None,
    ) -> None:
        self.messages.append(
            OutboundMessage(
                text=text,
                options=options,
                step_id=step_id,
                kind=kind,  # type: ignore[arg-type]
                multiple=multiple,
                sensitive=sensitive,
                input_hint=input_hint,
            )
        )


class _Sentinel:
    pass


_INVALID: Any = _Sentinel()
_PENDING: Any = _Sentinel()
