"""The case page's layout: what matters first, then the coded fields in groups; sizes and times
as people read them.

First the reporter's own words (what is happening now, what happened), how urgent it is, what
they want and how to reach them; then the evidence; then every coded field, grouped by what it
is about. The words and fields themselves come from `bot.dashboard.casework`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.cases.victims import nationalities
from bot.core import municipalities
from bot.core.i18n import Translate, format_approx_date, language_name
from bot.dashboard.casework import (
    ALL_STATUSES,
    answer_text,
    channel_name,
    country,
    label_of,
    place_name,
    yes_no,
)
from bot.store.models import Case
from flows import codes
from flows.model import N_

# The reporter's own words, in the order they are read.
OWN_WORDS: tuple[tuple[str, str], ...] = (
    ("happening_now", N_("Qué pasa ahora")),
    ("description", N_("Qué pasó")),
)
# Personal answers shown with the coded fields (the words and the contact are shown first).
OTHER_PERSONAL: tuple[tuple[str, str], ...] = (
    ("victim_name", N_("Nombre de la víctima")),
    ("incident_place", N_("Lugar (descrito)")),
    ("indigenous_language", N_("Lengua indígena")),
    ("authority", N_("Autoridad y número de carpeta")),
)
UNITS = ("B", "KB", "MB", "GB")

Rows = list[tuple[str, str]]


@dataclass(frozen=True)
class Summary:
    """The top of the case page: the words, the urgency, the wishes and the way back."""

    words: Rows
    urgency: str
    wants: list[str]
    reach: Rows


def human_size(size: int) -> str:
    """15096 -> "15 KB"; 1 500 000 -> "1.4 MB"; below a kilobyte, in bytes."""
    value = float(max(size, 0))
    unit = 0
    # Round first: 1023.7 KB reads "1 MB", not "1024 KB".
    while round(value, 1 if value < 10 else 0) >= 1024 and unit < len(UNITS) - 1:
        value /= 1024
        unit += 1
    if unit == 0:
        return f"{int(value)} B"
    shown = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return f"{shown.removesuffix('.0')} {UNITS[unit]}"


def local_time(moment: datetime, timezone: str) -> str:
    """A moment as the organization's clock shows it: "2026-03-15 23:00"."""
    try:
        zone = ZoneInfo(timezone)
    except (ValueError, KeyError):
        zone = ZoneInfo("America/Mexico_City")
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _present(personal: dict[str, Any], name: str) -> bool:
    return personal.get(name) not in (None, "", {})


def summary(case: Case, personal: dict[str, Any], t: Translate) -> Summary:
    """What a caseworker reads first."""
    words = [
        (t(label), answer_text(personal[name], t))
        for name, label in OWN_WORDS
        if _present(personal, name)
    ]
    if case.urgent:
        urgency = t("Urgente: la persona dijo que pasa ahora o que corre peligro.")
    elif case.in_danger:
        urgency = t("Dijo que está en peligro ahora.")
    else:
        urgency = t("No lo marcó como urgente.")
    wants = []
    if case.wants_complaint:
        wants.append(t("Quiere presentar una denuncia."))
    if case.wants_visa_info:
        wants.append(t("Quiere información sobre la visa humanitaria."))
    if case.wants_contact:
        wants.append(t("Acepta que lo contacten."))
    reach: Rows = []
    if case.anonymous:
        reach.append((t("Contacto"), t("Reporte anónimo: no dejó cómo contactarle.")))
    elif case.wants_contact:
        reach.append((t("Cómo"), label_of(codes.CONTACT_CHANNELS, case.contact_channel, t)))
        reach.append((t("Cuándo"), label_of(codes.CONTACT_HOURS, case.contact_hours, t)))
    else:
        reach.append((t("Contacto"), t("No pidió que le contacten.")))
    for name, label in (
        ("reporter_name", N_("Nombre de quien reporta")),
        ("contact_phone", N_("Teléfono de contacto")),
    ):
        if _present(personal, name):
            reach.append((t(label), answer_text(personal[name], t)))
    reach.append((t("Canal"), channel_name(case.channel, t)))
    reach.append((t("Idioma"), language_name(case.language)))
    return Summary(words=words, urgency=urgency, wants=wants, reach=reach)


def _when(case: Case, t: Translate, language: str) -> str:
    precision = case.incident_date_precision
    if precision is None and case.incident_date is not None:
        precision = "day"  # a date stored before precisions were kept
    return format_approx_date(precision, case.incident_date, language, t) or "—"


def groups_text(case: Case, t: Translate) -> str:
    """ "Mujeres: 2, Hombres: —, Niñas y niños: 1"; a dash when no group was counted."""
    counts = (case.victims_women, case.victims_men, case.victims_children)
    if all(count is None for count in counts):
        return "—"
    return ", ".join(
        f"{t(group.label)}: {'—' if count is None else count}"
        for group, count in zip(codes.VICTIM_GROUPS, counts, strict=True)
    )


def municipality_label(case: Case, t: Translate) -> str:
    """The municipality's name and INEGI key, and whether staff set it or it was matched."""
    name = municipalities.name_of(case.incident_municipality)
    if name is None:
        return "—"
    how = t("corregido por el equipo") if case.municipality_by_staff else t("leído del lugar")
    return f"{name} ({case.incident_municipality}) · {how}"


def field_groups(
    case: Case, personal: dict[str, Any], t: Translate, language: str
) -> list[tuple[str, Rows]]:
    """The coded fields (and the remaining personal answers), grouped by what they are about."""
    more = {
        name: answer_text(personal[name], t)
        for name, _ in OTHER_PERSONAL
        if _present(personal, name)
    }
    labels = dict(OTHER_PERSONAL)
    facts: Rows = [
        (t("Estado del caso"), label_of(ALL_STATUSES, case.status, t)),
        (
            t("Delitos o abusos"),
            ", ".join(label_of(codes.CRIME_TYPES, c.code, t) for c in case.crime_types) or "—",
        ),
        (
            t("Responsables"),
            ", ".join(label_of(codes.PERPETRATORS, p.code, t) for p in case.perpetrators) or "—",
        ),
        (
            t("¿Hubo autoridades coludidas?"),
            label_of(codes.OFFICIALS_COLLUDED, case.officials_colluded, t),
        ),
        (t("Estado donde pasó"), place_name(case.incident_state)),
        (t("Municipio (INEGI)"), municipality_label(case, t)),
        (t("Tipo de lugar"), label_of(codes.PLACE_TYPES, case.place_type, t)),
        (t("Fecha aproximada"), _when(case, t, language)),
        (t("¿Ya lo reportó a una autoridad?"), yes_no(case.already_reported, t)),
    ]
    facts += [
        (t(labels[name]), more[name]) for name in ("incident_place", "authority") if name in more
    ]
    several = nationalities(case.victim_nationalities)
    victims: Rows = [
        (t("Número de víctimas"), str(case.victim_count) if case.victim_count else "—"),
        (t("Víctimas por grupo"), groups_text(case, t)),
        (t("¿Hay menores de edad?"), yes_no(case.victims_minors, t)),
        (
            t("Nacionalidad de la víctima"),
            ", ".join(
                country(code, language) + ("" if count is None else f" ({count})")
                for code, count in several
            )
            if several
            else country(case.victim_nationality, language),
        ),
        (t("Género"), label_of(codes.GENDERS, case.victim_gender, t)),
        (t("Edad"), label_of(codes.AGE_GROUPS, case.victim_age_group, t)),
        (t("¿Sigue desaparecida o retenida?"), yes_no(case.still_missing_or_held, t)),
        (t("¿Habla una lengua indígena?"), yes_no(case.speaks_indigenous_language, t)),
    ]
    victims += [
        (t(labels[name]), more[name])
        for name in ("victim_name", "indigenous_language")
        if name in more
    ]
    reporter: Rows = [
        (t("Quién reporta"), label_of(codes.REPORTER_ROLES, case.reporter_role, t)),
        (
            t("Dónde está quien reporta"),
            place_name(case.reporter_state)
            if case.reporter_state
            else country(case.reporter_country, language),
        ),
        (t("¿En peligro ahora?"), yes_no(case.in_danger, t)),
        (t("¿Reporte anónimo?"), yes_no(case.anonymous, t)),
        (t("¿Un familiar puede seguir el caso?"), yes_no(case.allow_family_follow, t)),
        (t("Canal"), channel_name(case.channel, t)),
        (t("Idioma"), language_name(case.language)),
    ]
    return [
        (t("Los hechos"), facts),
        (t("Las víctimas"), victims),
        (t("Quien reporta"), reporter),
    ]
