"""Time zones of a country (from tzdata's zone1970.tab), and finding one from a local time."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

# The system's tzdata first, then the `tzdata` package's copy (Windows, slim containers).
_TABLES = (Path("/usr/share/zoneinfo/zone1970.tab"),)
_CLOCK = re.compile(
    r"^\s*(?P<h>\d{1,2})(?:\s*[:.h]\s*(?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?\s*m\.?)?\s*$", re.I
)
# How far a person's reading of their clock may be from the zone's time.
TOLERANCE = timedelta(minutes=20)


def _table_text() -> str:
    for path in _TABLES:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    from importlib.resources import files

    return files("tzdata").joinpath("zoneinfo/zone1970.tab").read_text(encoding="utf-8")


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    zones: dict[str, list[str]] = {}
    for line in _table_text().splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 3:
            continue
        for country in fields[0].split(","):
            zones.setdefault(country, []).append(fields[2])
    return {country: tuple(names) for country, names in zones.items()}


def country_zones(country: str) -> tuple[str, ...]:
    """The zones of an ISO 3166-1 country, most populated area first (tzdata's order)."""
    return _zones_by_country().get(country.upper(), ())


def parse_clock(text: str) -> time | None:
    """A time of day as people type it: `15:40`, `3:40 pm`, `3 p.m.`, `9h30`; None otherwise."""
    match = _CLOCK.match(text or "")
    if match is None:
        return None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ampm"] or "").lower().replace(".", "").replace(" ", "")
    if minute > 59 or hour > 23 or (ampm and not 1 <= hour <= 12):
        return None
    if ampm == "pm" and hour != 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return time(hour, minute)


def zone_for_clock(zones: tuple[str, ...], clock: time, now: datetime) -> str | None:
    """The first zone whose local time now is within a few minutes of what the person read."""
    said = clock.hour * 60 + clock.minute
    for name in zones:
        local = now.astimezone(ZoneInfo(name))
        minutes = local.hour * 60 + local.minute
        gap = min((said - minutes) % 1440, (minutes - said) % 1440)
        if gap <= TOLERANCE.total_seconds() / 60:
            return name
    return None
