"""What narrows a set of submitted cases, alike for the inbox and the statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CaseFilters:
    """Submitted within [date_from, date_to), in an incident state, with a crime type, a
    perpetrator or through a channel; every filter is optional."""

    date_from: datetime | None = None
    date_to: datetime | None = None
    state: str | None = None
    crime_type: str | None = None
    perpetrator: str | None = None
    channel: str | None = None
