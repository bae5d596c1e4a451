"""The Telegram channel: python-telegram-bot inside the web app (webhook) or by long polling.

`channel` is what the web app runs (a rate-limited `Bot` from `limits`, no PTB Application);
`app` builds the polling Application and registers the commands; `handlers` routes updates
(`wire.route`) and turns them into inbound events and replies; `replies` makes a reply the
outbox's rows (or the webhook's answer), `deferred` queues them and `sender` is the outbox's
sender; `wire` holds the pure parsing and rendering; `recent` keeps the message ids a person
may erase; `files` fetches a person's files with bounded retries; `inbound` reads a webhook
body into an update (or refuses it); `webhook` is the FastAPI route.
"""

from bot.core.config import Settings

CHANNEL = "telegram"


def api_urls(settings: Settings) -> tuple[str, str]:
    """PTB's base_url and base_file_url (the token is appended) for TELEGRAM_API_BASE_URL."""
    root = settings.telegram_api_base_url.rstrip("/")
    return f"{root}/bot", f"{root}/file/bot"
