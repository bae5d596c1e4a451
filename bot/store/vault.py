"""The master key and the keys it protects: per-record data keys and the blind-index key."""

from __future__ import annotations

import threading

from cryptography.exceptions import InvalidTag
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import Clock, system_clock
from bot.store import crypto
from bot.store.models import KeyringEntry

INDEX_KEY = "blind_index"


class Vault:
    """Wraps and unwraps data keys; owns the blind-index key (stored wrapped in the keyring)."""

    def __init__(
        self, master_key: bytes, clock: Clock = system_clock, next_key: bytes | None = None
    ) -> None:
        self._master = master_key
        # During a key rotation (CAMINO_NEW_DATA_KEY) new keys are wrapped by the next master
        # key, and keys wrapped by either one open.
        self._wrapping = next_key or master_key
        self._keys = tuple(dict.fromkeys((self._wrapping, master_key)))
        self._clock = clock
        self._index_key: bytes | None = None
        self._lock = threading.Lock()

    @property
    def key_id(self) -> str:
        """The id of the master key that wraps new data keys."""
        return crypto.master_key_id(self._wrapping)

    def derived(self, purpose: str) -> tuple[str, bytes]:
        """A key for `purpose` derived from the master key that wraps new keys, and that master
        key's id (never stored: whoever lacks the master key cannot recompute it)."""
        return self.key_id, crypto.derive_key(self._wrapping, purpose)

    def derived_all(self, purpose: str) -> dict[str, bytes]:
        """The key for `purpose` under each master key held (two during a rotation), by id."""
        return {crypto.master_key_id(m): crypto.derive_key(m, purpose) for m in self._keys}

    def new_key(self, context: str) -> tuple[bytes, bytes]:
        """A fresh data key and its wrapped form, bound to what it will protect."""
        key = crypto.new_data_key()
        return key, crypto.wrap_key(self._wrapping, key, context=context)

    def open_key(self, wrapped: bytes, context: str) -> bytes:
        """Unwrap a data key stored with a record (with either master key during rotation)."""
        for master in self._keys[:-1]:
            try:
                return crypto.unwrap_key(master, wrapped, context=context)
            except InvalidTag:
                continue
        return crypto.unwrap_key(self._keys[-1], wrapped, context=context)

    def prepare(self, sessions: sessionmaker[Session]) -> None:
        """Make sure the blind-index key exists, committed, before anything is indexed with it.

        Created in a transaction of its own: a key cached from a transaction that later rolled
        back would index contacts under a key no other process (or restart) ever sees.
        """
        context = f"keyring:{INDEX_KEY}"
        try:
            with sessions() as db, db.begin():
                if db.get(KeyringEntry, INDEX_KEY) is None:
                    _, wrapped = self.new_key(context)
                    db.add(
                        KeyringEntry(name=INDEX_KEY, wrapped_key=wrapped, created_at=self._clock())
                    )
        except IntegrityError:  # another process created it first: theirs is the one
            pass
        with sessions() as db:
            entry = db.get(KeyringEntry, INDEX_KEY)
            assert entry is not None
            try:
                key = self.open_key(entry.wrapped_key, context)
            except InvalidTag as exc:  # the wrong master key for this database
                raise crypto.KeyConfigurationError(
                    "CAMINO_DATA_KEY does not open this database's keys."
                ) from exc
        with self._lock:
            self._index_key = key

    def index_key(self, db: Session) -> bytes:
        """The blind-index key (read once from the keyring, where `prepare` committed it)."""
        if self._index_key is None:
            with self._lock:
                if self._index_key is None:
                    entry = db.get(KeyringEntry, INDEX_KEY)
                    if entry is None:
                        raise RuntimeError("the blind-index key is missing: call prepare()")
                    self._index_key = self.open_key(entry.wrapped_key, f"keyring:{INDEX_KEY}")
        return self._index_key

    def index(self, db: Session, value: str, *, purpose: str) -> str:
        """A blind index of `value` for equality lookups."""
        return crypto.blind_index(self.index_key(db), value, purpose=purpose)
