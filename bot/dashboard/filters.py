"""What the inbox and the statistics read from a query string: only known codes and real days.

Anything else is ignored, never an error: a filter typed by hand narrows nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

from starlette.datastructures import QueryParams

from bot.cases.filters import CaseFilters
from bot.dashboard import casework
from bot.staff.access import InboxFilters
from bot.staff.accounts import AccountError, parse_states
from bot.stats import tables as stats
from flows import codes

STATUS_CODES = {c.code for c in casework.ALL_STATUSES}
CRIME_CODES = {c.code for c in codes.CRIME_TYPES}
PERPETRATOR_CODES = {c.code for c in codes.PERPETRATORS}
CHANNELS = {"telegram", "sms", "whatsapp", "web", "console"}
LANGUAGES = ("es", "en", "fr", "ht")


def day(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.combine(date.fromisoformat(text[:10]), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        return None


def day_after(text: str | None) -> datetime | None:
    """The end of a day typed as a date (exclusive bound)."""
    start = day(text)
    return start + timedelta(days=1) if start is not None else None


def code(value: str | None, allowed_codes: set[str]) -> str | None:
    return value if value in allowed_codes else None


def state_code(value: str | None) -> str | None:
    try:
        return parse_states(value)[0] if value else None
    except (AccountError, IndexError):
        return None


def case_filters(q: QueryParams) -> CaseFilters:
    """The filters the inbox and the statistics share (`from` and `to` are days, both kept)."""
    return CaseFilters(
        date_from=day(q.get("from")),
        date_to=day_after(q.get("to")),
        state=state_code(q.get("state")),
        crime_type=code(q.get("crime_type"), CRIME_CODES),
        perpetrator=code(q.get("perpetrator"), PERPETRATOR_CODES),
        channel=code(q.get("channel"), CHANNELS),
    )


def inbox_filters(q: QueryParams) -> InboxFilters:
    return InboxFilters(
        **asdict(case_filters(q)),
        status=code(q.get("status"), STATUS_CODES),
        language=code(q.get("language"), set(LANGUAGES)),
    )


def stats_filters(q: QueryParams) -> stats.Filters:
    return stats.Filters(
        **asdict(case_filters(q)),
        gender=code(q.get("gender"), {c.code for c in codes.GENDERS}),
        nationality=(q.get("nationality") or "").upper()[:2] or None,
    )
