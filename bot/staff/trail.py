"""What a staff or API request was, for the audit log: a draft the handler fills in.

The dashboard's middleware writes one audit entry per dashboard and API request of a staff
member or token (refused ones too; anonymous ones are only counted) from this draft, after the
handler has said what the request was; an inbox refresh that showed nothing the session had not
been shown in an audited request adds none (`nothing_new`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request


@dataclass
class AuditDraft:
    """What the current request was, filled in as the handler learns it."""

    actor: str = "anonymous"
    org_id: str | None = None
    action: str | None = None
    target: str | None = None
    outcome: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    # A read that showed nothing new to this session (an inbox refresh): no entry.
    unrecorded: bool = False


def draft(request: Request) -> AuditDraft:
    """The audit draft of this request (created on first use)."""
    current: AuditDraft | None = getattr(request.state, "audit", None)
    if current is None:
        current = AuditDraft()
        request.state.audit = current
    return current


def audit_as(
    request: Request,
    action: str,
    *,
    target: str | None = None,
    outcome: str | None = None,
    **detail: Any,
) -> None:
    """Name the action this request performs (and its target) for the audit log."""
    entry = draft(request)
    entry.action = action
    if target is not None:
        entry.target = target
    if outcome is not None:
        entry.outcome = outcome
    entry.detail.update(detail)


def nothing_new(request: Request) -> None:
    """This request showed only what the same session was shown in an audited request."""
    draft(request).unrecorded = True


def acting(request: Request, actor: str, org_id: str | None) -> None:
    """Who the request acts as (`staff:<id>`, `token:<id>`), once it is known."""
    entry = draft(request)
    entry.actor, entry.org_id = actor, org_id


def target_of(request: Request, parameter: str | None) -> str | None:
    """A route's target for the audit log: one of its path parameters, cut to an id's length."""
    if parameter is None:
        return None
    return str(request.path_params[parameter])[:32]
