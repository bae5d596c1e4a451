"""The organization's audit log, newest first (auditors), and a check of the whole chain
(auditors and admins): walking every entry is an action someone asks for, never per request."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from bot.dashboard.deps import CSRF, CurrentStaff, RuntimeDep, SessionDep, permission
from bot.dashboard.web import PREFIX, page
from bot.privacy import audit
from bot.staff.trail import audit_as

router = APIRouter(prefix=PREFIX, include_in_schema=False)
PAGE_SIZE = 50


@router.get("/audit", dependencies=[permission("audit:read", "audit.view")])
def audit_page(request: Request, db: SessionDep, actor: CurrentStaff) -> Response:
    """The organization's audit entries, newest first (auditors only)."""
    before_text = request.query_params.get("before", "")
    before = int(before_text) if before_text.isdecimal() and len(before_text) < 12 else None
    entries = audit.recent(db, org_id=actor.org.id, before=before, limit=PAGE_SIZE)
    next_url = f"/dashboard/audit?before={entries[-1].seq}" if len(entries) == PAGE_SIZE else None
    return page("audit.html", actor, entries=entries, next_url=next_url)


@router.post("/audit/verify", dependencies=[permission("audit:verify", "audit.verify"), CSRF])
async def audit_verify(request: Request, runtime: RuntimeDep, actor: CurrentStaff) -> Response:
    """Walk the whole chain, checking every link, hash and seal; say what is wrong."""

    def walk() -> audit.Verification:
        with runtime.sessions() as db:
            return audit.verify(db, runtime.vault)

    result = await run_in_threadpool(walk)
    audit_as(request, "audit.verify", outcome="ok" if result.ok else "failure")
    return page("audit_verified.html", actor, verified=result)
