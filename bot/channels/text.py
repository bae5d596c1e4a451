"""Plain-text rendering shared by channels without buttons (console, SMS)."""

from __future__ import annotations

from bot.conversation.messages import OutboundMessage


def numbered(message: OutboundMessage) -> str:
    """The message with its options as a numbered list: `1. Sí`."""
    lines = [message.text]
    lines += [f"{number}. {option.label}" for number, option in enumerate(message.options, 1)]
    return "\n".join(lines)
