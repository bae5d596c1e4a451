"""Cases: drafts, submission, evidence, and looking a case up by its code."""

from bot.cases.events import EventError, TimelineEntry, record_event, timeline
from bot.cases.service import (
    PERSONAL_FIELDS,
    attach_evidence,
    case_key,
    discard_draft,
    ensure_draft,
    evidence_items,
    evidence_sha256,
    find_by_code,
    personal_data,
    submit,
    write_answers,
)

__all__ = [
    "PERSONAL_FIELDS",
    "EventError",
    "TimelineEntry",
    "attach_evidence",
    "case_key",
    "discard_draft",
    "ensure_draft",
    "evidence_items",
    "evidence_sha256",
    "find_by_code",
    "personal_data",
    "record_event",
    "submit",
    "timeline",
    "write_answers",
]
