"""The rights and help screens, nearest organizations, and "delete my data".

Pure like the engine (the directory arrives in the context): shows `flows.rights` topics with
"more", "other topic" and "menu", and asks for confirmation before the `EraseContact` effect
erases everything about the person.
"""

from __future__ import annotations

from bot.conversation.messages import InboundEvent, Option
from bot.conversation.parsers import normalize, parse_country, parse_mx_state, parse_yes_no
from bot.conversation.protocol import EraseContact
from bot.conversation.state import Mode, State
from bot.conversation.turn import Turn, prefixed
from bot.core import i18n
from bot.core.geography import MX_STATES, nearest
from flows import rights
from flows.model import N_

_ERASE_WORDS = frozenset(normalize(word) for word in rights.ERASE_WORDS)
# What stays with the provider after erasure, said on the channel the person uses.
_LEFT_BEHIND = {
    "sms": N_(
        "No podemos borrar los mensajes que ya están en su teléfono, en su compañía telefónica "
        "y en Twilio, el servicio que envía nuestros SMS. Borre usted los mensajes de su teléfono."
    ),
    "whatsapp": N_(
        "No podemos borrar los mensajes que ya están en WhatsApp y en Twilio, el servicio que "
        "usamos para WhatsApp. Borre usted este chat en su teléfono."
    ),
    "telegram": N_(
        "No podemos borrar los mensajes que ya están en Telegram. Borre usted este chat en "
        "Telegram."
    ),
    "web": N_(
        "Cierre esta ventana. Si usa una computadora o un teléfono prestado, borre el historial "
        "del navegador."
    ),
}


def is_erase_request(text: str | None) -> bool:
    """The whole message asks to delete the person's data ("borrar mis datos"...)."""
    return bool(text) and normalize(text or "") in _ERASE_WORDS


class RightsScreens:
    """Rights topics, the directory and erasure, inside one turn."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn
        self.state = turn.state

    def t(self, text: str) -> str:
        return self.turn.t(text)

    # -- topics ----------------------------------------------------------------------------

    def show_rights(self, prefix: str | None = None) -> None:
        self.state.mode = Mode.RIGHTS
        text = self.t(rights.MENU_PROMPT)
        self.turn.say(
            prefixed(prefix, text),
            options=self.rights_options(),
            step_id="rights",
        )

    def rights_options(self) -> tuple[Option, ...]:
        topics = tuple(Option(topic.id, self.t(topic.title)) for topic in rights.TOPICS)
        return (*topics, Option("menu", self.t(rights.MENU)))

    def on_rights(self, event: InboundEvent) -> None:
        options = [(o.code, [o.label]) for o in self.rights_options()]
        choice = self.turn.pick(event, "rights", options)
        if choice == "menu":
            self.turn.go_menu()
        elif choice in rights.TOPIC_INDEX:
            self.open_topic(rights.TOPIC_INDEX[choice])
        else:
            self.show_rights(self.turn.pick_hint())

    def open_topic(self, topic: rights.Topic) -> None:
        if topic.action == "directory":
            self.ask_where()
        elif topic.action == "erase":
            self.ask_erase()
        else:
            self.state.mode = Mode.TOPIC
            self.state.topic, self.state.topic_more = topic.id, False
            self.show_topic()

    def topic_options(self) -> tuple[Option, ...]:
        topic = rights.TOPIC_INDEX.get(self.state.topic or "")
        more = topic is not None and topic.more and not self.state.topic_more
        return (
            *((Option("more", self.t(rights.MORE)),) if more else ()),
            Option("topics", self.t(rights.OTHER_TOPIC)),
            Option("menu", self.t(rights.MENU)),
        )

    def show_topic(self, prefix: str | None = None) -> None:
        topic = rights.TOPIC_INDEX.get(self.state.topic or "")
        if topic is None or topic.action is not None:
            self.show_rights(prefix)
            return
        more = self.state.topic_more and topic.more
        body = self.t(topic.more) if more and topic.more else self.t(topic.text)
        text = f"{self.t(topic.title)}\n{body}"
        self.turn.say(
            prefixed(prefix, text),
            options=self.topic_options(),
            step_id="topic",
            kind="info",
        )

    def on_topic(self, event: InboundEvent) -> None:
        options = [(o.code, [o.label]) for o in self.topic_options()]
        choice = self.turn.pick(event, "topic", options)
        if choice == "more":
            self.state.topic_more = True
            self.show_topic()
        elif choice == "topics":
            self.show_rights()
        elif choice == "menu":
            self.turn.go_menu()
        else:
            self.show_again(self.turn.pick_hint())

    # -- the directory ---------------------------------------------------------------------

    def ask_where(self, prefix: str | None = None) -> None:
        self.state.mode = Mode.RIGHTS_WHERE
        text = self.t(
            "¿Dónde está ahora? Escriba el estado de México, o el país si está fuera de México."
        )
        self.turn.say(
            prefixed(prefix, text),
            options=(
                Option("topics", self.t(rights.OTHER_TOPIC)),
                Option("menu", self.t(rights.MENU)),
            ),
            step_id="rights_where",
            input_hint="text",
        )

    def on_where(self, event: InboundEvent) -> None:
        text = (event.text or "").strip()
        options = [
            ("topics", [self.t(rights.OTHER_TOPIC)]),
            ("menu", [self.t(rights.MENU)]),
        ]
        choice = self.turn.pick(event, "rights_where", options)
        if choice == "topics":
            self.show_rights()
            return
        if choice == "menu":
            self.turn.go_menu()
            return
        state = parse_mx_state(text) if text else None
        country = None if state else (parse_country(text, self.turn.lang) if text else None)
        if state is None and (country is None or country == "MX"):
            self.ask_where(self.t("No reconocí el lugar."))
            return
        self.show_directory(state=state, country=country)

    def show_directory(self, *, state: str | None, country: str | None) -> None:
        found = nearest(self.turn.ctx.directory, state=state, country=country)
        if state:
            place = MX_STATES.get(state, state)
        else:
            place = i18n.country_name(country or "", self.turn.lang)
        if not found:
            lines = [
                self.t("No tenemos organizaciones registradas cerca de {place}.").format(
                    place=place
                )
            ]
        else:
            lines = [
                self.t("Organizaciones que pueden ayudarle, cerca de {place}:").format(place=place)
            ]
            for number, entry in enumerate(found, start=1):
                where = MX_STATES.get(entry.state, "") if entry.state else ""
                if not where:
                    where = i18n.country_name(entry.country, self.turn.lang)
                lines.append(f"{number}. {entry.name} — {entry.city}, {where}")
                services = ", ".join(self.t(rights.SERVICE_LABELS[s]) for s in entry.services)
                lines.append("   " + self.t("Ofrece: {services}").format(services=services))
                if entry.contact:
                    lines.append(
                        "   " + self.t("Contacto: {contact}").format(contact=entry.contact)
                    )
        lines.append(self.t("En una emergencia llame al 911."))
        self.state.mode = Mode.TOPIC
        self.state.topic, self.state.topic_more = "directory", True
        self.turn.say(
            "\n".join(lines),
            options=(
                Option("topics", self.t(rights.OTHER_TOPIC)),
                Option("menu", self.t(rights.MENU)),
            ),
            step_id="topic",
            kind="info",
        )

    # -- delete my data --------------------------------------------------------------------

    def ask_erase(self, prefix: str | None = None) -> None:
        if self.state.mode is not Mode.CONFIRM_ERASE:
            self.state.erase_resume = self.state.mode
        self.state.mode = Mode.CONFIRM_ERASE
        text = self.t(
            "¿Quiere borrar todos sus datos de Camino? Se borrarán esta conversación, las "
            "respuestas que no envió y su forma de contacto. Los reportes que ya envió siguen "
            "guardados sin su forma de contacto, para que el albergue pueda seguir el caso. No se "
            "puede deshacer."
        )
        self.turn.say(
            prefixed(prefix, text),
            options=(Option("yes", self.t("Sí, borrar todo")), Option("no", self.t("No"))),
            step_id="confirm_erase",
        )

    def on_confirm_erase(self, event: InboundEvent) -> None:
        if event.choice is not None and event.step_id not in (None, "confirm_erase"):
            # An old "Sí" button must never confirm erasing someone's data.
            self.ask_erase(self.t("Ese botón es de una pregunta anterior. Responda a esta:"))
            return
        if event.choice is not None:
            answer: bool | None = event.choice == "yes" if event.choice in ("yes", "no") else None
        else:
            typed = (event.text or "").strip()
            answer = {"1": True, "2": False}.get(typed.rstrip("."), parse_yes_no(typed))
        if answer is None:
            self.ask_erase(self.t("Responda «sí» o «no»."))
            return
        resume = self.state.erase_resume or Mode.MENU
        self.state.erase_resume = None
        if not answer:
            self.turn.say(self.t("Bien, no borramos nada."), kind="info")
            if resume in (Mode.CONFIRM_ERASE, Mode.NEW, Mode.IDLE, Mode.MENU):
                self.turn.go_menu()
            else:
                self.state.mode = resume
                self.turn.repeat()
            return
        self.turn.effects.append(EraseContact())
        lines = [self.t("Listo. Borramos sus datos de Camino.")]
        left = _LEFT_BEHIND.get(self.turn.ctx.channel)
        if left:
            lines.append(self.t(left))
        lines.append(self.t("Si nos escribe otra vez, empezamos de nuevo."))
        # Nothing of the conversation stays but its language.
        self.turn.state = self.state = State(language=self.state.language, mode=Mode.IDLE)
        self.turn.say("\n".join(lines), kind="info")

    # -- shared ----------------------------------------------------------------------------

    def show_again(self, prefix: str | None = None) -> None:
        """The topic screen again; after the directory, the question that led to it."""
        if self.state.topic == "directory":
            self.ask_where(prefix)
        else:
            self.show_topic(prefix)
