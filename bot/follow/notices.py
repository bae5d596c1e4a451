"""What families (and people with a half-finished report) are told unprompted, and when.

Pure: texts and times only. Notices are discreet by default: they name Camino and the short
reference the relative was given when subscribing, never the crime, names or places, and say that
Camino never asks for money (families of kidnapped migrants are extorted by phone). The details
are shown only when the person answers VER/SEE (`bot.conversation.modes.follow.SEE_WORDS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core import i18n

NOTICE_KINDS = ("notice", "digest", "reminder")


def notice_text(language: str, reference: str) -> str:
    """A family-visible event happened: no detail, just where to look."""
    t = i18n.translator(language)
    return t(
        "Camino, caso {ref}: hay una novedad. Responda VER para leerla. Camino nunca pide "
        "dinero: si alguien le pide dinero en nombre de Camino, no pague."
    ).format(ref=reference)


def digest_text(language: str, reference: str, last_moved: date) -> str:
    """Silence is not abandonment: the case is still open, and when it last moved."""
    t = i18n.translator(language)
    return t(
        "Camino, caso {ref}: el caso sigue abierto. El último cambio fue el {day}. Responda "
        "VER para ver el historial. Camino nunca pide dinero."
    ).format(ref=reference, day=i18n.format_day(last_moved, language))


def reminder_text(language: str, days_left: int) -> str:
    """One gentle reminder of a half-finished report, without saying what it is about."""
    t = i18n.translator(language)
    return t(
        "Camino: tiene una conversación sin terminar. Escriba «menú» para continuar. Si no, "
        "se borrará en {days} días. Camino nunca pide dinero."
    ).format(days=days_left)


def template_variables(kind: str, reference: str) -> dict[str, str]:
    """What a pre-approved WhatsApp template is filled with: only the short reference."""
    return {"1": reference} if kind in ("notice", "digest") else {}


# -- quiet hours --------------------------------------------------------------------------


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
