"""The complaint document: a written complaint (denuncia) in Spanish, as a PDF.

Whatever language the report was made in, the document is in Spanish, laid out the way a
prosecutor's office (Ministerio Público) or a consulate receives a written complaint: place and
date, who reports, the facts (what, where, when, who, victims), the person's own words kept
verbatim beside a note of their language, the evidence with its SHA-256, what is requested, and
a closing with the case reference. Fonts are the DejaVu fonts shipped in `bot/fonts`, which
cover Spanish and Haitian Creole (and French) characters.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel import Locale

from bot.cases.events import TimelineEntry
from bot.cases.service import EvidenceItem
from bot.cases.tracks import LABELS
from bot.cases.victims import nationalities
from bot.conversation.parsers import MX_STATES
from bot.core import i18n
from bot.store.models import Case
from flows import codes

FONTS = Path(__file__).resolve().parents[1] / "fonts"
FONT = "DejaVu"
_LABELS: dict[str, dict[str, str]] = {
    "crime": {c.code: c.label for c in codes.CRIME_TYPES},
    "perpetrator": {c.code: c.label for c in codes.PERPETRATORS},
    "place": {c.code: c.label for c in codes.PLACE_TYPES},
    "gender": {c.code: c.label for c in codes.GENDERS},
    "age": {c.code: c.label for c in codes.AGE_GROUPS},
    "colluded": {c.code: c.label for c in codes.OFFICIALS_COLLUDED},
    "status": LABELS,
}
_PRIOR = {c.code: c.label for c in codes.PRIOR_REPORTS}
_ROLES = {
    "victim": "Víctima",
    "witness": "Testigo",
    "relative_or_friend": "Familiar o persona cercana a la víctima",
    "organization": "Organización o albergue que acompaña a la víctima",
}
_KINDS = {"image": "Imagen", "audio": "Audio", "document": "Documento", "location": "Ubicación"}


@dataclass(frozen=True)
class Section:
    """A heading and its lines; `verbatim` lines are printed exactly as written."""

    heading: str
    lines: tuple[str, ...]
    verbatim: bool = False


def _label(kind: str, code: str | None) -> str:
    return _LABELS[kind].get(code or "", code or "") if code else "No se indicó"


def _labels(kind: str, items: Iterable[Any]) -> str:
    """Labels of coded rows (`CaseCrimeType`...) or plain codes, comma-separated."""
    found = []
    for item in items:
        code = str(item if isinstance(item, str) else getattr(item, "code", item))
        found.append(_LABELS[kind].get(code, code))
    return ", ".join(found) if found else "No se indicó"


def _yes_no(value: bool | None) -> str:
    return "No se indicó" if value is None else ("Sí" if value else "No")


def _country(code: str | None) -> str:
    return i18n.country_name(code, "es") if code else "No se indicó"


def _state(code: str | None) -> str:
    return MX_STATES.get(code, code) if code else "No se indicó"


def _groups(case: Case) -> list[str]:
    """Several victims by group and nationality; minors said plainly (they are owed special
    protection: Ley General de los Derechos de Niñas, Niños y Adolescentes, arts. 89-101)."""
    lines = []
    counts = (case.victims_women, case.victims_men, case.victims_children)
    if any(count is not None for count in counts):
        said = (
            f"{name}: {'no se sabe' if count is None else count}"
            for name, count in zip(("mujeres", "hombres", "niñas y niños"), counts, strict=True)
        )
        lines.append("Por grupo: " + ", ".join(said))
    if case.victims_minors:
        lines.append("Entre las víctimas hay personas menores de 18 años.")
    several = nationalities(case.victim_nationalities)
    if several:
        lines.append(
            "Nacionalidades: "
            + ", ".join(
                _country(code) + ("" if count is None else f" ({count})") for code, count in several
            )
        )
    return lines


def _prior(case: Case) -> list[str]:
    """Where it was reported before and how the authority answered, as coded."""
    places = [code for code in (case.prior_reports or "").split() if code != "none"]
    lines = []
    if places:
        lines.append(f"Dónde: {', '.join(_PRIOR.get(code, code) for code in places)}")
    answered = {
        "refused": "La autoridad no quiso recibir la denuncia.",
        "asked_money": "La autoridad pidió dinero para recibirla.",
        "taken": "La autoridad recibió la denuncia.",
    }
    if case.prior_outcome in answered:
        lines.append(answered[case.prior_outcome])
    return lines


def _when(case: Case) -> str:
    precision, value = case.incident_date_precision, case.incident_date
    # An approximate date says so: the document must not turn it into a fact.
    if precision in ("day", None) and value:
        return i18n.format_day(value, "es")
    if precision == "week" and value:
        return f"Hacia el {i18n.format_day(value, 'es')} (fecha aproximada, con días de margen)"
    if precision == "month" and value:
        return f"En {i18n.format_month(value, 'es')} (sin precisar el día)"
    if precision == "year" and value:
        return f"En {value.year} (sin precisar el mes ni el día)"
    if precision == "over_a_year":
        return "Hace más de un año (sin precisar la fecha)"
    return "Fecha no conocida"


def language_name(code: str) -> str:
    """A language's name in Spanish: "inglés", "criollo haitiano"..."""
    return str(Locale.parse("es").languages.get(code, code))


def sections(
    case: Case,
    personal: Mapping[str, Any],
    events: Sequence[TimelineEntry] = (),
    *,
    evidence: Sequence[EvidenceItem] = (),
    crime_types: Sequence[Any] = (),
    perpetrators: Sequence[Any] = (),
    reference: str,
    queja: str | None = None,
) -> list[Section]:
    """The document's content, section by section (rendered by `render_complaint_pdf`)."""
    reporter = personal.get("reporter_name") or "Reporte anónimo (la persona no dio su nombre)"
    where_reporter = (
        f"En México, {_state(case.reporter_state)}"
        if case.reporter_state
        else f"Fuera de México, {_country(case.reporter_country)}"
        if case.reporter_country
        else "No se indicó"
    )
    who = [
        f"Nombre: {reporter}",
        f"Calidad: {_ROLES.get(case.reporter_role or '', 'No se indicó')}",
        f"Ubicación al reportar: {where_reporter}",
    ]
    if personal.get("contact_phone"):
        who.append(f"Teléfono de contacto: {personal['contact_phone']}")
    place = personal.get("incident_place")
    if isinstance(place, Mapping):
        shared = f"ubicación compartida {place.get('lat')}, {place.get('lon')}"
        place_text = place.get("text") or (shared if "lat" in place else None)
    else:
        place_text = place
    facts = [
        f"Qué pasó: {_labels('crime', crime_types)}",
        f"Dónde: {_state(case.incident_state)}"
        + (f", {place_text}" if place_text else "")
        + f" ({_label('place', case.place_type)})",
        f"Cuándo: {_when(case)}",
        f"Quién lo hizo: {_labels('perpetrator', perpetrators)}",
        f"Participación o tolerancia de autoridades: {_label('colluded', case.officials_colluded)}",
    ]
    victims = [
        f"Número de víctimas: {'No se indicó' if case.victim_count is None else case.victim_count}",
        f"Nacionalidad: {_country(case.victim_nationality)}",
        f"Género: {_label('gender', case.victim_gender)}",
        f"Edad: {_label('age', case.victim_age_group)}",
        f"Sigue desaparecida o retenida: {_yes_no(case.still_missing_or_held)}",
    ]
    if case.victim_nationalities:  # several countries: listed with the groups instead
        victims = [line for line in victims if not line.startswith("Nacionalidad:")]
    victims[1:1] = _groups(case)
    if personal.get("victim_name"):
        victims.insert(0, f"Nombre: {personal['victim_name']}")
    if personal.get("indigenous_language"):
        victims.append(f"Habla una lengua indígena: {personal['indigenous_language']}")
    original = str(personal.get("original_language") or case.language or "es")
    note = (
        "Relato transcrito tal como fue escrito, en español."
        if original == "es"
        else f"Relato en {language_name(original)}, transcrito tal como fue escrito."
    )
    story = str(personal.get("description") or "La persona no escribió un relato.")
    previous = [f"Ya lo denunció ante una autoridad: {_yes_no(case.already_reported)}"]
    previous += _prior(case)
    if personal.get("authority"):
        previous.append(f"Autoridad y número de carpeta: {personal['authority']}")
    proofs = [
        f"{number}. {_KINDS.get(item.kind, item.kind)} ({item.content_type}, {item.size} bytes), "
        f"recibida el {i18n.format_day(item.created_at.date(), 'es')}. SHA-256: {item.sha256}"
        + (f". Palabras enviadas con ella: «{item.note}»" if item.note else "")
        for number, item in enumerate(evidence, start=1)
    ] or ["No se enviaron pruebas por este medio."]
    requests = []
    language = personal.get("indigenous_language")
    if language:
        # CNPP art. 45 and Ley General de Derechos Lingüísticos de los Pueblos Indígenas art. 10:
        # a person who speaks an indigenous language is heard with an interpreter.
        requests.append(
            f"Que se designe una persona intérprete de la lengua {language} para toda "
            "actuación con la víctima (Código Nacional de Procedimientos Penales, artículo 45; "
            "Ley General de Derechos Lingüísticos de los Pueblos Indígenas, artículo 10)."
        )
    if queja is not None:
        requests.append(
            "Que se admita esta queja y se investigue la actuación de las autoridades "
            "señaladas (Ley de la Comisión Nacional de los Derechos Humanos, artículos 25 y 26, "
            "o la ley de la comisión estatal que corresponda)."
        )
        requests.append("Que se entregue el número de expediente de la queja.")
    elif case.wants_complaint or case.wants_complaint is None:
        requests.append(
            "Que se reciba esta denuncia y se inicie la carpeta de investigación que corresponda."
        )
    if case.wants_visa_info:
        requests.append(
            "Que se informe sobre la condición de estancia de visitante por razones "
            "humanitarias (Ley de Migración, artículo 52, fracción V)."
        )
    if case.reporter_role in ("victim", "witness"):
        requests.append(
            "Que, si la persona debe salir del país, se valore el desahogo de su testimonio "
            "como prueba anticipada (Código Nacional de Procedimientos Penales, artículo 304)."
        )
    if queja is None:
        requests.append("Que se entregue copia de esta denuncia y el número de carpeta asignado.")
    result = [
        Section("Datos de quien denuncia", tuple(who)),
        Section("Hechos", tuple(facts)),
        Section("Víctimas", tuple(victims)),
        Section("Relato de la persona", (note,)),
        Section("", (story,), verbatim=True),
        Section("Denuncias anteriores", tuple(previous)),
        Section("Pruebas", tuple(proofs)),
        Section("Peticiones", tuple(f"{n}. {text}" for n, text in enumerate(requests, start=1))),
    ]
    # The corrected track (never a wrong step), and only steps of procedure: not alerts or calls.
    events = [e for e in events if e.effective and e.status in LABELS]
    if events:
        result.append(
            Section(
                "Seguimiento registrado",
                tuple(
                    f"{i18n.format_day(e.created_at.date(), 'es')}: {_label('status', e.status)}"
                    for e in events
                ),
            )
        )
    result.append(Section("Referencia", (f"Referencia del caso en Camino: {reference}",)))
    return result


@functools.cache
def _document_class() -> Any:
    """The PDF page class. fpdf2 (with Pillow and fontTools) is imported on the first document:
    a process that never draws one keeps tens of megabytes free."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    class _Document(FPDF):
        """A page with DejaVu fonts and a footer with the page number."""

        def para(
            self, height: float, text: str, *, width: float = 0, align: str = "L", border: str = ""
        ) -> None:
            """A paragraph that wraps, then the next line at the left margin."""
            self.multi_cell(
                width,
                height,
                text,
                border=border or 0,
                align=align,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font(FONT, size=8)
            self.cell(0, 10, f"Página {self.page_no()}/{{nb}}", align="C")

    return _Document


def render_complaint_pdf(
    case: Case,
    personal: Mapping[str, Any],
    events: Sequence[TimelineEntry] = (),
    *,
    evidence: Sequence[EvidenceItem] | None = None,
    code: str | None = None,
    place: str | None = None,
    today: date | None = None,
    queja: str | None = None,
) -> bytes:
    """The written complaint for a case, as PDF bytes.

    `personal` is `bot.cases.personal_data(vault, case)`; `events` the case's timeline (only
    dates and statuses are printed, never staff notes); `code` the case code if the caller has
    it (it is not stored), else the case's id is the reference; `place` where it is signed.
    """
    evidence = list(evidence or ())
    day = today or (case.submitted_at.date() if case.submitted_at else date.today())
    reference = code or f"ID {case.id}"
    content = sections(
        case,
        personal,
        events,
        evidence=evidence,
        crime_types=list(getattr(case, "crime_types", [])),
        perpetrators=list(getattr(case, "perpetrators", [])),
        reference=reference,
        queja=queja,
    )
    pdf = _document_class()(format="A4")
    title = "Queja" if queja is not None else "Denuncia de hechos"
    pdf.set_title(title)
    pdf.set_creator("Camino")
    pdf.set_creation_date(datetime(day.year, day.month, day.day))
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()

    pdf.set_font(FONT, "B", 12)
    pdf.para(6, queja or "C. Agente del Ministerio Público\nA quien corresponda")
    pdf.set_font(FONT, "", 10)
    pdf.para(6, f"{place or 'México'}, a {i18n.format_day(day, 'es')}", align="R")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 14)
    pdf.para(8, title.upper(), align="C")
    pdf.ln(2)
    pdf.set_font(FONT, "", 10)
    pdf.para(
        5,
        (
            "Por medio de este escrito se presenta queja por los siguientes hechos, "
            "posiblemente violatorios de derechos humanos, cometidos por autoridades "
            "en contra de personas migrantes"
            if queja
            else "Por medio de este escrito se hacen del conocimiento de esta autoridad los "
            "siguientes hechos, posiblemente constitutivos de delito, cometidos en contra de "
            "personas migrantes"
        )
        + ", tal como fueron reportados a través de Camino, un canal para reportar "
        "delitos y abusos contra personas migrantes en México.",
    )
    for section in content:
        pdf.ln(3)
        if section.heading:
            pdf.set_font(FONT, "B", 11)
            pdf.para(6, section.heading)
        pdf.set_font(FONT, "", 10)
        for text in section.lines:
            if section.verbatim:
                pdf.set_x(pdf.l_margin + 6)
                pdf.para(5, text, width=pdf.epw - 6, border="L")
            else:
                pdf.para(5, text)
    pdf.ln(10)
    pdf.para(5, "Atentamente,")
    pdf.ln(14)
    pdf.para(5, "______________________________\nNombre y firma")
    return bytes(pdf.output())


def queja_addressee(body: str, state: str | None) -> str:
    """Whom a queja is addressed to: the CNDH (federal authorities, such as the INM or the
    National Guard), or the human-rights commission of the state where it happened."""
    if body == "cndh" or not state:
        return "Comisión Nacional de los Derechos Humanos\nVisitaduría General"
    return f"Comisión de Derechos Humanos del Estado de {_state(state)}"
