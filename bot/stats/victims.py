"""Victims, not cases: how many women, men and children the filtered cases tell of, and how
many cases have minors among their victims; protected like every published figure.

A case of one victim counts its victim in the group its gender and age give (a girl of 15 is a
child); a case of several, in the groups the person counted; victims in no known group are
counted as unknown, so that the cells add up to the victims.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.stats.dimensions import UNKNOWN
from bot.stats.suppression import Table1D, suppress_1d
from bot.stats.tables import Filters, filtered_cases
from bot.store.models import Case
from flows.codes import MINOR_AGE_GROUPS, VICTIM_GROUPS

GROUPS = (*(group.code for group in VICTIM_GROUPS), UNKNOWN)
MINORS = ("with_minors", "without_minors", UNKNOWN)


def _one_victim(gender: str | None, age_group: str | None) -> str:
    if age_group in MINOR_AGE_GROUPS:
        return "children"
    if age_group in (None, "unknown"):
        return UNKNOWN  # an adult's or a child's gender alike: the group is not known
    return {"woman": "women", "man": "men"}.get(gender or "", UNKNOWN)


def victim_counts(db: Session, base: Select[Case], filters: Filters) -> Counter[str]:
    """Victims per group (women, men, children, unknown) in the filtered cases."""
    ids = filtered_cases(base, filters).with_only_columns(Case.id).subquery()
    rows = db.execute(
        select(
            Case.victim_count,
            Case.victims_women,
            Case.victims_men,
            Case.victims_children,
            Case.victim_gender,
            Case.victim_age_group,
        ).where(Case.id.in_(select(ids.c.id)))
    )
    counts: Counter[str] = Counter()
    for total, women, men, children, gender, age_group in rows:
        grouped = {"women": women, "men": men, "children": children}
        if all(count is None for count in grouped.values()):
            if (total or 1) == 1:
                counts[_one_victim(gender, age_group)] += 1
            else:
                counts[UNKNOWN] += total or 0
            continue
        known = {group: count for group, count in grouped.items() if count}
        counts.update(known)
        counts[UNKNOWN] += max((total or 0) - sum(known.values()), 0)
    return counts


def victim_table(db: Session, base: Select[Case], filters: Filters, k: int) -> Table1D:
    """The suppressed table of victims by group (publish its `released()` figures)."""
    counts = victim_counts(db, base, filters)
    return suppress_1d(GROUPS, [counts.get(group, 0) for group in GROUPS], k)


def minors_table(db: Session, base: Select[Case], filters: Filters, k: int) -> Table1D:
    """The suppressed table of cases with minors among their victims, without, or unknown."""
    ids = filtered_cases(base, filters).with_only_columns(Case.id).subquery()
    counts: Counter[str] = Counter()
    for flag in db.scalars(select(Case.victims_minors).where(Case.id.in_(select(ids.c.id)))):
        counts[UNKNOWN if flag is None else ("with_minors" if flag else "without_minors")] += 1
    return suppress_1d(MINORS, [counts.get(label, 0) for label in MINORS], k)
