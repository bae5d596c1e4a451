"""The case page's next action: the one thing to do now on a case, shown as a form that works
without JavaScript beside the reporter's words.

In order: an urgent report nobody attends is attended (the "Lo atiendo" banner above the
words, which the box points to); someone who works cases takes an unassigned case; a reporter
or a relative waiting for a call is called; a reporter's unanswered message is answered; a new
report is reviewed, then verified; after that, the next step of a track is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.staff.callbacks import Pending

ACKNOWLEDGE = "acknowledge"
ASSIGN = "assign"
CALL = "call"
ANSWER = "answer"
REVIEW = "review"
VERIFY = "verify"
EVENT = "event"
# The intake step a one-click button records, by the case's status.
INTAKE_NEXT = {"submitted": (REVIEW, "in_review"), "in_review": (VERIFY, "verified")}


@dataclass(frozen=True)
class NextAction:
    """What the "next step" box offers: a kind the template draws, and the status a one-click
    intake step records."""

    kind: str
    status: str | None = None


def next_action(
    *,
    needs_ack: bool,
    status: str,
    assigned: bool,
    works_cases: bool,
    calls: Pending,
    reporter_waits_answer: bool,
    can_talk: bool,
) -> NextAction:
    """The next action on a case for a staff member who may change it."""
    if needs_ack:
        return NextAction(ACKNOWLEDGE)
    if not assigned and works_cases:
        return NextAction(ASSIGN)
    if calls:
        return NextAction(CALL)
    if reporter_waits_answer and can_talk:
        return NextAction(ANSWER)
    if status in INTAKE_NEXT:
        kind, step = INTAKE_NEXT[status]
        return NextAction(kind, step)
    return NextAction(EVENT)
