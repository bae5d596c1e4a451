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
from bot.stats.protection import Protection
from bot.stats.suppression import Table1D, suppress_1d_total
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


def _grouped(db: Session, base: Select[Case], filters: Filters) -> dict[str, tuple[int, set[str]]]:
    """Per group: its victims in the filtered cases, and the cases that told of them."""
    ids = filtered_cases(base, filters).with_only_columns(Case.id).subquery()
    rows = db.execute(
        select(
            Case.id,
            Case.victim_count,
            Case.victims_women,
            Case.victims_men,
            Case.victims_children,
            Case.victim_gender,
            Case.victim_age_group,
        ).where(Case.id.in_(select(ids.c.id)))
    )
    counts: Counter[str] = Counter()
    cases: dict[str, set[str]] = {group: set() for group in GROUPS}
    for case_id, total, women, men, children, gender, age_group in rows:
        grouped = {"women": women, "men": men, "children": children}
        if all(count is None for count in grouped.values()):
            if (total or 1) == 1:
                found = Counter({_one_victim(gender, age_group): 1})
            else:
                found = Counter({UNKNOWN: total or 0})
        else:
            found = Counter({group: count for group, count in grouped.items() if count})
            found[UNKNOWN] += max((total or 0) - sum(found.values()), 0)
        for group, count in found.items():
            if count:
                counts[group] += count
                cases[group].add(case_id)
    return {group: (counts.get(group, 0), cases[group]) for group in GROUPS}


def victim_counts(db: Session, base: Select[Case], filters: Filters) -> Counter[str]:
    """Victims per group (women, men, children, unknown) in the filtered cases."""
    return Counter(
        {group: count for group, (count, _) in _grouped(db, base, filters).items() if count}
    )


def victim_table(
    db: Session, base: Select[Case], filters: Filters, protection: Protection
) -> Table1D:
    """The protected table of victims by group (publish its `released()` figures); each
    figure is drawn from the key of the cases it counts."""
    grouped = _grouped(db, base, filters)
    everyone = set().union(*(ids for _, ids in grouped.values()))
    return suppress_1d_total(
        GROUPS,
        [grouped[group][0] for group in GROUPS],
        protection.min_cell,
        total=sum(count for count, _ in grouped.values()),
        additive=True,
        keys=[protection.cell_key(grouped[group][1]) for group in GROUPS],
        total_key=protection.cell_key(everyone),
    )


def minors_table(
    db: Session, base: Select[Case], filters: Filters, protection: Protection
) -> Table1D:
    """The protected table of cases with minors among their victims, without, or unknown."""
    ids = filtered_cases(base, filters).with_only_columns(Case.id).subquery()
    cases: dict[str, set[str]] = {label: set() for label in MINORS}
    for case_id, flag in db.execute(
        select(Case.id, Case.victims_minors).where(Case.id.in_(select(ids.c.id)))
    ):
        cases[UNKNOWN if flag is None else ("with_minors" if flag else "without_minors")].add(
            case_id
        )
    everyone = set().union(*cases.values())
    return suppress_1d_total(
        MINORS,
        [len(cases[label]) for label in MINORS],
        protection.min_cell,
        total=len(everyone),
        additive=True,
        keys=[protection.cell_key(cases[label]) for label in MINORS],
        total_key=protection.cell_key(everyone),
    )
