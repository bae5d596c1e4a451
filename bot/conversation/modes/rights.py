"""The engine's rights and help screens, nearest organizations, and "delete my data".

A mixin of the engine's turn: pure like the engine (the directory arrives in the context), it
shows `flows.rights` topics with "more", "other topic" and "menu", and asks for confirmation
before the `EraseContact` effect erases everything about the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.conversation.messages import InboundEvent, Option
from bot.conversation.parsers import (
    MX_STATES,
    normalize,
    parse_country,
    parse_mx_state,
    parse_yes_no,
)
from bot.core import i18n
from bot.core.directory import nearest
from flows import rights
from flows.model import N_

if TYPE_CHECKING:
    from bot.conversation.engine import Context, Effect

RIGHTS_MODES = frozenset({"rights", "topic", "rights_where", "confirm_erase"})
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


@dataclass(frozen=True)
class EraseContact:
    """The person confirmed "delete my data": erase the contact and everything about it."""


class RightsScreens:
    """Rights topics, the directory and erasure, for the engine's `_Turn`."""

    if TYPE_CHECKING:
        state: dict[str, Any]
        effects: list[Effect]
        t: i18n.Translate

        @property
        def ctx(self) -> Context: ...

        @property
        def lang(self) -> str: ...

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
        ) -> None: ...

        def go_menu(self) -> None: ...

        def repeat(self, prefix: str | None = None) -> None: ...

        def pick(
            self, event: InboundEvent, step_id: str, options: list[tuple[str, list[str]]]
        ) -> str | None: ...

    # -- topics ----------------------------------------------------------------------------

    def show_rights(self, prefix: str | None = None) -> None:
        self.state["mode"] = "rights"
        text = self.t(rights.MENU_PROMPT)
        self.say(
            f"{prefix}\n\n{text}" if prefix else text,
            options=self.rights_options(),
            step_id="rights",
        )

    def rights_options(self) -> tuple[Option, ...]:
        topics = tuple(Option(topic.id, self.t(topic.title)) for topic in rights.TOPICS)
        return (*topics, Option("menu", self.t(rights.MENU)))

    def on_rights(self, event: InboundEvent) -> None:
        options = [(o.code, [o.label]) for o in self.rights_options()]
        choice = self.pick(event, "rights", options)
        if choice == "menu":
            self.go_menu()
        elif choice in rights.TOPIC_INDEX:
            self.open_topic(rights.TOPIC_INDEX[choice])
        else:
            self.show_rights(self.t("Responda con el número de una opción."))

    def open_topic(self, topic: rights.Topic) -> None:
        if topic.action == "directory":
            self.ask_where()
        elif topic.action == "erase":
            self.ask_erase()
        else:
            self.state.update(mode="topic", topic=topic.id, topic_more=False)
            self.show_topic()

    def topic_options(self) -> tuple[Option, ...]:
        topic = rights.TOPIC_INDEX.get(str(self.state.get("topic")))
        more = topic is not None and topic.more and not self.state.get("topic_more")
        return (
            *((Option("more", self.t(rights.MORE)),) if more else ()),
            Option("topics", self.t(rights.OTHER_TOPIC)),
            Option("menu", self.t(rights.MENU)),
        )

    def show_topic(self, prefix: str | None = None) -> None:
        topic = rights.TOPIC_INDEX.get(str(self.state.get("topic")))
        if topic is None or topic.action is not None:
            self.show_rights(prefix)
            return
        more = self.state.get("topic_more") and topic.more
        body = self.t(topic.more) if more and topic.more else self.t(topic.text)
        text = f"{self.t(topic.title)}\n{body}"
        self.say(
            f"{prefix}\n\n{text}" if prefix else text,
            options=self.topic_options(),
            step_id="topic",
            kind="info",
        )

    def on_topic(self, event: InboundEvent) -> None:
        options = [(o.code, [o.label]) for o in self.topic_options()]
        choice = self.pick(event, "topic", options)
        if choice == "more":
            self.state["topic_more"] = True
            self.show_topic()
        elif choice == "topics":
            self.show_rights()
        elif choice == "menu":
            self.go_menu()
        else:
            self.repeat_rights(self.t("Responda con el número de una opción."))

    # -- the directory ---------------------------------------------------------------------

    def ask_where(self, prefix: str | None = None) -> None:
        self.state["mode"] = "rights_where"
        text = self.t(
            "¿Dónde está ahora? Escriba el estado de México, o el país si está fuera de México."
        )
        self.say(
            f"{prefix}\n\n{text}" if prefix else text,
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
        choice = self.pick(event, "rights_where", options)
        if choice == "topics":
            self.show_rights()
            return
        if choice == "menu":
            self.go_menu()
            return
        state = parse_mx_state(text) if text else None
        country = None if state else (parse_country(text, self.lang) if text else None)
        if state is None and (country is None or country == "MX"):
            self.ask_where(self.t("No reconocí el lugar."))
            return
        self.show_directory(state=state, country=country)

    def show_directory(self, *, state: str | None, country: str | None) -> None:
        found = nearest(self.ctx.directory, state=state, country=country)
        if state:
            place = MX_STATES.get(state, state)
        else:
            place = i18n.country_name(country or "", self.lang)
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
                    where = i18n.country_name(entry.country, self.lang)
                lines.append(f"{number}. {entry.name} — {entry.city}, {where}")
                services = ", ".join(self.t(rights.SERVICE_LABELS[s]) for s in entry.services)
                lines.append("   " + self.t("Ofrece: {services}").format(services=services))
                if entry.contact:
                    lines.append(
                        "   " + self.t("Contacto: {contact}").format(contact=entry.contact)
                    )
        lines.append(self.t("En una emergencia llame al 911."))
        self.state.update(mode="topic", topic="directory", topic_more=True)
        self.say(
            "\n".join(lines),
            options=(
                Option("topics", self.t(rights.OTHER_TOPIC)),
                Option("menu", self.t(rights.MENU)),
            ),
            step_id="topic",
            kind="info",
        )

    # -- delete my data --------------------------------------------------------------------

    def is_erase_request(self, text: str | None) -> bool:
        return bool(text) and normalize(text or "") in _ERASE_WORDS

    def ask_erase(self, prefix: str | None = None) -> None:
        if self.state["mode"] != "confirm_erase":
            self.state["erase_resume"] = self.state["mode"]
        self.state["mode"] = "confirm_erase"
        text = self.t(
            "¿Quiere borrar todos sus datos de Camino? Se borrarán esta conversación, las "
            "respuestas que no envió y su forma de contacto. Los reportes que ya envió siguen "
            "guardados sin su forma de contacto, para que el albergue pueda seguir el caso. No se "
            "puede deshacer."
        )
        self.say(
            f"{prefix}\n\n{text}" if prefix else text,
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
        resume = self.state.pop("erase_resume", None) or "menu"
        if not answer:
            self.say(self.t("Bien, no borramos nada."), kind="info")
            if resume in ("confirm_erase", "new", "idle", "menu"):
                self.go_menu()
            else:
                self.state["mode"] = resume
                self.repeat()
            return
        self.effects.append(EraseContact())
        lines = [self.t("Listo. Borramos sus datos de Camino.")]
        left = _LEFT_BEHIND.get(self.ctx.channel)
        if left:
            lines.append(self.t(left))
        lines.append(self.t("Si nos escribe otra vez, empezamos de nuevo."))
        from bot.conversation.engine import new_state  # the engine imports this module first

        lang = self.state.get("lang")
        self.state.clear()
        self.state.update(new_state(), lang=lang, mode="idle")
        self.say("\n".join(lines), kind="info")

    # -- shared ----------------------------------------------------------------------------

    def repeat_rights(self, prefix: str | None = None) -> None:
        mode = self.state["mode"]
        if mode == "rights":
            self.show_rights(prefix)
        elif mode == "topic":
            if self.state.get("topic") == "directory":
                self.ask_where(prefix)
            else:
                self.show_topic(prefix)
        elif mode == "rights_where":
            self.ask_where(prefix)
        elif mode == "confirm_erase":
            self.ask_erase(prefix)
