"""Where it happened, as staff correct it: the case's municipality in INEGI's catalogue."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bot.core import municipalities
from bot.dashboard.deps import WritableCase, permission
from bot.dashboard.web import PREFIX
from bot.staff.trail import audit_as

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.post(
    "/cases/{case_id}/municipality",
    dependencies=[permission("cases:write", "case.municipality", target="case_id")],
)
def case_municipality(
    request: Request, change: WritableCase, municipality: str = Form("", max_length=8)
) -> Response:
    """Set (or clear, with an empty choice) the municipality; a later answer keeps it."""
    key = municipality.strip()
    case = change.case
    if key and (
        not municipalities.is_key(key)
        or (case.incident_state and municipalities.state_of(key) != case.incident_state)
    ):
        audit_as(request, "case.municipality", outcome="rejected")
        return change.back("error=municipality")
    case.incident_municipality = key or None
    case.municipality_by_staff = True
    audit_as(request, "case.municipality", municipality=key or None)
    return change.back("done=municipality")
