"""What the caption tests on every channel share: the answers up to the account, and the words
kept with each piece of evidence of a person's draft."""

from __future__ import annotations

from sqlalchemy import select

from bot import cases
from bot.app.runtime import Runtime
from bot.store.models import Case

# Menu: report; consent; nobody in danger; it happened to me; where I am now.
TO_THE_ACCOUNT = ("1", "1", "4", "1", "Chiapas")
ACCOUNT = "Nos robaron unos pandilleros en el tren"
PLACE = "En las vías de Tenosique"
NOTE = "Así quedó mi mochila"


def notes(runtime: Runtime) -> list[str | None]:
    """The words kept with each piece of evidence of the one draft, oldest first."""
    with runtime.sessions() as db:
        case = db.scalars(select(Case)).one()
        return [item.note for item in cases.evidence_items(runtime.vault, case)]
