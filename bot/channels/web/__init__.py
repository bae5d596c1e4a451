"""The web chat channel: /chat in any browser, with or without JavaScript, and quick exit.

`install(app, https=...)` adds the routes, the static files (htmx, CSS, JS, served by the app
itself) and the private-browsing headers to the FastAPI app; behind an https public URL also
Strict-Transport-Security, as on the dashboard.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot.channels.web.pages import STATIC
from bot.channels.web.routes import router
from bot.core.websecurity import HSTS, WEB_CHAT_HEADERS, SecurityHeaders

STATIC_PATH = "/assets"


def install(app: FastAPI, *, https: bool = False) -> None:
    """Wire the web chat into the app (`https`: the public URL is https)."""
    app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="web-static")
    app.add_middleware(
        SecurityHeaders,
        headers=(*WEB_CHAT_HEADERS, HSTS) if https else WEB_CHAT_HEADERS,
        prefixes=("/chat", "/weather", STATIC_PATH),
        exact=("/",),
    )
