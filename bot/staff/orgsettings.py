"""An organization's alert settings: on-call destinations, response time, contact line.

Shared by `camino org` and the dashboard's settings page; what an admin types is checked here,
each refusal one sentence (`AccountError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.staff.accounts import AccountError, parse_whole_number
from bot.store.models import Organization
from bot.store.oncall import (
    add_destination,
    destination_address,
    destinations_of,
    masked,
    remove_destinations,
)
from bot.store.vault import Vault

_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_CHAT_ID = re.compile(r"-?[1-9][0-9]{0,15}")
MAX_RESPONSE_HOURS = 24 * 30
MAX_DESTINATIONS = 10


def parse_phone(text: str) -> str:
    """A phone number in E.164 (`+5215512345678`); spaces, dashes and dots are dropped."""
    value = re.sub(r"[\s\-.()]", "", text)
    if not _E164.fullmatch(value):
        raise AccountError("Phone numbers are written in E.164, like +5215512345678.")
    return value


def parse_chat_id(text: str) -> str:
    """A Telegram chat id: a number, negative for a group."""
    value = text.strip()
    if not _CHAT_ID.fullmatch(value):
        raise AccountError("A Telegram chat id is a number, like -1001234567890 for a group.")
    return value


def parse_response_hours(text: str) -> int | None:
    """The stated response time in whole hours (1 to 720); blank: none stated."""
    return parse_whole_number(
        text, 1, MAX_RESPONSE_HOURS, digits=4, what="The response time", unit="hours"
    )


def parse_lines(text: str) -> list[str]:
    """Entries typed one per line or separated by commas or spaces."""
    return [part for part in re.split(r"[\s,;]+", text) if part]


@dataclass(frozen=True)
class Destinations:
    """On-call destinations as typed, checked."""

    sms: tuple[str, ...] = ()
    whatsapp: tuple[str, ...] = ()
    telegram: tuple[str, ...] = ()

    @classmethod
    def parse(cls, sms: list[str], whatsapp: list[str], telegram: list[str]) -> Destinations:
        found = cls(
            tuple(dict.fromkeys(parse_phone(n) for n in sms)),
            tuple(dict.fromkeys(parse_phone(n) for n in whatsapp)),
            tuple(dict.fromkeys(parse_chat_id(c) for c in telegram)),
        )
        if len(found.sms) + len(found.whatsapp) + len(found.telegram) > MAX_DESTINATIONS:
            raise AccountError(f"An organization has at most {MAX_DESTINATIONS} destinations.")
        return found

    def items(self) -> list[tuple[str, str]]:
        return [
            *(("sms", n) for n in self.sms),
            *(("whatsapp", n) for n in self.whatsapp),
            *(("telegram", c) for c in self.telegram),
        ]


def replace_destinations(
    db: Session, vault: Vault, org: Organization, wanted: Destinations, now: datetime
) -> int:
    """Make these the organization's on-call destinations (none: alerts off); how many."""
    remove_destinations(db, org.id)
    db.flush()
    for channel, address in wanted.items():
        add_destination(db, vault, org.id, channel, address, now)
    db.flush()
    return len(wanted.items())


def shown_destinations(db: Session, vault: Vault, org: Organization) -> list[tuple[str, str]]:
    """(channel, masked address) of each destination: enough to tell them apart."""
    return [(d.channel, masked(destination_address(vault, d))) for d in destinations_of(db, org.id)]
