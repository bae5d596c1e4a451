"""The tracks of a case (domain.md, *Case workflow*): which statuses exist, which go in order.

Every status belongs to one track. Within a track, a status may belong to a *line* (the
humanitarian visa and asylum are two lines of the migration track) with a *rank*: on one line
(and, for referral, justice and queja events, for one body: a denuncia before the state
prosecutor and a queja before the CNDH go on in parallel) a status may not come after one of a
higher rank, so "conviction" cannot precede "denuncia". Statuses without a rank (early
testimony, detention, deportation...) are independent and may be recorded at any time.
`archived` (archivo temporal) may be followed by anything: the investigation can be reopened.
A wrong step is never refused forever: it is corrected (`bot.cases.events.correct_event`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.codes import BODIES_OF, ENTERED_IN_ERROR, LEGACY_STATUSES, TRACKS
from flows.model import Choice

TRACK_OF: dict[str, str] = {
    choice.code: track
    for track, choices in (*TRACKS.items(), *LEGACY_STATUSES.items())
    for choice in choices
}
LABELS: dict[str, str] = {
    choice.code: choice.label
    for choices in (*TRACKS.values(), *LEGACY_STATUSES.values(), (ENTERED_IN_ERROR,))
    for choice in choices
}
# Tracks whose events name the body (authority) they are about.
BODY_TRACKS = frozenset(BODIES_OF)
# The body assumed when none is named (the CLI and API of before): the usual first authority.
DEFAULT_BODY = {"referral": "state_prosecutor", "justice": "state_prosecutor", "queja": "cndh"}
# Changes that matter: staff confirm them before they are recorded.
CONFIRMED_TRACKS = frozenset({"justice", "queja", "migration", "search"})


@dataclass(frozen=True)
class Step:
    """Where a status stands: its line on the track and its rank (None: independent)."""

    line: str
    rank: int | None


# Each line's statuses, rank by rank: a rank may hold several (the ways a trial ends).
_LINES: dict[str, tuple[tuple[str, ...], ...]] = {
    "referral": (("referred",), ("referral_answered",)),
    "justice": (
        ("complaint_filed",),
        ("investigation",),
        ("judicialized", "arrest_warrant"),
        (
            "conviction",
            "acquittal",
            "alternative_ending",
            "archived",
            "no_prosecution",
            "sentence_unrecorded",
        ),
    ),
    "queja": (("queja_filed",), ("admitted",), ("conciliation", "recommendation"), ("closed",)),
    "visa": (
        ("humanitarian_visa_requested",),
        # a decision on appeal may follow an appeal
        ("humanitarian_visa_granted", "humanitarian_visa_denied", "humanitarian_visa_appealed"),
    ),
    "asylum": (("asylum_requested",), ("asylum_recognized", "asylum_denied")),
}
# Statuses recorded at any time, and their line.
_INDEPENDENT = {
    "early_testimony_taken": "testimony",
    "detained": "presence",
    "released": "presence",
    "deported": "presence",
    "left_mexico": "presence",
}
_RANKS: dict[str, tuple[str, int | None]] = {
    **{status: (line, None) for status, line in _INDEPENDENT.items()},
    **{
        status: (line, rank)
        for line, ranks in _LINES.items()
        for rank, statuses in enumerate(ranks)
        for status in statuses
    },
}
REOPENABLE = frozenset({"archived"})
# Outcomes that end a justice track (retention's clock may start): its last rank.
JUSTICE_ENDINGS = frozenset(_LINES["justice"][-1])
# How existing cases' statuses (before these tracks) map to the new codes.
MIGRATED: dict[str, tuple[str, str]] = {
    "referred": ("referral", "referred"),
    "evidence_taken": ("justice", "early_testimony_taken"),
    "charges_filed": ("justice", "judicialized"),
    "sentence": ("justice", "sentence_unrecorded"),
    "closed_without_result": ("justice", "archived"),
}


def step(status: str) -> Step:
    line, rank = _RANKS.get(status, (TRACK_OF.get(status, ""), None))
    return Step(line, rank)


def line_statuses(line: str) -> frozenset[str]:
    """Every status on a line, whatever its rank."""
    return frozenset(status for statuses in _LINES[line] for status in statuses)


def offered(track: str) -> tuple[Choice, ...]:
    """The statuses staff may choose on a track (legacy codes are only corrected)."""
    return TRACKS[track]


def may_follow(status: str, previous: str | None) -> bool:
    """Whether `status` may be recorded after `previous` (the newest on its line and body)."""
    if previous is None or previous in REOPENABLE:
        return True
    new, old = step(status), step(previous)
    if new.rank is None or old.rank is None:
        return True
    return new.rank >= old.rank


def valid_body(track: str, body: str | None) -> bool:
    """Referral, justice and queja events name their body; other tracks name none."""
    if track in BODY_TRACKS:
        return body in BODIES_OF[track]
    return body is None
