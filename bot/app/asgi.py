"""The ASGI app: `create_app()` wires health, webhooks, web chat, dashboard and API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from bot.api import router as api_router
from bot.api.schema import router as api_schema_router
from bot.app.background import start_background
from bot.app.metrics import install as install_metrics
from bot.app.metrics import start_local_port as start_metrics_port
from bot.app.runtime import Runtime, build_runtime
from bot.channels.telegram.channel import start_channel as start_telegram
from bot.channels.telegram.webhook import router as telegram_router
from bot.channels.twilio.routes import twilio_router
from bot.channels.web import install as install_web_chat
from bot.core.config import check_serving, get_settings
from bot.core.logs import configure_logging, secrets_of
from bot.dashboard import install as install_dashboard
from bot.store.db import ping


def create_app(runtime: Runtime | None = None) -> FastAPI:
    """The whole web app; `runtime` is injected by tests, built from settings otherwise."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        current = runtime or build_runtime(get_settings(), migrate=False)
        configure_logging(current.settings.log_level, secrets_of(current.settings))
        # Request threads (sync routes, run_in_threadpool) as many as the database pool holds:
        # more would only wait for a connection, each with its stack and malloc arena.
        to_thread.current_default_thread_limiter().total_tokens = current.settings.db_pool_size
        app.state.runtime = current
        app.state.telegram = await start_telegram(current)
        app.state.background = await start_background(current)
        metrics_port = start_metrics_port(current)
        try:
            yield
        finally:
            if metrics_port is not None:
                metrics_port.shutdown()
                metrics_port.server_close()
            await app.state.background.stop()
            if app.state.telegram is not None:
                await app.state.telegram.stop()
            if owned:
                current.close()

    settings = runtime.settings if runtime else get_settings()
    check_serving(settings)
    production = settings.is_production
    app = FastAPI(
        title="Camino",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # In production the schema is for API token holders only (bot.api.schema).
        openapi_url=None if production else "/openapi.json",
    )
    if production:
        app.include_router(api_schema_router)

    app.include_router(telegram_router)
    app.include_router(twilio_router())

    @app.get("/healthz", include_in_schema=False)
    async def healthz(request: Request) -> JSONResponse:
        """200 when the database answers, 503 when it does not."""
        current: Runtime = request.app.state.runtime
        healthy = await run_in_threadpool(ping, current.engine)
        if healthy:
            return JSONResponse({"status": "ok", "database": "ok"})
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)

    install_metrics(app)
    install_web_chat(app, https=settings.public_url.startswith("https://"))
    app.include_router(api_router)
    install_dashboard(app)
    return app
