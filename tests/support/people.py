"""The three people of issue 14, as scripts every channel's end-to-end test drives.

Each script is (expected step, what the person types); "menu" and "summary" are the menu and the
summary, "complete" the offer to complete an urgent report. Typed words, not button presses, so
that the same script works on SMS, WhatsApp, Telegram and the web chat.
"""

from __future__ import annotations

from dataclasses import dataclass

# Questions of the complaint: everything the person answers but the menu and the summary.
NOT_QUESTIONS = frozenset({"language", "menu", "summary"})
MAX_QUESTIONS = 15
MAX_SMS_SEGMENTS = 25


@dataclass(frozen=True)
class Person:
    name: str
    sender: str  # their phone number, for SMS and WhatsApp
    script: tuple[tuple[str, str], ...]

    @property
    def questions(self) -> int:
        return sum(1 for step, _ in self.script if step not in NOT_QUESTIONS)


# A Honduran woman in Tenosique, robbed and sexually assaulted on the route, unsure of dates.
HONDURAN_WOMAN = Person(
    "Honduran woman in Tenosique",
    "+5219341112233",
    (
        ("menu", "1"),
        ("consent_store", "sí"),
        ("danger_now", "no"),
        ("who", "1"),
        ("reporter_where", "Tenosique, Tabasco"),
        ("description", "Me robaron y me violaron unos pandilleros cuando caminábamos"),
        ("incident_place", "En las vías, antes de llegar a Tenosique"),
        ("incident_date", "no sé"),
        ("victim_nationality", "Honduras"),
        ("victim_gender", "mujer, 25"),
        ("wants", "4, 5"),
        ("contact", "1"),
        ("summary", "1"),
    ),
)

# A Salvadoran father in San Salvador whose son disappeared in Tamaulipas three weeks ago: the
# urgent fast path files the report, then he completes it.
SALVADORAN_FATHER = Person(
    "Salvadoran father in San Salvador",
    "+50377112233",
    (
        ("menu", "1"),
        ("consent_store", "sí"),
        ("danger_now", "3"),
        ("danger_state", "Tamaulipas"),
        ("contact", "1"),
        ("complete", "1"),
        ("who", "3"),
        ("reporter_where", "El Salvador"),
        ("description", "Mi hijo iba en camino a Estados Unidos y desapareció. No sabemos quién."),
        ("officials_colluded", "no sé"),
        ("incident_place", "Reynosa, Tamaulipas"),
        ("incident_date", "hace tres semanas"),
        ("victim_name", "Josué"),
        ("victim_nationality", "El Salvador"),
        ("victim_gender", "hombre, 17"),
        ("wants", "6"),
        ("summary", "1"),
    ),
)

# A Guatemalan man whose money INM agents took at a checkpoint.
GUATEMALAN_MAN = Person(
    "Guatemalan man robbed by INM agents",
    "+5219621234567",
    (
        ("menu", "1"),
        ("consent_store", "sí"),
        ("danger_now", "no"),
        ("who", "1"),
        ("reporter_where", "Tapachula"),
        ("description", "Los agentes de migración me quitaron todo mi dinero"),
        ("incident_place", "En un retén cerca de Huixtla, Chiapas"),
        ("incident_date", "la semana pasada"),
        ("victim_nationality", "Guatemala"),
        ("victim_gender", "hombre, 34"),
        ("indigenous_language", "mam"),
        ("wants", "1, 2"),
        ("contact", "+502 5555 1234"),
        ("reporter_name", "Pedro"),
        ("contact_hours", "2"),
        ("summary", "1"),
    ),
)

PEOPLE = (HONDURAN_WOMAN, SALVADORAN_FATHER, GUATEMALAN_MAN)
