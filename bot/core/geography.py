"""Where people and organizations are: Mexico's states, their borders, and what is nearest.

Pure data and functions over it (ISO 3166-2:MX as pycountry names it), shared by the
conversation, the directory of organizations and the complaint document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

# The names people use; pycountry's (kept as synonyms) are the long constitutional ones.
_STATE_NAMES = {
    "MX-COA": "Coahuila",
    "MX-MEX": "Estado de México",
    "MX-MIC": "Michoacán",
    "MX-VER": "Veracruz",
}


# Mexico's 32 federal entities as pycountry's ISO 3166-2 list names them, written out: reading
# them from pycountry loads (and keeps) every country's subdivisions, 5 MB in each process. A
# test checks them against pycountry.
MX_SUBDIVISIONS: tuple[tuple[str, str], ...] = (
    ("MX-AGU", "Aguascalientes"),
    ("MX-BCN", "Baja California"),
    ("MX-BCS", "Baja California Sur"),
    ("MX-CAM", "Campeche"),
    ("MX-CHH", "Chihuahua"),
    ("MX-CHP", "Chiapas"),
    ("MX-CMX", "Ciudad de México"),
    ("MX-COA", "Coahuila de Zaragoza"),
    ("MX-COL", "Colima"),
    ("MX-DUR", "Durango"),
    ("MX-GRO", "Guerrero"),
    ("MX-GUA", "Guanajuato"),
    ("MX-HID", "Hidalgo"),
    ("MX-JAL", "Jalisco"),
    ("MX-MEX", "México"),
    ("MX-MIC", "Michoacán de Ocampo"),
    ("MX-MOR", "Morelos"),
    ("MX-NAY", "Nayarit"),
    ("MX-NLE", "Nuevo León"),
    ("MX-OAX", "Oaxaca"),
    ("MX-PUE", "Puebla"),
    ("MX-QUE", "Querétaro"),
    ("MX-ROO", "Quintana Roo"),
    ("MX-SIN", "Sinaloa"),
    ("MX-SLP", "San Luis Potosí"),
    ("MX-SON", "Sonora"),
    ("MX-TAB", "Tabasco"),
    ("MX-TAM", "Tamaulipas"),
    ("MX-TLA", "Tlaxcala"),
    ("MX-VER", "Veracruz de Ignacio de la Llave"),
    ("MX-YUC", "Yucatán"),
    ("MX-ZAC", "Zacatecas"),
)


def mx_subdivisions() -> list[tuple[str, str]]:
    """(ISO 3166-2 code, pycountry name) of Mexico's 32 federal entities."""
    return list(MX_SUBDIVISIONS)


MX_STATES: dict[str, str] = {code: _STATE_NAMES.get(code, name) for code, name in mx_subdivisions()}

# Land borders between Mexican states (ISO 3166-2:MX); symmetric, checked by the tests.
NEIGHBOURS: dict[str, frozenset[str]] = {
    code: frozenset(f"MX-{n}" for n in names.split())
    for code, names in {
        "MX-AGU": "JAL ZAC",
        "MX-BCN": "BCS SON",
        "MX-BCS": "BCN",
        "MX-CAM": "ROO TAB YUC",
        "MX-CHP": "OAX TAB VER",
        "MX-CHH": "COA DUR SIN SON",
        "MX-CMX": "MEX MOR",
        "MX-COA": "CHH DUR NLE SLP ZAC",
        "MX-COL": "JAL MIC",
        "MX-DUR": "CHH COA NAY SIN ZAC",
        "MX-GUA": "JAL MIC QUE SLP ZAC",
        "MX-GRO": "MEX MIC MOR OAX PUE",
        "MX-HID": "MEX PUE QUE SLP TLA VER",
        "MX-JAL": "AGU COL GUA MIC NAY SLP ZAC",
        "MX-MEX": "CMX GRO HID MIC MOR PUE QUE TLA",
        "MX-MIC": "COL GRO GUA JAL MEX QUE",
        "MX-MOR": "CMX GRO MEX PUE",
        "MX-NAY": "DUR JAL SIN ZAC",
        "MX-NLE": "COA SLP TAM ZAC",
        "MX-OAX": "CHP GRO PUE VER",
        "MX-PUE": "GRO HID MEX MOR OAX TLA VER",
        "MX-QUE": "GUA HID MEX MIC SLP",
        "MX-ROO": "CAM YUC",
        "MX-SLP": "COA GUA HID JAL NLE QUE TAM VER ZAC",
        "MX-SIN": "CHH DUR NAY SON",
        "MX-SON": "BCN CHH SIN",
        "MX-TAB": "CAM CHP VER",
        "MX-TAM": "NLE SLP VER",
        "MX-TLA": "HID MEX PUE",
        "MX-VER": "CHP HID OAX PUE SLP TAB TAM",
        "MX-YUC": "CAM ROO",
        "MX-ZAC": "AGU COA DUR GUA JAL NAY NLE SLP",
    }.items()
}


class Office(Protocol):
    """An organization's office as `nearest` needs it (the directory's `Entry` is one)."""

    @property
    def state(self) -> str | None: ...

    @property
    def country(self) -> str: ...

    @property
    def national(self) -> bool: ...

    @property
    def offices_abroad(self) -> tuple[str, ...]: ...

    @property
    def services(self) -> Sequence[str]: ...


OfficeT = TypeVar("OfficeT", bound=Office)


def nearest(
    entries: Iterable[OfficeT],
    *,
    state: str | None = None,
    country: str | None = None,
    limit: int = 5,
) -> list[OfficeT]:
    """Organizations that offer help, nearest first, for a person in `state` or `country`."""
    helping = [entry for entry in entries if entry.services]
    abroad = country is not None and country.upper() != "MX"
    groups: Sequence[list[OfficeT]]
    if abroad:
        code = (country or "").upper()
        groups = (
            [e for e in helping if code in e.offices_abroad or e.country == code],
            [e for e in helping if e.national],
        )
    else:
        close = NEIGHBOURS.get(state or "", frozenset())
        groups = (
            [e for e in helping if e.state == state],
            [e for e in helping if e.state in close],
            [e for e in helping if e.national],
        )
    ordered: list[OfficeT] = []
    for group in groups:
        for entry in group:
            if entry not in ordered:
                ordered.append(entry)
    return ordered[:limit]


def phone_number(address: str) -> str | None:
    """The E.164 number a chat writes from ("whatsapp:+..." too); None for a chat id."""
    number = address.removeprefix("whatsapp:")
    if not number.startswith("+") or not number[1:].isdecimal():
        return None
    return number


def phone_abroad(address: str) -> bool | None:
    """Whether a phone number (E.164, maybe "whatsapp:+...") is outside Mexico; None if not one."""
    number = phone_number(address)
    return None if number is None else not number.startswith("+52")
