"""The ASGI app. Run it with `camino serve` (migrations first), or
`uvicorn webhook:create_app --factory`."""

from bot.app.asgi import create_app

__all__ = ["create_app"]
