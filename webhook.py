"""The ASGI app. Run it with `camino serve` (migrations first), or
`uvicorn webhook:create_app --factory`."""

import sys

# httpx loads its command-line tool (rich and pygments, 4 MB) whenever they are installed, as
# in a development install; a server never uses it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

from bot.app.asgi import create_app  # noqa: E402

__all__ = ["create_app"]
