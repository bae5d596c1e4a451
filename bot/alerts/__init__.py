"""On-call alerts: urgent (and, when asked, every) new report reaches an organization's on-call
staff through the outbox; acknowledged on the case page or by answering OK; escalated to the
fallback organization when nobody answers in time."""

from bot.alerts.replies import is_group, is_ok, is_on_call, take_reply
from bot.alerts.service import (
    MAX_ROUNDS,
    Waiting,
    acknowledge,
    alert_text,
    case_link,
    escalate_due,
    needs_acknowledgement,
    report_filed,
    report_urgent,
    waiting,
)

__all__ = [
    "MAX_ROUNDS",
    "Waiting",
    "acknowledge",
    "alert_text",
    "case_link",
    "escalate_due",
    "is_group",
    "is_ok",
    "is_on_call",
    "needs_acknowledgement",
    "report_filed",
    "report_urgent",
    "take_reply",
    "waiting",
]
