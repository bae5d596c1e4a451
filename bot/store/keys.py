"""Master key rotation: re-wrap every data key under a new master key, resumably.

Only the small wrapped data keys change; the personal data they protect is not re-encrypted.
Each wrapped key has a `key_id` beside it (a fingerprint of the master key that wrapped it),
so an interrupted rotation resumes where it stopped, and while `CAMINO_NEW_DATA_KEY` is set the
app opens keys wrapped by either master key and wraps new ones with the new key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.config import Settings
from bot.store import crypto, models
from bot.store.crypto import KeyConfigurationError

log = logging.getLogger(__name__)

BATCH = 200


@dataclass(frozen=True)
class Target:
    """A table whose rows hold a data key wrapped by the master key."""

    model: Any
    prefix: str  # the wrap context is f"{prefix}:{row id}"
    tracked: bool  # has a key_id column (else: a row is done when the new key opens it)

    @property
    def pk(self) -> Any:
        return self.model.name if self.model is models.KeyringEntry else self.model.id


def targets() -> list[Target]:
    """Every table with master-wrapped keys (staff accounts when the dashboard is installed)."""
    found = [
        Target(models.KeyringEntry, "keyring", True),
        Target(models.Contact, "contact", True),
        Target(models.Case, "case", True),
        Target(models.AlertDestination, "oncall", True),
    ]
    staff = getattr(models, "Staff", None)
    if staff is not None:
        found.append(Target(staff, "staff", False))
    return found


@dataclass(frozen=True)
class RotationReport:
    """How many wrapped keys a run re-wrapped, and the new master key's id."""

    rewrapped: int
    key_id: str


def next_master_key(settings: Settings) -> bytes | None:
    """The master key being rotated to (`CAMINO_NEW_DATA_KEY`), if a rotation is under way."""
    if not settings.new_data_key:
        return None
    return decode_new_key(settings.new_data_key)


def decode_new_key(text: str) -> bytes:
    """A new master key given as base64, with an error that names the right setting."""
    try:
        return crypto.decode_master_key(text)
    except KeyConfigurationError:
        raise KeyConfigurationError(
            "CAMINO_NEW_DATA_KEY must be base64 of 32 random bytes."
        ) from None


def _pending(target: Target, new_id: str) -> Any:
    query = select(target.pk).where(func.length(target.model.wrapped_key) > 0)
    if target.tracked:
        query = query.where(or_(target.model.key_id.is_(None), target.model.key_id != new_id))
    return query.order_by(target.pk)


def pending_count(sessions: sessionmaker[Session], new_key: bytes) -> int:
    """How many wrapped keys a rotation to `new_key` still has to visit."""
    new_id = crypto.master_key_id(new_key)
    with sessions() as db:
        return sum(
            db.scalar(select(func.count()).select_from(_pending(t, new_id).subquery())) or 0
            for t in targets()
        )


def rotate(
    sessions: sessionmaker[Session],
    old_key: bytes,
    new_key: bytes,
    *,
    progress: Callable[[int], None] | None = None,
) -> RotationReport:
    """Re-wrap every data key under `new_key`, in small transactions; safe to run again."""
    if old_key == new_key:
        raise KeyConfigurationError("The new master key is the same as CAMINO_DATA_KEY.")
    new_id = crypto.master_key_id(new_key)
    done = 0
    for target in targets():
        after: Any = None
        while True:
            with sessions() as db, db.begin():
                query = _pending(target, new_id)
                if after is not None:
                    query = query.where(target.pk > after)
                ids = list(db.scalars(query.limit(BATCH)))
                if not ids:
                    break
                for row_id in ids:
                    done += _rewrap(db, target, row_id, old_key, new_key, new_id)
                after = ids[-1]
            if progress is not None:
                progress(len(ids))
    log.info("master key rotation finished", extra={"rewrapped": done, "key_id": new_id})
    return RotationReport(rewrapped=done, key_id=new_id)


def _rewrap(
    db: Session, target: Target, row_id: str, old_key: bytes, new_key: bytes, new_id: str
) -> int:
    """Re-wrap one row's key; 0 when it already was (or vanished, or was shredded meanwhile)."""
    wrapped = db.scalar(select(target.model.wrapped_key).where(target.pk == row_id))
    if not wrapped:
        return 0
    context = f"{target.prefix}:{row_id}"
    try:
        crypto.unwrap_key(new_key, wrapped, context=context)
        already = True
    except InvalidTag:
        already = False
    if already:
        if target.tracked:
            db.execute(update(target.model).where(target.pk == row_id).values(key_id=new_id))
        return 0
    try:
        data_key = crypto.unwrap_key(old_key, wrapped, context=context)
    except InvalidTag:
        raise KeyConfigurationError(
            f"A {target.prefix} key opens with neither CAMINO_DATA_KEY nor the new key."
        ) from None
    values: dict[str, Any] = {"wrapped_key": crypto.wrap_key(new_key, data_key, context=context)}
    if target.tracked:
        values["key_id"] = new_id
    # Compare-and-swap: a key shredded by retention meanwhile is never written back.
    result = db.execute(
        update(target.model)
        .where(target.pk == row_id, target.model.wrapped_key == wrapped)
        .values(**values)
    )
    return 1 if getattr(result, "rowcount", 0) else 0
