"""Builds the long-lived parts once (settings, database, keys, conversation service)."""

from __future__ import annotations

from bot.core.clock import Clock, system_clock
from bot.core.config import Settings
from bot.intake.runtime import Runtime
from bot.intake.service import Conversations
from bot.store import crypto, db
from bot.store.keys import next_master_key
from bot.store.vault import Vault

__all__ = ["Runtime", "build_runtime"]


def build_runtime(
    settings: Settings, *, clock: Clock = system_clock, migrate: bool = True
) -> Runtime:
    """Apply migrations (unless told not to), load the master key, wire the services."""
    if migrate:
        db.upgrade(settings.database_url)
    master = crypto.load_master_key(
        settings.data_key, settings.key_file, production=settings.is_production
    )
    engine = (
        db.make_engine(settings.database_url)
        if settings.database_url.startswith("sqlite")
        else db.make_engine(settings.database_url, pool_size=settings.db_pool_size)
    )
    sessions = db.make_sessionmaker(engine)
    vault = Vault(master, clock, next_key=next_master_key(settings))
    vault.prepare(sessions)
    conversations = Conversations(settings, sessions, vault, clock)
    return Runtime(settings, engine, sessions, vault, conversations, clock)
