"""`camino serve`: the web app, after the migrations."""

from __future__ import annotations

import click

from bot.app.cli.errors import friendly
from bot.core.config import check_serving, get_settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@friendly
def serve(host: str, port: int, workers: int) -> None:
    """Serve webhooks, web chat, dashboard and API (migrations are applied first)."""
    # imported when the command runs: keeps `camino` start-up light
    import uvicorn

    from bot.store import crypto, db

    settings = get_settings()
    check_serving(settings)  # an http public URL in production: refused before anything
    # The key first: a server that cannot read what it stores must not touch the database.
    crypto.load_master_key(settings.data_key, settings.key_file, production=settings.is_production)
    db.upgrade(settings.database_url)
    base = f"http://{host}:{port}"
    click.echo(f"Camino is running on {base}  (Ctrl-C to stop)")
    click.echo(f"  web chat:     {base}/chat")
    click.echo(f"  dashboard:    {base}/dashboard/")
    click.echo(f"  health check: {base}/healthz")
    uvicorn.run(
        "webhook:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # The client's address and scheme come from X-Forwarded-For/-Proto only when the
        # request comes from a trusted proxy (CAMINO_TRUSTED_PROXIES).
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        log_level="warning",
        access_log=False,
    )
