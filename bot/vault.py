"""The master key and the keys it protects: per-record data keys and the blind-index key."""

from __future__ import annotations

import threading

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import crypto
from bot.clock import Clock, system_clock
from bot.models import KeyringEntry

INDEX_KEY = "blind_index"


class Vault:
    """Wraps and unwraps data keys; owns the blind-index key (stored wrapped in the keyring)."""

    def __init__(self, master_key: bytes, clock: Clock = system_clock) -> None:
        self._master = master_key
        self._clock = clock
        self._index_key: bytes | None = None
        self._lock = threading.Lock()

    def new_key(self, context: str) -> tuple[bytes, bytes]:
        """A fresh data key and its wrapped form, bound to what it will protect."""
        key = crypto.new_data_key()
        return key, crypto.wrap_key(self._master, key, context=context)

    def open_key(self, wrapped: bytes, context: str) -> bytes:
        """Unwrap a data key stored with a record."""
        return crypto.unwrap_key(self._master, wrapped, context=context)

    def index_key(self, db: Session) -> bytes:
        """The blind-index key, created on first use and cached for the process."""
        if self._index_key is None:
            with self._lock:
                if self._index_key is None:
                    self._index_key = self._load_or_create_index_key(db)
        return self._index_key

    def index(self, db: Session, value: str, *, purpose: str) -> str:
        """A blind index of `value` for equality lookups."""
        return crypto.blind_index(self.index_key(db), value, purpose=purpose)

    def _load_or_create_index_key(self, db: Session) -> bytes:
        context = f"keyring:{INDEX_KEY}"
        entry = db.get(KeyringEntry, INDEX_KEY)
        if entry is None:
            key, wrapped = self.new_key(context)
            try:
                with db.begin_nested():
                    db.add(
                        KeyringEntry(name=INDEX_KEY, wrapped_key=wrapped, created_at=self._clock())
                    )
                return key
            except IntegrityError:  # another process created it first
                entry = db.get(KeyringEntry, INDEX_KEY)
                assert entry is not None
        return self.open_key(entry.wrapped_key, context)
