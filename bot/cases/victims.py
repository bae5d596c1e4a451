"""The victims of a case as columns: how many women, men and children, minors among them, and
where several come from; what staff and statistics read without the personal data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.store.models import Case
from flows.codes import MINOR_AGE_GROUPS, VICTIM_GROUPS

GROUP_CODES = tuple(group.code for group in VICTIM_GROUPS)


def write_victims(case: Case, answers: Mapping[str, Any]) -> None:
    """Set the group counts, the minors flag and the nationalities from a report's answers
    (after the plain coded columns: it corrects a total the groups exceed)."""
    groups = answers.get("victim_groups")
    groups = groups if isinstance(groups, Mapping) else {}
    counts = [_count(groups.get(code)) for code in GROUP_CODES]
    case.victims_women, case.victims_men, case.victims_children = counts
    known = [count for count in counts if count is not None]
    listed = sum(known)
    if listed and (case.victim_count is None or listed > case.victim_count):
        case.victim_count = listed  # "5 hombres" at "how many?" said 3 before: 5 were counted
    if groups and case.victim_gender is None and len(known) == len(counts):
        # A witness counting several: one gender for the statistics when all share it.
        only = {code for code, count in zip(GROUP_CODES, counts, strict=True) if count}
        case.victim_gender = (
            {"women": "woman", "men": "man"}.get(only.pop()) if len(only) == 1 else None
        )
    case.victims_minors = minors(case)
    found = answers.get("victim_nationalities")
    case.victim_nationalities = nationalities_code(found) if isinstance(found, Mapping) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def minors(case: Case) -> bool | None:
    """True when a child was counted or a victim's age is under 18; False when every victim is
    known to be an adult; None when it is not known."""
    if case.victims_children or case.victim_age_group in MINOR_AGE_GROUPS:
        return True
    if (
        case.victims_children == 0
        and case.victims_women is not None
        and case.victims_men is not None
    ):
        return False
    if case.victim_count == 1 and case.victim_age_group not in (None, "unknown"):
        return False
    return None


def nationalities_code(found: Mapping[str, Any]) -> str | None:
    """{"HN": 2, "GT": None} -> "HN:2 GT" (120 characters at most: the column's size)."""
    parts = [code if count is None else f"{code}:{count}" for code, count in found.items()]
    text = " ".join(parts)
    return text[:120].rsplit(" ", 1)[0] if len(text) > 120 else (text or None)


def nationalities(code: str | None) -> list[tuple[str, int | None]]:
    """ "HN:2 GT" -> [("HN", 2), ("GT", None)]; what a case page or the document lists."""
    found: list[tuple[str, int | None]] = []
    for part in (code or "").split():
        country, _, count = part.partition(":")
        found.append((country, int(count) if count.isdecimal() else None))
    return found
