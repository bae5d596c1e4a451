"""The inbox: the organization's cases, urgent first, then newest; views, filters, search by
code; it refreshes itself (htmx polls `/dashboard/cases/live`) and says when reports arrive.

Without JavaScript the page works the same, refreshed by its "Actualizar" link.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot import alerts, cases
from bot.core.geography import MX_STATES
from bot.core.i18n import Translate, language_name, translator
from bot.dashboard import casework
from bot.dashboard.casepage import local_time
from bot.dashboard.deps import CurrentStaff, RuntimeDep, SessionDep, permission
from bot.dashboard.filters import CHANNELS, LANGUAGES, inbox_filters
from bot.dashboard.web import PREFIX, Actor, html, page, render, see
from bot.intake.runtime import Runtime
from bot.staff.access import COUNT_CAP, Cursor, find_visible_case, inbox_page
from bot.staff.inboxcounts import newest_after, view_counts
from bot.staff.trail import audit_as, nothing_new
from bot.staff.workload import VIEWS, RowMarks, note_shown, row_marks
from bot.store.models import Case
from flows import codes
from flows.model import N_

router = APIRouter(prefix=PREFIX, include_in_schema=False)
PAGE_SIZE = 50
POLL_SECONDS = 20
VIEW_NAMES = {
    "": N_("Todos"),
    "mine": N_("Míos"),
    "unassigned": N_("Sin asignar"),
    "urgent": N_("Urgentes"),
    "waiting": N_("Esperan respuesta"),
    "callback": N_("Piden llamada"),
}
# Query parameters the live region keeps (the page's own, less paging and search).
DROPPED = ("after", "code", "seen")


def age(now: datetime, then: datetime, t: Translate) -> str:
    """How long ago, in the largest whole unit: "hace 5 min", "hace 3 h", "hace 2 d"."""
    minutes = max(0, int((now - then).total_seconds() // 60))
    if minutes < 60:
        return t("hace {n} min").format(n=minutes)
    if minutes < 60 * 24:
        return t("hace {n} h").format(n=minutes // 60)
    return t("hace {n} d").format(n=minutes // (60 * 24))


def shown_count(count: int | None) -> str | None:
    """A count as the inbox shows it: "1000+" at the cap."""
    if count is None:
        return None
    return f"{COUNT_CAP}+" if count >= COUNT_CAP else str(count)


def reference(case_id: str) -> str:
    """A short case reference staff can say aloud (not the reporter's secret case code)."""
    return case_id[:8].upper()


def seen_since(text: str | None, now: datetime) -> datetime:
    """When the page was opened (from the live region's URL); now for anything malformed."""
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return min(moment, now)


def _row(
    case: Case, now: datetime, seen: datetime, marks: RowMarks, actor: Actor, tz: str
) -> dict[str, Any]:
    t = translator(actor.language)
    submitted = case.submitted_at or now
    return {
        "id": case.id,
        "ref": reference(case.id),
        "urgent": case.urgent,
        "labels": casework.case_labels(case, actor.org, t),
        "status": casework.label_of(casework.ALL_STATUSES, case.status, t),
        "crimes": ", ".join(
            casework.label_of(codes.CRIME_TYPES, c.code, t) for c in case.crime_types
        )
        or "—",
        "state": casework.place_name(case.incident_state or case.reporter_state),
        "channel": casework.channel_name(case.channel, t),
        "language": language_name(case.language),
        "age": age(now, submitted, t),
        "submitted": local_time(submitted, tz),
        "arrived": submitted > seen,
        "assignee": marks.assignee,
        "from_reporter": marks.from_reporter,
        "from_follower": marks.from_follower,
        "callback": marks.callback,
    }


def _live(request: Request, runtime: Runtime, db: Session, actor: Actor) -> dict[str, Any]:
    """Everything the live region shows: views and counts, the urgent waiting list, the rows."""
    q = request.query_params
    t = translator(actor.language)
    now = runtime.clock()
    seen = seen_since(q.get("seen"), now)
    view = q.get("view") if q.get("view") in VIEWS else ""
    filters = replace(inbox_filters(q), view=view or None, viewer=actor.staff.id)
    rows, next_cursor = inbox_page(db, actor.org, filters, Cursor.decode(q.get("after")), PAGE_SIZE)
    marks = row_marks(db, [case.id for case in rows], actor.org.id, actor.staff.id)
    tz = runtime.settings.default_timezone
    first_page = not q.get("after")
    waiting = [
        {
            "id": item.case.id,
            "ref": reference(item.case.id),
            "minutes": max(0, int((now - item.since).total_seconds() // 60)),
            "labels": casework.case_labels(item.case, actor.org, t),
        }
        for item in (alerts.waiting(db, actor.org) if first_page else [])
    ]
    params = {k: v for k, v in q.items() if k not in DROPPED}
    counts = view_counts(db, actor.org, actor.staff.id)
    arrived = newest_after(db, actor.org, seen)
    views = [
        (name, t(VIEW_NAMES[name]), shown_count(counts.get(name)), name == view)
        for name in ("", *VIEWS)
    ]
    base = {k: v for k, v in params.items() if k != "view"}
    next_url = None
    if next_cursor is not None:
        next_url = "/dashboard/cases?" + urlencode({**params, "after": next_cursor.encode()})
    shown = [case.id for case in rows] + [str(item["id"]) for item in waiting]
    return {
        "new_to_session": note_shown(db, actor.session.token_hash, shown),
        "rows": [_row(case, now, seen, marks[case.id], actor, tz) for case in rows],
        "waiting": waiting,
        "views": [
            (name, label, count, current, urlencode({**base, "view": name} if name else base))
            for name, label, count, current in views
        ],
        "arrived": shown_count(arrived) if arrived else None,
        "next_url": next_url,
        "here": urlencode(params),
        "live_url": "/dashboard/cases/live?" + urlencode({**params, "seen": seen.isoformat()}),
        "refreshed": local_time(now, tz),
        "poll": POLL_SECONDS,
    }


@router.get("/cases", dependencies=[permission("cases:read", "inbox.view")])
def inbox(request: Request, runtime: RuntimeDep, db: SessionDep, actor: CurrentStaff) -> Response:
    """Urgent first, then newest; views, filters; search by case code; keyset pages."""
    q = request.query_params
    t = translator(actor.language)
    with db.begin():
        typed = (q.get("code") or "").strip()[:40]
        notice = None
        if typed:
            audit_as(request, "inbox.search_code")
            found = cases.find_by_code(db, runtime.vault, typed)
            if found is not None and find_visible_case(db, actor.org, found.id) is not None:
                return see(f"/dashboard/cases/{found.id}")
            notice = t("Ningún caso de su organización tiene ese código.")
        live = _live(request, runtime, db, actor)
    params = {k: v for k, v in q.items() if k not in DROPPED}
    return page(
        "inbox.html",
        actor,
        live=live,
        notice=notice,
        q=params,
        statuses=casework.ALL_STATUSES,
        crime_types=codes.CRIME_TYPES,
        perpetrators=codes.PERPETRATORS,
        channels=[(c, casework.channel_name(c, t)) for c in sorted(CHANNELS)],
        states=sorted(MX_STATES.items(), key=lambda item: item[1]),
        languages=[(c, language_name(c)) for c in LANGUAGES],
    )


@router.get("/cases/live", dependencies=[permission("cases:read", "inbox.refresh")])
def inbox_live(
    request: Request, runtime: RuntimeDep, db: SessionDep, actor: CurrentStaff
) -> Response:
    """The inbox's live region alone, for the page to swap in (it does not keep the session
    awake: see `deps.UNATTENDED`)."""
    with db.begin():
        live = _live(request, runtime, db, actor)
    # Audited when it shows cases this session had not been shown: a poll that repeats what an
    # audited request showed adds no entry (~180 an hour per open tab otherwise).
    if live["new_to_session"]:
        audit_as(request, "inbox.refresh", shown=live["new_to_session"])
    else:
        nothing_new(request)
    return html(render("_inbox_live.html", actor.language, live=live))
