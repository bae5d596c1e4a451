"""The organization's audit log, newest first, and a check of its hash chain (auditors)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.dashboard.deps import CurrentStaff, SessionDep, permission
from bot.dashboard.web import PREFIX, page
from bot.privacy import audit

router = APIRouter(prefix=PREFIX, include_in_schema=False)
PAGE_SIZE = 50


@router.get("/audit", dependencies=[permission("audit:read", "audit.view")])
def audit_page(request: Request, db: SessionDep, actor: CurrentStaff) -> Response:
    """The organization's audit entries, newest first (auditors only)."""
    before_text = request.query_params.get("before", "")
    before = int(before_text) if before_text.isdecimal() and len(before_text) < 12 else None
    entries = audit.recent(db, org_id=actor.org.id, before=before, limit=PAGE_SIZE)
    verified = audit.verify(db) if request.query_params.get("verify") == "1" else None
    next_url = f"/dashboard/audit?before={entries[-1].seq}" if len(entries) == PAGE_SIZE else None
    return page("audit.html", actor, entries=entries, next_url=next_url, verified=verified)
