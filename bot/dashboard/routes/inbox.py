"""The inbox: the organization's cases, urgent first, then newest; filters; search by code."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot import alerts, cases
from bot.core.i18n import language_name, translator
from bot.dashboard import casework
from bot.dashboard.deps import CurrentStaff, RuntimeDep, SessionDep, permission
from bot.dashboard.filters import CHANNELS, LANGUAGES, inbox_filters
from bot.dashboard.web import PREFIX, page, see
from bot.staff.access import Cursor, find_visible_case, inbox_page
from bot.staff.trail import audit_as
from flows import codes

router = APIRouter(prefix=PREFIX, include_in_schema=False)
PAGE_SIZE = 50


@router.get("/cases", dependencies=[permission("cases:read", "inbox.view")])
def inbox(request: Request, runtime: RuntimeDep, db: SessionDep, actor: CurrentStaff) -> Response:
    """Urgent first, then newest; filters; search by case code; keyset pages."""
    q = request.query_params
    t = translator(actor.language)
    with db.begin():
        typed = (q.get("code") or "").strip()[:40]
        if typed:
            audit_as(request, "inbox.search_code")
            found = cases.find_by_code(db, runtime.vault, typed)
            if found is not None and find_visible_case(db, actor.org, found.id) is not None:
                return see(f"/dashboard/cases/{found.id}")
            notice = t("Ningún caso de su organización tiene ese código.")
        else:
            notice = None
        rows, next_cursor = inbox_page(
            db, actor.org, inbox_filters(q), Cursor.decode(q.get("after")), PAGE_SIZE
        )
        now = runtime.clock()
        first_page = not q.get("after")
        waiting = [
            {
                "id": item.case.id,
                "minutes": max(0, int((now - item.since).total_seconds() // 60)),
                "labels": casework.case_labels(item.case, actor.org, t),
            }
            for item in (alerts.waiting(db, actor.org) if first_page else [])
        ]
        items = [
            {
                "id": case.id,
                "urgent": case.urgent,
                "labels": casework.case_labels(case, actor.org, t),
                "status": casework.label_of(casework.ALL_STATUSES, case.status, t),
                "crimes": ", ".join(
                    casework.label_of(codes.CRIME_TYPES, c.code, t) for c in case.crime_types
                )
                or "—",
                "state": casework.state_name(case.incident_state or case.reporter_state),
                "channel": casework.channel_name(case.channel, t),
                "language": language_name(case.language),
                "submitted": case.submitted_at.strftime("%Y-%m-%d %H:%M")
                if case.submitted_at
                else "",
            }
            for case in rows
        ]
    params = {k: v for k, v in q.items() if k not in ("after", "code")}
    next_url = None
    if next_cursor is not None:
        next_url = "/dashboard/cases?" + urlencode({**params, "after": next_cursor.encode()})
    return page(
        "inbox.html",
        actor,
        items=items,
        waiting=waiting,
        next_url=next_url,
        notice=notice,
        q=params,
        statuses=casework.ALL_STATUSES,
        crime_types=codes.CRIME_TYPES,
        perpetrators=codes.PERPETRATORS,
        channels=[(c, casework.channel_name(c, t)) for c in sorted(CHANNELS)],
        languages=[(c, language_name(c)) for c in LANGUAGES],
    )
