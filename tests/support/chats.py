"""A person's side of the conversation service, in process: start, answer, say, follow a case."""

from __future__ import annotations

import re

from bot.app.runtime import Runtime
from bot.conversation.messages import InboundEvent
from bot.intake.service import Reply
from bot.store.contacts import Sender
from tests.support.complaint_script import VICTIM_IN_MEXICO

REPORTER = Sender("console", "reporter")


def start(runtime: Runtime, sender: Sender, lang: str = "es") -> None:
    """A first contact with a language hint (the menu comes next)."""
    runtime.conversations.handle(sender, InboundEvent(language_hint=lang))


def talk(runtime: Runtime, sender: Sender, script: list[tuple[str, str]]) -> list[Reply]:
    """Send each answer of a (step, answer) script; every one gets a reply."""
    replies = []
    for _expected, answer in script:
        reply = runtime.conversations.handle(sender, InboundEvent(text=answer))
        assert reply is not None
        replies.append(reply)
    return replies


def receipt_code(replies: list[Reply]) -> str:
    """The case code of the latest receipt that gave one (an urgent report gets it early)."""
    for reply in reversed(replies):
        for message in reply.messages:
            if message.kind != "receipt":
                continue
            for line in message.text.splitlines():
                if ":" in line and "-" in line.split(":")[-1]:
                    return line.split(":")[-1].strip()
    raise AssertionError("\n".join(m.text for m in replies[-1].messages))


def say(runtime: Runtime, sender: Sender, text: str) -> str:
    """Send a text; the reply's texts and option labels, one per line."""
    reply = runtime.conversations.handle(sender, InboundEvent(text=text))
    assert reply is not None
    return "\n".join("\n".join([m.text, *(o.label for o in m.options)]) for m in reply.messages)


def filed_case(runtime: Runtime, sender: Sender = REPORTER) -> tuple[str, str]:
    """The victim's complaint filed by chat, relatives allowed to follow: (code, PIN)."""
    start(runtime, sender)
    replies = talk(runtime, sender, VICTIM_IN_MEXICO)
    text = "\n".join(m.text for m in replies[-1].messages)
    pin = re.search(r"\b(\d{6})\b", text)
    assert pin is not None, text
    return receipt_code(replies), pin.group(1)


def follow(
    runtime: Runtime,
    sender: Sender,
    code: str,
    pin: str,
    country: str = "Honduras",
    lang: str = "en",
) -> str:
    """From a fresh chat in `lang`: menu -> follow -> code -> PIN -> country. The chat's language
    is the notices' language: it is not asked again."""
    start(runtime, sender, lang)
    assert "PIN" not in say(runtime, sender, "3")  # follow a case
    assert "PIN" in say(runtime, sender, code)
    if sender.channel == "web":  # no notices on the web: no language or country to ask
        return say(runtime, sender, pin)
    say(runtime, sender, pin)
    return say(runtime, sender, country)
