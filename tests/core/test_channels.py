"""The one table of channel capabilities."""

from __future__ import annotations

from bot.core import channels


def test_every_channel_has_one_row() -> None:
    assert set(channels.CHANNELS) == {"telegram", "sms", "whatsapp", "web", "console"}
    assert all(code == row.code for code, row in channels.CHANNELS.items())


def test_what_the_product_promises_of_each_channel() -> None:
    pushed = {c for c in channels.CHANNELS if channels.can_push(c)}
    erasable = {c for c in channels.CHANNELS if channels.can_erase(c)}
    documents = {c for c in channels.CHANNELS if channels.can_send_documents(c)}
    assert pushed == {"telegram", "sms", "whatsapp"}
    # SMS and WhatsApp cannot be erased: sensitive details are never echoed there.
    assert erasable == {"telegram", "web", "console"}
    assert documents == {"telegram"}
    assert {"web"} == channels.PULL_CHANNELS
    assert not any(channels.can_push(c) for c in channels.PULL_CHANNELS)


def test_an_unknown_channel_can_do_nothing() -> None:
    assert not channels.can_push("fax")
    assert not channels.can_erase("fax")
    assert not channels.pulls_news("fax")
    assert not channels.can_send_documents("fax")
    assert channels.display_name("fax") == "fax"
    assert channels.display_name("whatsapp") == "WhatsApp"
