"""What the person may do next, from what they asked for and what happened (`flows.next_steps`).

Told once the report is sent: in full where the chat can be erased; elsewhere (SMS, WhatsApp, a
phone others may look at) only when the person answers MÁS (MORE, PLUS, PLIS), and on SMS in
short. Not INFO: on SMS Twilio answers INFO and HELP itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.conversation.messages import OutboundMessage
from bot.conversation.parsers import normalize
from bot.conversation.turn import Turn
from flows.next_steps import INDEX, TOPICS, Topic

INFO_WORDS = frozenset({"mas", "saber", "more", "plus", "plis", "informacion", "information"})
# Asked for by what the person wants: the `wants` codes that have a topic of the same name.
_WANTED = frozenset({"care", "complaint", "human_rights", "visa", "protection", "search", "asylum"})
_MISSING = frozenset({"disappearance", "forced_disappearance"})
# How long after sending MÁS tells what to do: later, whoever holds the phone (the person
# deleted the chat, as advised) would learn from it what was reported.
ANSWERED_FOR = timedelta(hours=24)
# Topics whose full text names the crime (a rape): on a chat that stays on the phone, said in
# their short words.
DISCREET = frozenset({"sexual_care"})


def _codes(answers: Mapping[str, Any], name: str) -> set[str]:
    value = answers.get(name)
    return {str(code) for code in value} if isinstance(value, list) else set()


def topics(answers: Mapping[str, Any]) -> list[str]:
    """The topics to tell, in the order of `flows.next_steps`."""
    wants, crimes = _codes(answers, "wants"), _codes(answers, "crime_types")
    found = wants & _WANTED
    if "sexual_violence" in crimes:  # time-critical care, whatever was asked for
        found.add("sexual_care")
    if crimes & _MISSING or answers.get("danger_now") == "missing":
        found.add("search")
    if answers.get("reporter_where") == "abroad" and found & {"complaint", "search"}:
        found.add("consulate")  # a relative abroad reaches Mexico's justice from there
    return [topic.code for topic in TOPICS if topic.code in found]


def told_until(now: datetime) -> str:
    """When MÁS stops telling the information of a report sent `now` (for the state)."""
    return (now + ANSWERED_FOR).isoformat()


def still_told(until: str | None, now: datetime) -> bool:
    """Whether MÁS still tells the information (a state saved before the limit: no)."""
    return until is not None and now < datetime.fromisoformat(until)


def is_info_request(text: str | None) -> bool:
    return bool(text) and normalize(text or "") in INFO_WORDS


def offer_line(turn: Turn) -> str:
    return turn.t("Para saber qué puede hacer ahora, responda MÁS.")


def _told(turn: Turn, topic: Topic) -> str:
    """A topic's full text; where the chat stays on the phone (WhatsApp), a topic that would
    name what happened is told in its short words, which do not."""
    if topic.code in DISCREET and not turn.ctx.can_erase:
        return turn.t(topic.short)
    return turn.t(topic.text)


def messages(turn: Turn, codes: list[str]) -> list[OutboundMessage]:
    """The topics, after a line saying they are information; in short on SMS."""
    t = turn.t
    known = [INDEX[code] for code in codes if code in INDEX]
    head = t("Lo que puede hacer ahora (es información, no una promesa):")
    if turn.ctx.channel == "sms":
        return [OutboundMessage("\n".join([head, *(t(x.short) for x in known)]), kind="info")]
    text = "\n\n".join([head, *(_told(turn, topic) for topic in known)])
    return [OutboundMessage(text, kind="info", sensitive=True)]
