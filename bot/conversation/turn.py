"""One event's worth of work, shared by every mode: the state, what to say, what to do.

Modes receive a `Turn`; they change `turn.state`, say things with `turn.say` and ask the outside
world for things with `turn.effects`. A mode that moves the person to another mode shows that
mode's question with `turn.repeat()`, which asks the engine's table of screens: so no mode needs
to import another, and none imports the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypedDict, TypeVar, Unpack

from bot.conversation.messages import InboundEvent, Option, OutboundKind, OutboundMessage
from bot.conversation.parsers import match_choice
from bot.conversation.protocol import Context, Effect, SetLanguage
from bot.conversation.state import Mode, State
from bot.core import i18n
from bot.core.channels import has_buttons

Part = TypeVar("Part")  # a mode's part, made for one turn


@dataclass(frozen=True)
class Screen:
    """How a mode answers the person's next event, and how it shows its question again."""

    answer: Callable[[Turn, InboundEvent], None]
    show: Callable[[Turn, str | None], None]  # with an optional line before the question

    @classmethod
    def of(
        cls,
        part: Callable[[Turn], Part],
        answer: Callable[[Part, InboundEvent], None],
        show: Callable[[Part, str | None], None],
    ) -> Screen:
        """The screen of a mode whose part is a class made for each turn."""
        return cls(
            lambda turn, event: answer(part(turn), event),
            lambda turn, prefix: show(part(turn), prefix),
        )


def prefixed(prefix: str | None, text: str) -> str:
    """A question, after a line that says why it is asked again."""
    return f"{prefix}\n\n{text}" if prefix else text


class Details(TypedDict, total=False):
    """What a message may carry besides its text (see `OutboundMessage`)."""

    options: tuple[Option, ...]
    step_id: str | None
    kind: OutboundKind
    multiple: bool
    sensitive: bool
    input_hint: str | None


class Turn:
    """The state of one conversation while one event is answered; collects messages, effects."""

    def __init__(self, state: State, ctx: Context | None, screens: Mapping[Mode, Screen]) -> None:
        self.state = state
        self._ctx = ctx
        self.screens = screens
        self.messages: list[OutboundMessage] = []
        self.effects: list[Effect] = []
        self.t = i18n.translator(state.language)
        self.offer_document = False  # the receipt's menu offers the report just filed

    @property
    def ctx(self) -> Context:
        assert self._ctx is not None, "this turn renders only"
        return self._ctx

    @property
    def context(self) -> Context | None:
        """The context, or None when the turn only renders (the receipt's menu)."""
        return self._ctx

    @property
    def lang(self) -> str:
        return str(self.state.language or i18n.available_languages()[0])

    def set_language(self, lang: str) -> None:
        self.state.language = lang
        self.t = i18n.translator(lang)
        self.effects.append(SetLanguage(lang))

    def language_options(self) -> tuple[Option, ...]:
        return tuple(Option(lang, i18n.language_name(lang)) for lang in i18n.available_languages())

    # -- moving between modes --------------------------------------------------------------

    def repeat(self, prefix: str | None = None) -> None:
        """Show again whatever the person was last asked."""
        self.screens[self.state.mode].show(self, prefix)

    def go_menu(self) -> None:
        self.screens[Mode.MENU].show(self, None)

    # -- input and output ------------------------------------------------------------------

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

    def say(self, text: str, **details: Unpack[Details]) -> None:
        self.messages.append(OutboundMessage(text=text, **details))

    def pick_hint(self) -> str:
        """What to say when an answer matched no option: press one, or type its number."""
        if self._ctx is not None and has_buttons(self._ctx.channel):
            return self.t("Elija una de las opciones.")
        return self.t("Responda con el número de una opción.")

    def abroad(self) -> bool | None:
        """Whether the person is outside Mexico: from their answer, else their phone's country."""
        where = self.state.answers.get("reporter_where")
        if where is not None:
            return bool(where == "abroad")
        return self._ctx.abroad if self._ctx is not None else None

    def emergency_text(self) -> str:
        """Emergency numbers that work where the person is (911 cannot be dialled from abroad)."""
        abroad = self.abroad()
        if abroad:
            return self.t(
                "Desde fuera de México no se puede llamar al 911. Si alguien está en peligro "
                "en México, pida a una persona que esté en México que llame al 911 por él o ella."
            )
        if abroad is False:
            return self.t(
                "Si usted o alguien está en peligro ahora, llame al 911 (emergencias en "
                "México). Para denunciar un delito sin dar su nombre: 089."
            )
        return self.t(
            "En México, llame al 911 (emergencias) o al 089 (denuncias sin dar su nombre). "
            "Si está fuera de México, pida a alguien que esté en México que llame al 911."
        )
