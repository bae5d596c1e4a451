"""The Telegram channel: python-telegram-bot inside the web app (webhook) or by long polling.

`app` builds the PTB Application and registers the commands; `handlers` turns updates into
inbound events and sends the replies; `deferred` queues in the outbox what the Bot API would
not take yet; `wire` holds the pure parsing and rendering; `recent` keeps the message ids a
person may erase; `webhook` is the FastAPI route.
"""

CHANNEL = "telegram"
