"""Reading a webhook body into an Update Camino can handle, or refusing it (400) — never a 500.

Only the kinds of update Camino handles are parsed; any other well-formed update is
acknowledged and ignored. PTB's parser trusts the types it is given and raises whatever a
missing field leads to, so its result is checked here for the fields the handlers read. A
person's message whose newer or older parts PTB cannot read (a poll from another Bot API
version, say) is read again from its core fields only: the person still gets an answer.
"""

from __future__ import annotations

import json
from typing import Any

from telegram import Bot, CallbackQuery, Message, Update, User

# The kinds of update Camino handles; any other well-formed update is acknowledged and ignored.
HANDLED = ("message", "edited_message", "callback_query")
# What a message is read from when the rest of it cannot be parsed.
CORE_FIELDS = ("message_id", "date", "chat", "from", "text", "caption")


class Malformed(ValueError):
    """A body that is not a Telegram update Camino can read (answered 400)."""


def read_body(body: bytes) -> dict[str, Any] | None:
    """The update's JSON object; None for a well-formed update of a kind Camino does not
    handle (my_chat_member, channel posts...): those are not parsed further."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        raise Malformed("Malformed JSON") from None
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        raise Malformed("Not a Telegram update")
    kinds = [kind for kind in HANDLED if kind in data]
    if not kinds:
        return None
    if len(kinds) > 1 or not isinstance(data[kinds[0]], dict):
        raise Malformed("Not a Telegram update")
    return data


def _parse(data: dict[str, Any], bot: Bot) -> Update | None:
    try:
        return Update.de_json(data, bot)
    # PTB raises whatever a missing or mistyped field leads to (KeyError, TypeError,
    # AttributeError, ValueError, RecursionError...): all of them mean it cannot be read.
    except Exception:
        return None


def _core(data: dict[str, Any]) -> dict[str, Any] | None:
    """The update with its message cut down to the fields every version of the API has."""
    for kind in ("message", "edited_message"):
        message = data.get(kind)
        if isinstance(message, dict):
            core = {key: message[key] for key in CORE_FIELDS if key in message}
            return {"update_id": data["update_id"], kind: core}
    return None


def to_update(data: dict[str, Any], bot: Bot) -> Update:
    """PTB's Update for a body `read_body` accepted, checked; or Malformed."""
    update = _parse(data, bot)
    if update is None:
        core = _core(data)
        update = _parse(core, bot) if core is not None else None
    if update is None or not _readable(update):
        raise Malformed("Not a Telegram update")
    return update


# -- the fields the handlers read, with the types they expect ---------------------------------


def _str(value: object, optional: bool = True) -> bool:
    return isinstance(value, str) or (optional and value is None)


def _int(value: object, optional: bool = False) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (optional and value is None)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _user(user: User | None) -> bool:
    return user is None or (_int(user.id) and _str(user.language_code))


def _file(item: Any) -> bool:
    if item is None:
        return True
    return (
        _str(item.file_id, optional=False)
        and _int(item.file_size, optional=True)
        and _str(getattr(item, "mime_type", None))
        and _str(getattr(item, "file_name", None))
    )


def _message(message: Message) -> bool:
    chat = message.chat
    location, contact = message.location, message.contact
    photos = message.photo or ()
    return (
        _int(message.message_id)
        and _int(chat.id)
        and _str(chat.type, optional=False)
        and _user(message.from_user)
        and _str(message.text)
        and _str(message.caption)
        and (location is None or (_number(location.latitude) and _number(location.longitude)))
        and (contact is None or _str(contact.phone_number, optional=False))
        and isinstance(photos, tuple | list)
        and all(_file(p) and _int(p.width) and _int(p.height) for p in photos)
        and all(_file(f) for f in (message.voice, message.audio, message.document))
    )


def _press(query: CallbackQuery) -> bool:
    pressed = query.message
    return (
        _str(query.id, optional=False)
        and _str(query.data)
        and _user(query.from_user)
        and _int(query.from_user.id)
        and (pressed is None or (_int(pressed.chat.id) and _int(pressed.message_id)))
    )


def _readable(update: Update) -> bool:
    """Whether the update has exactly one handled part, with the types the handlers expect."""
    try:
        message = update.message or update.edited_message
        if message is not None:
            return update.callback_query is None and _message(message)
        return update.callback_query is not None and _press(update.callback_query)
    except AttributeError:  # a part PTB left as a plain value where an object belongs
        return False
