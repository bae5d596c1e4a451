"""The long-lived services a request handler, job or command works with, held together."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.intake.service import Conversations
from bot.store.vault import Vault


@dataclass
class Runtime:
    """Everything a channel or command needs, wired once by `bot.app.runtime.build_runtime`."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    vault: Vault
    conversations: Conversations
    clock: Clock

    def close(self) -> None:
        self.engine.dispose()
