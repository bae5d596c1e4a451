"""The engine's complaint-document part: a reporter asks for their own complaint as a PDF.

Pure like the rest of the engine. The service lists in `Context.own_cases` the filed cases this
chat may ask for: its own (the case's contact is this chat, so never an anonymous report), and
only on a channel that can send a document protected from forwarding. The engine offers
"Recibir mi denuncia en PDF" in the menu (the receipt's menu too), asks which report when there
are several, and asks the service with `SendComplaint`; the service checks the case again,
renders the PDF and hands it back through `engine.resume` as a `Complaint`, which the engine
attaches to a message the channel sends as a document.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.conversation.messages import InboundEvent, Option, OutboundMessage
from bot.conversation.protocol import Complaint, SendComplaint
from bot.conversation.state import Mode
from bot.conversation.turn import Turn, prefixed
from bot.core import i18n
from flows.model import N_

TITLE = N_("Recibir mi denuncia en PDF")
MENU_CODE = "document"
STEP = "document"  # the step id of "which report?"
BACK = "menu"


class Documents:
    """The document steps, run inside one engine turn."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn

    def t(self, text: str) -> str:
        return self.turn.t(text)

    def option(self) -> tuple[Option, ...]:
        """The menu option, when this chat has a case to ask for (or just filed one)."""
        ctx = self.turn.context
        offered = self.turn.offer_document or (ctx is not None and bool(ctx.own_cases))
        return (Option(MENU_CODE, self.t(TITLE)),) if offered else ()

    def begin(self) -> None:
        """From the menu: send the one report's document, or ask which one."""
        own = self.turn.ctx.own_cases
        if not own:
            self.turn.say(self.t("No hay un reporte suyo en este chat."), kind="error")
            self.turn.go_menu()
        elif len(own) == 1:
            self.request(own[0].case_id)
        else:
            self.turn.state.mode = Mode.DOCUMENT
            self.turn.state.document_cases = [case.case_id for case in own]
            self.ask()

    def choices(self) -> list[tuple[str, str]]:
        """(code, label) of the reports offered, those still this chat's, newest first."""
        own = {case.case_id: case for case in self.turn.ctx.own_cases}
        zone = ZoneInfo(self.turn.ctx.timezone)
        found = []
        for number, case_id in enumerate(self.turn.state.document_cases, start=1):
            case = own.get(case_id)
            if case is None:
                continue
            local = case.filed_at.astimezone(zone)
            label = self.t("Reporte del {day}, {time}").format(
                day=i18n.format_day(local.date(), self.turn.lang), time=local.strftime("%H:%M")
            )
            found.append((str(number), label))
        return found

    def ask(self, prefix: str | None = None) -> None:
        text = self.t("¿De qué reporte quiere el documento?")
        options = (
            *(Option(code, label) for code, label in self.choices()),
            Option(BACK, self.t("Volver al menú")),
        )
        self.turn.say(prefixed(prefix, text), options=options, step_id=STEP)

    def on_event(self, event: InboundEvent) -> None:
        options = [(code, [label]) for code, label in self.choices()]
        options.append((BACK, [self.t("Volver al menú")]))
        choice = self.turn.pick(event, STEP, options)
        cases = self.turn.state.document_cases
        if choice is None:
            self.ask(self.turn.pick_hint())
        elif choice == BACK:
            self.turn.state.document_cases = []
            self.turn.go_menu()
        else:
            self.request(cases[int(choice) - 1])

    def request(self, case_id: str) -> None:
        self.turn.state.document_cases = []
        self.turn.state.mode = Mode.MENU
        self.turn.effects.append(SendComplaint(case_id))

    def resume(self, outcome: Complaint) -> None:
        """The service's answer: the document with a few words, then the menu."""
        if outcome.document is None:
            self.turn.say(self.t("No pudimos preparar ese documento."), kind="error")
        else:
            text = self.t(
                "Aquí está su denuncia, en español, para entregarla en una fiscalía o un "
                "consulado. Tiene sus datos: guárdela en un lugar seguro."
            )
            self.turn.messages.append(
                OutboundMessage(text, kind="info", sensitive=True, document=outcome.document)
            )
        self.turn.go_menu()
