"""Quiet hours: a local time window in which nobody is sent anything unprompted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    """A local time window in which nothing is sent (may cross midnight: 21:00-08:00)."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """`"21:00-08:00"` -> QuietHours; raises ValueError on anything else."""
        first, sep, second = text.strip().partition("-")
        if not sep:
            raise ValueError("quiet hours look like 21:00-08:00")
        return cls(parse_hhmm(first), parse_hhmm(second))

    def contains(self, moment: time) -> bool:
        """Whether a local time of day falls inside the window."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def next_allowed(self, now: datetime, timezone: str) -> datetime:
        """`now` if sending is allowed, else when the window ends (the recipient's morning)."""
        zone = _zone(timezone)
        local = now.astimezone(zone)
        moment = local.time().replace(tzinfo=None)
        if not self.contains(moment):
            return now
        end_day = local.date()
        if self.start > self.end and moment >= self.start:
            end_day += timedelta(days=1)
        end = datetime.combine(end_day, self.end, tzinfo=zone)
        return end.astimezone(now.tzinfo)


def parse_hhmm(text: str) -> time:
    """`"8:00"`/`"08:00"` -> time(8, 0); raises ValueError otherwise."""
    hours, sep, minutes = text.strip().partition(":")
    if not (sep and hours.isdecimal() and minutes.isdecimal() and len(minutes) == 2):
        raise ValueError("a time looks like 08:00")
    return time(int(hours), int(minutes))


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):  # a zone removed from tzdata: fall back rather than fail
        return ZoneInfo("America/Mexico_City")
