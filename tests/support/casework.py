"""What staff do to a case, straight through the case services (no dashboard)."""

from __future__ import annotations

from bot import cases
from bot.app.runtime import Runtime
from bot.follow import events


def add_event(
    runtime: Runtime,
    code: str,
    status: str = "in_review",
    *,
    note: str | None = None,
    family_visible: bool = True,
    author: str = "ana",
) -> None:
    """Record an event (and its notices) on the case with this code, in its own commit."""
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        events.add_event(
            db,
            runtime.vault,
            case,
            status=status,
            author=author,
            note=note,
            family_visible=family_visible,
            now=runtime.clock(),
        )
