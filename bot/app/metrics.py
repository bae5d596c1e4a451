"""`GET /metrics` (Prometheus text format) behind a bearer token, or on a local port of its own.

- `CAMINO_METRICS_TOKEN` set: `/metrics` answers only `Authorization: Bearer <token>`.
- Unset: `/metrics` is open in development and answers 404 in production.
- `CAMINO_METRICS_PORT` set: the same metrics are also served on 127.0.0.1:<port> (only from
  the machine itself), where no token is asked. With several workers the first one to bind the
  port serves it; in multiprocess mode it reports every process.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Iterable
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import func, or_, select
from starlette.concurrency import run_in_threadpool

from bot.core import metrics
from bot.intake.runtime import Runtime
from bot.store.models import OutboxMessage

log = logging.getLogger(__name__)

PATH = "/metrics"


def outbox_backlog(runtime: Runtime) -> Iterable[tuple[str, int, float]]:
    """(channel, messages due, seconds the oldest has been due) for every channel."""
    now = runtime.clock()
    due = or_(
        (OutboxMessage.status == "queued")
        & or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now),
    )
    since = func.coalesce(OutboxMessage.next_attempt_at, OutboxMessage.created_at)
    query = (
        select(OutboxMessage.channel, func.count(), func.min(since))
        .where(due)
        .group_by(OutboxMessage.channel)
    )
    found = {channel: (0, 0.0) for channel in ("telegram", "sms", "whatsapp")}
    with runtime.sessions() as db:
        for channel, count, oldest in db.execute(query):
            found[channel] = (int(count), max(0.0, (now - oldest).total_seconds()))
    return [(channel, count, age) for channel, (count, age) in sorted(found.items())]


def scrape(runtime: Runtime) -> bytes:
    """One scrape: the process's (or all processes') metrics and the outbox read now."""
    try:
        return metrics.exposition(partial(outbox_backlog, runtime))
    except Exception:  # the database is down: still report the counters
        log.warning("outbox metrics unavailable")
        return metrics.exposition(None)


def allowed(settings_token: str | None, production: bool, header: str | None) -> int:
    """200 if the caller may read the metrics, else the status to answer."""
    if not settings_token:
        return 404 if production else 200
    expected = f"Bearer {settings_token}".encode()
    return 200 if hmac.compare_digest((header or "").encode(), expected) else 401


def install(app: FastAPI) -> None:
    """Add `GET /metrics` and count errors logged in this process."""
    metrics.install_error_counter()

    @app.get(PATH, include_in_schema=False)
    async def metrics_endpoint(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        settings = runtime.settings
        status = allowed(
            settings.metrics_token, settings.is_production, request.headers.get("authorization")
        )
        if status == 404:
            return PlainTextResponse("Not Found", status_code=404)
        if status == 401:
            return PlainTextResponse(
                "Unauthorized", status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        body = await run_in_threadpool(scrape, runtime)
        return Response(body, media_type=metrics.CONTENT_TYPE)


def start_local_port(runtime: Runtime) -> ThreadingHTTPServer | None:
    """Serve the metrics on 127.0.0.1:CAMINO_METRICS_PORT, if set (None if not, or taken)."""
    port = runtime.settings.metrics_port
    if not port:
        return None

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != PATH:
                self.send_error(404)
                return
            body = scrape(runtime)
            self.send_response(200)
            self.send_header("Content-Type", metrics.CONTENT_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: scrapes are not worth a log line."""

    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError:  # another worker of this server already serves it
        log.info("metrics port already served by another process", extra={"port": port})
        return None
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
