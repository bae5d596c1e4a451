"""How many of the victims are women, men and children, and where they come from, from what a
person types: "2 mujeres y 1 niño", "hombres no sé", "un muchacho de 16 años", "2 Honduras,
1 Guatemala".

Pure and total like the other parsers: any text gives an answer or None (ask again), never an
error. A person of a typed age under 18 is counted among the children, whatever the word.
"""

from __future__ import annotations

import re

from bot.conversation.parsers import (
    MAX_PARSED_TEXT,
    normalize,
    parse_country,
    parse_number,
    words_key,
)
from bot.conversation.understand import is_unknown

GROUPS = ("women", "men", "children")
Groups = dict[str, int | None]  # a group's count; None when the person does not know it
MAX_VICTIMS = 1000


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Whole words (accents and case dropped), es, en, fr, ht.
_GROUP_WORDS: dict[str, frozenset[str]] = {
    "women": _set(
        "mama mamas madre madres esposa hermana mother wife sister mere soeur manman madanm "
        "mujer mujeres senora senoras muchacha muchachas chica chicas dama damas woman women "
        "lady ladies femme femmes dame dames fanm"
    ),
    "men": _set(
        "hombre hombres senor senores muchacho muchachos chico chicos varon varones man men "
        "guy guys homme hommes monsieur messieurs gason nonm mesye"
    ),
    "children": _set(
        "nino ninos nina ninas nene nenes nena nenas bebe bebes menor menores chamaco chamacos "
        "chamaca chamacas hijo hijos hija hijas child children kid kids boy boys girl girls "
        "baby babies minor minors enfant enfants garcon garcons fille filles timoun pitit "
        "tipitit"
    ),
}
# "Todos hombres", "all women": the whole count is that group.
_ALL = _set("todos todas all tous toutes tout tou")
# "Ningún niño", "no children", "pa gen timoun": none of that group.
_NONE = re.compile(
    r"^(?:ningun|ninguna|ningunos|ningunas|no hay|sin|no|none|no one|aucun|aucune|pas de|"
    r"pa gen|pa gen okenn|okenn)\b"
)
_SEPARATORS = re.compile(r"[,;/\n\r+]+|\s+(?:y|e|and|et|ak|avec|con)\s+")
# An age inside a part ("un niño de 8 años", "a boy, 16 years old"): kept apart from the count.
_AGE = re.compile(
    r"\b(?:de\s+)?(\d{1,3})\s*(?:anos|ano|years old|years|year old|yrs|ans|an|lane|ane)\b"
    # "un niño de 8", "a child of 10": a number after "de"/"of" is an age, not a count.
    r"|\b(?:de|of|d)\s+(\d{1,3})\b"
)
_UNKNOWN_PART = re.compile(
    r"\b(?:no se|no sabemos|no se cuantos|no se cuantas|ni idea|don t know|dont know|"
    r"unknown|not sure|je ne sais pas|sais pas|pa konnen|m pa konnen)\b"
)
_ADULT_AGE = 18
# "3 de Honduras", "2 from Guatemala", "2 du Honduras", "2 soti Ayiti".
_FROM = re.compile(r"^(?:de|del|from|of|du|de la|d|soti|nan)\s+", re.IGNORECASE)


def _group_of(words: list[str]) -> str | None:
    """The one group a part names ("dos señoras": women), else None."""
    found = {group for group, names in _GROUP_WORDS.items() if any(w in names for w in words)}
    return found.pop() if len(found) == 1 else None


def _part(part: str, total: int | None) -> tuple[str, int | None] | None:
    """(group, count) of one part of the answer; count None: "no sé"; None: not understood."""
    key = words_key(part)
    ages = [int(a or b) for a, b in _AGE.findall(key)]
    counted = _AGE.sub(" ", key)
    words = counted.split()
    group = _group_of(words)
    if group is None:
        return None
    if len(ages) == 1 and ages[0] < _ADULT_AGE:
        group = "children"  # "un muchacho de 16 años" is a minor
    if _UNKNOWN_PART.search(counted):
        return group, None
    if _NONE.match(counted):
        return group, 0
    if any(word in _ALL for word in words):
        return (group, total) if total is not None else (group, None)
    number = parse_number(counted, 0, MAX_VICTIMS)
    if number is None and any(word in ("a", "an") for word in words):
        number = 1  # "a child"
    if number is None:
        # "su mamá" is one woman; a plural alone ("mujeres y niños") says who, not how many.
        named = next(w for w in words if w in _GROUP_WORDS[group])
        return group, (None if _plural(named) else 1)
    return group, number


def _plural(word: str) -> bool:
    return word.endswith("s") or word in ("men", "women", "children", "pitit", "timoun", "fanm")


def _read(text: str, total: int | None) -> dict[str, int | None] | None:
    """Each group the answer names, with its count (None: "no sé"); None if not understood."""
    if not text or len(text) > MAX_PARSED_TEXT:
        return None
    found: dict[str, int | None] = {}
    for raw in _SEPARATORS.split(normalize(text)):
        if not raw.strip():
            continue
        read = _part(raw, total)
        if read is None:
            return None
        group, count = read
        found[group] = _add(found[group], count) if group in found else count
    return found or None


def parse_victim_groups(text: str, total: int | None = None) -> Groups | None:
    """How many women, men and children ("2 mujeres, 1 niño"); a group left out is 0 when the
    others already add up to `total`, else unknown (None). None when nothing is understood."""
    found = _read(text, total)
    if found is None:
        return None
    known = [count for count in found.values() if count is not None]
    complete = len(known) == len(found) and total is not None and sum(known) == total
    return {group: found.get(group, 0 if complete else None) for group in GROUPS}


def parse_victim_list(text: str) -> tuple[int | None, Groups] | None:
    """The victims listed by group when asked how many ("2 mujeres y 1 niño": 3): the total
    (None when a count is not known) and the groups, those left out being none."""
    found = _read(text, None)
    if found is None:
        return None
    if any(count is None for count in found.values()):
        return None, {group: found.get(group) for group in GROUPS}
    groups: Groups = {group: found.get(group, 0) for group in GROUPS}
    total = groups_total(groups)
    return (total if 1 <= total <= MAX_VICTIMS else None), groups


def groups_total(groups: Groups) -> int:
    """The victims the groups account for ("no sé" counts none)."""
    return sum(count or 0 for count in groups.values())


def parse_nationalities(text: str, lang: str) -> dict[str, int | None] | None:
    """Countries with how many victims each ("2 Honduras, 1 Guatemala"; "Honduras y
    Guatemala": both, counts unknown); None unless at least two countries are named."""
    if not text or len(text) > MAX_PARSED_TEXT or is_unknown(text):
        return None
    found: dict[str, int | None] = {}
    for raw in _SEPARATORS.split(text):
        part = raw.strip()
        if not normalize(part):
            continue
        digits = re.findall(r"\d+", part)
        name = _FROM.sub("", re.sub(r"\d+", " ", part).strip(" .:-"))
        country = parse_country(name, lang) if name else None
        if country is None or len(digits) > 1:
            return None
        count = int(digits[0]) if digits and len(digits[0]) <= 4 else None
        if digits and count is None:
            return None
        before = found.get(country)
        found[country] = count if country not in found else _add(before, count)
    return found if len(found) >= 2 else None


def _add(before: int | None, count: int | None) -> int | None:
    return None if before is None or count is None else before + count


def main_nationality(found: dict[str, int | None]) -> str:
    """The country most victims come from (the first named on a tie or when counts are unknown),
    for the statistics that count one nationality per case."""
    order = list(found)
    return max(order, key=lambda code: (found[code] or 0, -order.index(code)))
