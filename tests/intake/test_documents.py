"""The complaint PDF: a demo case rendered, its text extracted, every field and accent intact."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader

from bot import cases
from bot.conversation.messages import InboundEvent, Media
from bot.core.clock import FrozenClock
from bot.follow.events import add_event
from bot.intake.documents import FONTS, language_name, render_complaint_pdf
from bot.store.contacts import Sender
from tests.support.factories import make_runtime

ACCENTS = "á é í ó ú ñ ü ¿ ¡ è ò"
STORY = f"Mwen te sou tren an. {ACCENTS}. Yo pran lajan nou, «tout bagay». Ç'était à Tenosique."
NAME = "Ramón Pérez Núñez"
PHONE = "+50499887766"

# A relative in Honduras, in Haitian Creole answers by number: only the free text matters.
SCRIPT = [
    "1",  # the menu: report
    "1",  # consent
    "4",  # nobody in danger now
    "2",  # to me and to others
    "Tabasco",
    STORY,
    "1, 5",
    "1, 5",
    "Las vías de Tenosique",
    "15/03",
    "2 gason",  # two men, counted by group
    "Honduras",
    "2",
    "25",
    "1, 3",
    "llamada",  # a call to another number
    PHONE,
    NAME,
    "1",
    "1",  # the summary: send
]


def extract(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def squash(text: str) -> str:
    return " ".join(text.split())


def test_demo_case_renders_with_every_field_and_accents(tmp_path: Path) -> None:
    clock = FrozenClock(datetime(2026, 3, 20, 15, 0, tzinfo=UTC))
    runtime = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path, clock=clock)
    sender = Sender("telegram", "777")
    runtime.conversations.handle(sender, InboundEvent(language_hint="ht"))
    for number, answer in enumerate(SCRIPT):
        if number == 5:  # at the account: a photo first
            runtime.conversations.handle(
                sender, InboundEvent(media=(Media("image/jpeg", b"\xff\xd8photo"),))
            )
        runtime.conversations.handle(sender, InboundEvent(text=answer))
    with runtime.sessions() as db, db.begin():
        case = db.query(cases.service.Case).filter_by(status="submitted").one()
        add_event(
            db,
            runtime.vault,
            case,
            status="complaint_filed",
            author="staff",
            note="nota interna secreta",
            family_visible=True,
            now=clock(),
        )
        personal = cases.personal_data(runtime.vault, case)
        events = cases.timeline(db, runtime.vault, case)
        pdf = render_complaint_pdf(
            case,
            personal,
            events,
            evidence=cases.evidence_items(runtime.vault, case),
            code="K7QM-4T9X-2HCB",
            place="Tenosique, Tabasco",
            today=date(2026, 3, 21),
        )
        sha = cases.evidence_items(runtime.vault, case)[0].sha256
    runtime.close()

    assert pdf.startswith(b"%PDF")
    text = squash(extract(pdf))
    for expected in (
        "Ministerio Público",
        "A quien corresponda",
        "Tenosique, Tabasco, a 21 de marzo de 2026",
        "DENUNCIA DE HECHOS",
        NAME,
        PHONE,
        "Víctima",
        "Tabasco",
        "Las vías de Tenosique",
        "Secuestro",
        "Extorsión o cobro de cuotas",
        "Crimen organizado o cártel",
        "Agente de migración (INM)",
        "15 de marzo de 2026",
        "Honduras",
        "Hombre",
        "De 18 a 29 años",
        "Relato en criollo haitiano, transcrito tal como fue escrito",
        squash(STORY),
        ACCENTS,
        "SHA-256: " + sha,
        "visitante por razones humanitarias",
        "artículo 52, fracción V",
        "prueba anticipada",
        "artículo 304",
        "Denuncia presentada",
        "K7QM-4T9X-2HCB",
        "Nombre y firma",
    ):
        assert expected in text, expected
    assert "nota interna secreta" not in text  # staff notes never go into the document


def test_spanish_report_and_anonymous_reporter_without_code() -> None:
    from types import SimpleNamespace

    case = SimpleNamespace(
        id="abc123",
        language="es",
        reporter_role="witness",
        reporter_state=None,
        reporter_country="GT",
        officials_colluded="unsure",
        incident_state="MX-CHP",
        place_type="train",
        incident_date=None,
        incident_date_precision="over_a_year",
        victim_count=None,
        victim_nationality=None,
        victim_gender=None,
        victim_age_group=None,
        victims_women=None,
        victims_men=None,
        victims_children=None,
        victims_minors=None,
        victim_nationalities=None,
        prior_reports=None,
        prior_outcome=None,
        still_missing_or_held=None,
        already_reported=None,
        wants_complaint=True,
        wants_visa_info=False,
        submitted_at=datetime(2026, 5, 1, tzinfo=UTC),
        crime_types=["robbery"],
        perpetrators=["unknown"],
        evidence=[],
    )
    personal = {
        "description": "Nos asaltaron en La Bestia.",
        "original_language": "es",
        "incident_place": {"lat": 17.47, "lon": -91.42},
    }
    text = squash(extract(render_complaint_pdf(case, personal)))  # type: ignore[arg-type]
    for expected in (
        "Reporte anónimo",
        "Testigo",
        "Fuera de México, Guatemala",
        "Relato transcrito tal como fue escrito, en español",
        "Nos asaltaron en La Bestia.",
        "ID abc123",
        "1 de mayo de 2026",
        "Hace más de un año",
        "Robo o asalto",
        "No se enviaron pruebas",
        "ubicación compartida 17.47, -91.42",
    ):
        assert expected in text, expected
    assert "visitante por razones humanitarias" not in text


def test_fonts_are_shipped_with_the_package() -> None:
    assert (FONTS / "DejaVuSans.ttf").is_file() and (FONTS / "DejaVuSans-Bold.ttf").is_file()
    assert (FONTS / "LICENSE").is_file()
    assert language_name("en") == "inglés" and language_name("fr") == "francés"


def test_queja_to_the_state_commission_with_an_interpreter() -> None:
    from types import SimpleNamespace

    from bot.intake.documents import queja_addressee

    case = SimpleNamespace(
        id="q1",
        language="es",
        reporter_role="victim",
        reporter_state="MX-CHP",
        reporter_country=None,
        officials_colluded="yes",
        incident_state="MX-CHP",
        place_type="road_or_checkpoint",
        incident_date=None,
        incident_date_precision="unknown",
        victim_count=1,
        victim_nationality="GT",
        victim_gender="woman",
        victim_age_group="18_29",
        victims_women=None,
        victims_men=None,
        victims_children=None,
        victims_minors=None,
        victim_nationalities=None,
        prior_reports=None,
        prior_outcome=None,
        still_missing_or_held=False,
        already_reported=False,
        wants_complaint=False,  # no denuncia wanted: the queja does not ask for one
        wants_visa_info=False,
        submitted_at=datetime(2026, 5, 1, tzinfo=UTC),
        crime_types=["bribery_demand"],
        perpetrators=["municipal_police"],
        evidence=[],
    )
    personal = {"description": "Nos pidieron dinero en el retén.", "indigenous_language": "mam"}
    addressee = queja_addressee("state_commission", "MX-CHP")
    assert addressee == "Comisión de Derechos Humanos del Estado de Chiapas"
    assert queja_addressee("cndh", "MX-CHP").startswith("Comisión Nacional")
    pdf = render_complaint_pdf(case, personal, queja=addressee)  # type: ignore[arg-type]
    text = squash(extract(pdf))
    for expected in (
        "Comisión de Derechos Humanos del Estado de Chiapas",
        "QUEJA",
        "violatorios de derechos humanos",
        "intérprete de la lengua mam",
        "artículo 45",
        "Ley de la Comisión Nacional de los Derechos Humanos",
        "número de expediente",
    ):
        assert expected in text, expected
    for absent in ("DENUNCIA DE HECHOS", "carpeta de investigación que corresponda"):
        assert absent not in text, absent
