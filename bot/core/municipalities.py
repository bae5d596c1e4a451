"""Mexico's municipalities (INEGI's catalogue, `bot/data/inegi_municipios.csv`) and the one a
described place names.

The place answer is free text ("Reynosa, Tamaulipas", "En un retén cerca de Huixtla, Chiapas",
"Tenosique"). `match` looks for a municipality's name in it, accent- and case-insensitive,
within the state already known when there is one, first word for word and then allowing a
typo; it answers only when exactly one municipality fits, so a guess is never stored.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from bot.core.text import normalize

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "inegi_municipios.csv"
CREDIT = "INEGI, Marco Geoestadístico (2024)"
# INEGI's state keys (cve_ent) in ISO 3166-2:MX, in INEGI's order.
_INEGI_ORDER = (
    "AGU", "BCN", "BCS", "CAM", "COA", "COL", "CHP", "CHH", "CMX", "DUR", "GUA", "GRO", "HID",
    "JAL", "MEX", "MIC", "MOR", "NAY", "NLE", "OAX", "PUE", "QUE", "ROO", "SLP", "SIN", "SON",
    "TAB", "TAM", "TLA", "VER", "YUC", "ZAC",
)  # fmt: skip
STATE_KEYS: dict[str, str] = {
    f"{number:02d}": f"MX-{code}" for number, code in enumerate(_INEGI_ORDER, start=1)
}
# Names people use for a state: a mention of the state is not one of its municipalities.
_STATE_WORDS = (
    "aguascalientes", "baja california", "baja california sur", "campeche", "coahuila",
    "colima", "chiapas", "chihuahua", "ciudad de mexico", "cdmx", "durango", "guanajuato",
    "guerrero", "hidalgo", "jalisco", "estado de mexico", "edomex", "mexico", "michoacan",
    "morelos", "nayarit", "nuevo leon", "oaxaca", "puebla", "queretaro", "quintana roo",
    "san luis potosi", "sinaloa", "sonora", "tabasco", "tamaulipas", "tlaxcala", "veracruz",
    "yucatan", "zacatecas",
)  # fmt: skip
# Cities on the migrant route whose municipality has another name.
_CITIES: dict[str, str] = {
    "villahermosa": "27004",
    "ciudad juarez": "08037",
    "cancun": "23005",
    "lecheria": "15109",
    "ciudad hidalgo": "07087",
    "ixtepec": "20014",
    "juchitan": "20043",
    "ciudad del carmen": "04003",
    "san cristobal": "07078",
}
# Official names carry prefixes and district marks people never type.
_PREFIXES = ("heroica ciudad de ", "heroica villa de ", "heroica ", "ciudad de ", "villa de ")
_DISTRICT = re.compile(r"\s*-\s*dto\.?\s*\d+\s*-?\s*$")
# Names that are also everyday words ("en la frontera", "por el centro"): they count only as the
# whole answer.
_COMMON = frozenset((
    "centro", "frontera", "reforma", "paraiso", "progreso", "libres", "union", "carmen",
    "general", "mina", "nava", "colon", "ocampo", "la paz", "la union", "el carmen",
    "la reforma", "la frontera",
))  # fmt: skip
_WORD = re.compile(r"[a-z0-9ñ]+")
MAX_PLACE_TEXT = 200  # a longer answer is an account, not a place
MAX_WORDS = 6  # the longest misspelt name looked for, in words (each run costs a fuzzy pass)
NEAR = 90  # rapidfuzz ratio from which a misspelt name counts


@dataclass(frozen=True)
class Municipality:
    """One municipality: INEGI's five-digit key (cvegeo), its state and its official name."""

    key: str
    state: str
    name: str


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Municipality]:
    """Every municipality by key, read once from the shipped catalogue."""
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return {
            row["cvegeo"]: Municipality(row["cvegeo"], STATE_KEYS[row["cve_ent"]], row["nom_mun"])
            for row in csv.DictReader(handle)
        }


def name_of(key: str | None) -> str | None:
    """A municipality's official name, or the bare key if the catalogue no longer has it."""
    if not key:
        return None
    found = catalogue().get(key)
    return found.name if found else key


def state_of(key: str) -> str | None:
    found = catalogue().get(key)
    return found.state if found else None


def is_key(value: str) -> bool:
    return value in catalogue()


def in_state(state: str | None) -> list[Municipality]:
    """The municipalities of a state (ISO 3166-2:MX), by name; all of them for None."""
    found = [m for m in catalogue().values() if state is None or m.state == state]
    return sorted(found, key=lambda m: normalize(m.name))


def _words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


def _forms(name: str) -> set[str]:
    """The ways a municipality's name is written: as INEGI has it, without its prefixes, its
    district mark or a trailing "de <patron>" ("Juchitán de Zaragoza": "Juchitán")."""
    base = _DISTRICT.sub("", normalize(name))
    forms = {base}
    for prefix in _PREFIXES:
        if base.startswith(prefix):
            forms.add(base.removeprefix(prefix))
    for form in list(forms):
        head, sep, _ = form.partition(" de ")
        if sep and len(head) >= 5 and " " not in head:
            forms.add(head)
    return {" ".join(_WORD.findall(form)) for form in forms if form}


@lru_cache(maxsize=40)
def _index(state: str | None) -> dict[str, frozenset[str]]:
    """Written forms of the names of a state's municipalities (or all), to their keys."""
    index: dict[str, set[str]] = {}
    for municipality in in_state(state):
        for form in _forms(municipality.name):
            index.setdefault(form, set()).add(municipality.key)
    for city, key in _CITIES.items():
        if state is None or state_of(key) == state:
            index.setdefault(city, set()).add(key)
    return {form: frozenset(keys) for form, keys in index.items()}


def _state_spans(words: list[str]) -> set[tuple[int, int]]:
    """Where the text names a state (those words name no municipality)."""
    spans = set()
    for state_name in _STATE_WORDS:
        size = len(state_name.split())
        for start in range(len(words) - size + 1):
            if " ".join(words[start : start + size]) == state_name:
                spans.add((start, start + size))
    return spans


@lru_cache(maxsize=1)
def _longest() -> int:
    """The most words in any written name (found word for word: a dictionary look-up)."""
    return max(len(form.split()) for form in _index(None))


def _grams(words: list[str]) -> list[tuple[int, int, str]]:
    """Every run of up to as many words as the longest name, longest first."""
    return [
        (start, start + size, " ".join(words[start : start + size]))
        for size in range(min(_longest(), len(words)), 0, -1)
        for start in range(len(words) - size + 1)
    ]


def match(text: str, state: str | None = None) -> str | None:
    """INEGI's key of the one municipality a described place names, within `state` when it is
    known; None when none, or more than one, fits."""
    if not text or len(text) > MAX_PLACE_TEXT:
        return None
    words = _words(text)
    if not words:
        return None
    index = _index(state)
    states = _state_spans(words)
    grams = [g for g in _grams(words) if not any(s <= g[0] and g[1] <= e for s, e in states)]
    whole = " ".join(w for i, w in enumerate(words) if not any(s <= i < e for s, e in states))
    grams = [g for g in grams if g[2] not in _COMMON or g[2] == whole]
    exact = _exact(grams, index)
    if exact is not None:
        return exact or None
    return _near([g for g in grams if g[1] - g[0] <= MAX_WORDS], index)


def _exact(grams: list[tuple[int, int, str]], index: dict[str, frozenset[str]]) -> str | None:
    """The key of the longest name found word for word; "" when it is ambiguous, None when no
    name is found."""
    found: set[str] = set()
    covered: list[tuple[int, int]] = []
    for start, end, gram in grams:
        keys = index.get(gram)
        if not keys or any(start < e and s < end for s, e in covered):
            # Words of a longer name already found ("Juárez" in "Benito Juárez").
            continue
        covered.append((start, end))
        found |= keys
    if not found:
        return None
    return next(iter(found)) if len(found) == 1 else ""


def _near(grams: list[tuple[int, int, str]], index: dict[str, frozenset[str]]) -> str | None:
    """The key of the one name a misspelt run of words is close to (short words never)."""
    best: set[str] = set()
    best_score = 0.0
    for _, _, gram in grams:
        if len(gram) < 5:
            continue
        for form, keys in index.items():
            if abs(len(form) - len(gram)) > 2 or len(form) < 5:
                continue
            score = fuzz.ratio(gram, form)
            if score < NEAR or score < best_score:
                continue
            if score > best_score:
                best, best_score = set(keys), score
            else:
                best |= keys
    return next(iter(best)) if len(best) == 1 else None
