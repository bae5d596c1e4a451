"""`camino keys`: the master key and its rotation."""

from __future__ import annotations

from pathlib import Path

import click

from bot.app.cli.errors import CaminoError, friendly
from bot.core.config import get_settings


@click.group()
def keys() -> None:
    """The master key (CAMINO_DATA_KEY) and the data keys it protects."""


@keys.command("new")
def keys_new() -> None:
    """Print a fresh random master key (base64 of 32 bytes) for CAMINO_NEW_DATA_KEY."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.store import crypto

    click.echo(crypto.new_master_key_text())


@keys.command("rotate")
@click.option(
    "--new-key-file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="File holding the new master key (else CAMINO_NEW_DATA_KEY).",
)
@friendly
def keys_rotate(new_key_file: str | None) -> None:
    """Re-wrap every data key under the new master key; safe to interrupt and run again."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.privacy import audit
    from bot.store import crypto
    from bot.store import db as database
    from bot.store import keys as rotation
    from bot.store.vault import Vault

    settings = get_settings()
    text = Path(new_key_file).read_text() if new_key_file else settings.new_data_key
    if not text:
        raise CaminoError("Give the new key in CAMINO_NEW_DATA_KEY or with --new-key-file.")
    new_key = rotation.decode_new_key(text)
    old_key = crypto.load_master_key(
        settings.data_key, settings.key_file, production=settings.is_production
    )
    database.upgrade(settings.database_url)
    engine = database.make_engine(settings.database_url)
    sessions = database.make_sessionmaker(engine)
    try:
        total = rotation.pending_count(sessions, new_key)
        with click.progressbar(length=total, label="Re-wrapping data keys") as bar:
            report = rotation.rotate(sessions, old_key, new_key, progress=bar.update)
        # The audit log's seals are keyed by the master key: seal it again under the new one.
        resealed = audit.reseal(sessions, Vault(old_key, next_key=new_key))
    finally:
        engine.dispose()
    click.echo(
        f"Re-wrapped {report.rewrapped} data key(s) and resealed {resealed} audit entries; "
        f"every key is now under master key "
        f"{report.key_id}. Set CAMINO_DATA_KEY to the new key, remove CAMINO_NEW_DATA_KEY "
        "and restart."
    )
