"""What a person's own words already answer: "no sé", crimes and who did them in one sentence,
the state and kind of a place, a typed age, "mujer, 25".

Pure and total like the other parsers: any text gives an answer or None, never an error. Words
are compared without case or accents; a stem matches the start of a word ("robaron" by "rob").
"""

from __future__ import annotations

import re

from bot.conversation.parsers import MAX_PARSED_TEXT, normalize, parse_mx_state, parse_number
from bot.core.text import normalize_case_code
from flows.keywords import CASE_NOUNS, FOLLOW_VERBS, UNKNOWN_WORDS

_WORD = re.compile(r"[a-z0-9]+")
_UNKNOWN = frozenset(" ".join(normalize(w).replace("'", " ").split()) for w in UNKNOWN_WORDS)
MAX_UNDERSTOOD_TEXT = 2000  # an account longer than this is read by a person, not searched


def is_unknown(text: str | None) -> bool:
    """Whether the person answered "I don't know" (in any supported language)."""
    key = " ".join(normalize(text or "").replace("'", " ").strip(" .!?¿¡").split())
    return bool(key) and key in _UNKNOWN


def _words(text: str) -> list[str]:
    return _WORD.findall(normalize(text[:MAX_UNDERSTOOD_TEXT]).replace("'", " "))


def asks_to_follow(text: str | None) -> bool:
    """Whether the words ask to follow a case ("quiero seguir el caso de mi hermano"): a verb
    and a noun of `flows.keywords`, each a whole word."""
    words = set(_words(text or ""))
    return bool(words & FOLLOW_VERBS) and bool(words & CASE_NOUNS)


def _found(words: list[str], stems: tuple[str, ...]) -> bool:
    """A stem ("rob") starts a word; a stem with a space ("abuso sexual", "inm ") is a phrase of
    whole words."""
    joined = " " + " ".join(words) + " "
    for stem in stems:
        if " " in stem:
            if f" {stem.strip()} " in joined:
                return True
        elif any(word.startswith(stem) for word in words):
            return True
    return False


# In the order of flows.codes.CRIME_TYPES. Stems in es, en, fr, ht.
_CRIME_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kidnapping", ("secuestr", "levantaron", "plagi", "kidnap", "enlev", "kidnape")),
    ("disappearance", ("desaparec", "missing", "disappear", "disparu", "disparition", "disparet")),
    ("extortion", ("extorsi", "extort", "cuota", "ranson", "rancon")),
    (
        "robbery",
        ("rob", "asalt", "quitaron", "stole", "steal", "vole ", "voles ", "volee", "vol ", "volo "),
    ),
    ("assault", ("golpe", "pegaron", "lesion", "beat", "hit me", "frapp", "bat mwen", "maltrete")),
    (
        "sexual_violence",
        (
            "violaron",
            "violo",
            "violad",
            "violac",
            "violar",
            "viole",
            "rape",
            "abuso sexual",
            "abus sexuel",
            "kadejak",
            "agresion sex",
        ),
    ),
    ("trafficking", ("trata de", "traffick", "traite")),
    ("homicide", ("mataron", "asesin", "homicid", "murder", "killed", "tue ", "touye")),
    ("threats", ("amenaz", "threat", "menac", "menase")),
    ("bribery_demand", ("mordida", "soborn", "bribe", "pot de vin", "lajan anba")),
)
_PERPETRATOR_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("organized_crime", ("cartel", "narco", "zeta", "crimen organizado", "la mana", "sicari")),
    ("smuggler", ("poller", "coyot", "smuggler", "passeur", "raket")),
    ("gang", ("pandill", "mara ", "maras ", "marero", "gang", "bandi")),
    ("inm_agent", ("migracion", "inm ", "la migra", "immigration", "imigrasyon")),
    ("national_guard", ("guardia nacional", "national guard", "garde national", "gad nasyonal")),
    ("military", ("militar", "ejercito", "soldad", "marina", "army", "soldier", "lame ", "solda")),
    ("unknown", ("no se quien", "no sabemos quien", "desconocid", "don t know who", "unknown")),
)
# The kind of place, from its description; the first that matches.
_PLACE_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("detention_center", ("estacion migratoria", "siglo xxi", "detention center")),
    (
        "rail_or_route",
        ("via ", "vias ", "railway", "rail ", "ray ", "la ruta", "the route", "voie ", "voies "),
    ),
    ("train", ("tren", "bestia", "train")),
    ("bus", ("autobus", "camion", "bus ", "combi", "otobis")),
    ("road_or_checkpoint", ("reten", "checkpoint", "carretera", "highway", "garita")),
    ("river_or_border", ("rio ", "frontera", "river", "border", "riviere", "larivye", "fwontye")),
    ("shelter_area", ("albergue", "casa del migrante", "shelter", "refuge")),
    ("rural", ("monte", "campo", "rancho", "selva", "bush", "forest", "brousse", "bwa")),
)
# Towns on the migrant route, and the state each is in (a place without its state).
_TOWNS: dict[str, str] = {
    "tapachula": "MX-CHP", "palenque": "MX-CHP", "arriaga": "MX-CHP", "huixtla": "MX-CHP",
    "comitan": "MX-CHP", "tenosique": "MX-TAB", "villahermosa": "MX-TAB",
    "coatzacoalcos": "MX-VER", "orizaba": "MX-VER", "veracruz": "MX-VER", "ixtepec": "MX-OAX",
    "juchitan": "MX-OAX", "reynosa": "MX-TAM", "nuevo laredo": "MX-TAM", "matamoros": "MX-TAM",
    "tampico": "MX-TAM", "monterrey": "MX-NLE", "saltillo": "MX-COA", "piedras negras": "MX-COA",
    "ciudad juarez": "MX-CHH", "juarez": "MX-CHH", "tijuana": "MX-BCN", "mexicali": "MX-BCN",
    "apizaco": "MX-TLA", "celaya": "MX-GUA", "irapuato": "MX-GUA", "queretaro": "MX-QUE",
    "huehuetoca": "MX-MEX", "lecheria": "MX-MEX", "puebla": "MX-PUE", "san luis potosi": "MX-SLP",
    "hermosillo": "MX-SON", "nogales": "MX-SON", "guadalajara": "MX-JAL", "cancun": "MX-ROO",
}  # fmt: skip


def _codes(text: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    words = _words(text)
    return [code for code, stems in table if _found(words, stems)]


def crimes_in(text: str) -> list[str]:
    """The crimes a sentence names ("me robaron y me violaron": robbery, sexual violence)."""
    return _codes(text, _CRIME_STEMS)


def perpetrators_in(text: str) -> list[str]:
    """Who did it, when the sentence says so plainly ("unos pandilleros", "agentes del INM")."""
    found = _codes(text, _PERPETRATOR_STEMS)
    return ["unknown"] if found == ["unknown"] else [c for c in found if c != "unknown"]


def place_type_in(text: str) -> str | None:
    """The kind of place a description names ("en las vías cerca de Tenosique": the route)."""
    found = _codes(text[:MAX_PARSED_TEXT], _PLACE_STEMS)
    return found[0] if found else None


def state_in(text: str) -> str | None:
    """The Mexican state a place names: "Tenosique, Tabasco", or a known town alone."""
    text = text[:MAX_PARSED_TEXT]
    state = parse_mx_state(text)
    if state is not None:
        return state
    joined = " " + " ".join(_words(text)) + " "
    found = {code for town, code in _TOWNS.items() if f" {town} " in joined}
    return found.pop() if len(found) == 1 else None


def age_group(age: int) -> str:
    """The statistics' age group of an age in years."""
    if age < 12:
        return "under_12"
    if age < 18:
        return "12_17"
    if age < 30:
        return "18_29"
    if age < 60:
        return "30_59"
    return "60_plus"


_MONTHS = re.compile(r"\b\d{1,2}\s*(?:mes|meses|month|months|mois|mwa)\b")
_GENDER_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("woman", ("mujer", "woman", "femme", "fanm", "nina", "girl", "fille", "tifi", "senora")),
    ("man", ("hombre", "man", "homme", "gason", "nino", "boy", "garcon", "senor", "varon")),
)


def parse_age(text: str) -> str | None:
    """An age group from a typed age ("25", "veinticinco", "8 meses"), else None."""
    text = text[:MAX_PARSED_TEXT]
    key = normalize(text)
    if _MONTHS.search(key):
        return "under_12"
    digits = re.findall(r"\d+", key)
    if len(digits) == 1 and len(digits[0]) <= 3:
        age = int(digits[0])
        return age_group(age) if age <= 120 else None
    if digits:
        return None
    number = parse_number(key, 0, 120)
    return None if number is None else age_group(number)


def parse_gender_age(text: str) -> tuple[str | None, str | None]:
    """("woman", "18_29") from "mujer, 25"; either may be None."""
    words = _words(text[:MAX_PARSED_TEXT])
    genders = [code for code, stems in _GENDER_STEMS if any(w in stems for w in words)]
    gender = genders[0] if len(genders) == 1 else None
    digits = [w for w in words if w.isdecimal()]
    age = parse_age(digits[0]) if len(digits) == 1 else None
    if age is None and len(digits) == 0 and gender is None:
        age = parse_age(text)
    return gender, age


# Overlapping (a lookahead): "código 2222-..." must not hide the code behind "digo 2222".
_PASTED_CODE = re.compile(
    r"(?<![0-9A-Za-z])(?=([2-9A-Za-z]{4})[- ]?([2-9A-Za-z]{4})[- ]?([2-9A-Za-z]{4})(?![0-9A-Za-z]))"
)


def code_in(text: str) -> str | None:
    """A case code inside a pasted line ("Su código de caso es: K7QM-4T9X-2HCB"), when the line
    holds exactly one."""
    found = {
        code
        for parts in _PASTED_CODE.findall(text[:MAX_PARSED_TEXT])
        if (code := normalize_case_code("".join(parts))) is not None
    }
    return found.pop() if len(found) == 1 else None


_DASHED_CODE = re.compile(r"(?<![0-9A-Za-z])(?:[2-9A-Za-z]{4}-){2}[2-9A-Za-z]{4}(?![0-9A-Za-z])")


def dashed_code_in(text: str | None) -> str | None:
    """A case code written as the receipt shows it (XXXX-XXXX-XXXX), where a question expects
    something else: a long word alone is never taken for a code there."""
    if not text or _DASHED_CODE.search(text[:MAX_PARSED_TEXT]) is None:
        return None
    return code_in(text)
