"""What staff take out of a case: evidence (a clean preview, or the original) and the complaint.

Originals and the complaint carry personal data: each download is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot import cases
from bot.dashboard import casework
from bot.dashboard.deps import CurrentStaff, RuntimeDep, SessionDep, VisibleCase, permission
from bot.dashboard.web import PREFIX, Denied
from bot.intake.documents import render_complaint_pdf
from bot.staff.trail import audit_as
from bot.store.models import Case, Evidence

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _evidence(db: Session, case: Case, evidence_id: str, *, photo: bool = False) -> Evidence:
    found = casework.find_evidence(db, case, evidence_id)
    if found is None or (photo and found.kind != "photo"):
        raise Denied(404)
    return found


@router.get(
    "/cases/{case_id}/evidence/{evidence_id}/preview",
    dependencies=[permission("cases:read", "evidence.preview", target="evidence_id")],
)
def evidence_preview(
    runtime: RuntimeDep, db: SessionDep, case: VisibleCase, evidence_id: str
) -> Response:
    """An image re-encoded without EXIF or GPS."""
    found = _evidence(db, case, evidence_id, photo=True)
    preview = casework.image_preview(casework.evidence_bytes(runtime.vault, case, found))
    if preview is None:
        raise Denied(404)
    return Response(preview, media_type="image/jpeg")


@router.get(
    "/cases/{case_id}/evidence/{evidence_id}/original",
    dependencies=[permission("evidence:original", "evidence.original", target="evidence_id")],
)
def evidence_original(
    request: Request, runtime: RuntimeDep, db: SessionDep, case: VisibleCase, evidence_id: str
) -> Response:
    """The original file, as received (caseworkers only; audited)."""
    found = _evidence(db, case, evidence_id)
    data = casework.evidence_bytes(runtime.vault, case, found)
    audit_as(request, "evidence.original", evidence=found.id)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"content-disposition": f'attachment; filename="evidence-{found.id}"'},
    )


@router.get(
    "/cases/{case_id}/complaint.pdf",
    dependencies=[permission("cases:read", "case.document", target="case_id")],
)
def complaint_document(
    request: Request, runtime: RuntimeDep, db: SessionDep, actor: CurrentStaff, case: VisibleCase
) -> Response:
    """The written complaint in Spanish, ready to file with a prosecutor (audited)."""
    personal = cases.personal_data(runtime.vault, case)
    events = cases.timeline(db, runtime.vault, case)
    evidence = cases.evidence_items(runtime.vault, case)
    audit_as(request, "case.document", personal_data=True)
    pdf = render_complaint_pdf(
        case,
        personal,
        events,
        evidence=evidence,
        place=actor.org.city or None,
        today=runtime.clock().date(),
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="denuncia-{case.id[:8]}.pdf"'},
    )
