"""What staff take out of a case: evidence (a clean preview, or the original) and the complaint.

Originals and the complaint carry personal data: each download is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot import cases
from bot.dashboard import casework
from bot.dashboard.deps import CaseAccess, VisibleCase, permission
from bot.dashboard.web import PREFIX, Denied
from bot.intake.documents import queja_addressee, render_complaint_pdf
from bot.staff.trail import audit_as
from bot.store.models import Evidence

router = APIRouter(prefix=PREFIX, include_in_schema=False)
EVIDENCE = "/cases/{case_id}/evidence/{evidence_id}"


def _evidence(access: CaseAccess, evidence_id: str, *, photo: bool = False) -> Evidence:
    found = casework.find_evidence(access.db, access.case, evidence_id)
    if found is None or (photo and found.kind != "photo"):
        raise Denied(404)
    return found


@router.get(
    EVIDENCE + "/preview",
    dependencies=[permission("cases:read", "evidence.preview", target="evidence_id")],
)
def evidence_preview(access: VisibleCase, evidence_id: str) -> Response:
    """An image re-encoded without EXIF or GPS."""
    found = _evidence(access, evidence_id, photo=True)
    data = casework.evidence_bytes(access.runtime.vault, access.case, found)
    preview = casework.image_preview(data)
    if preview is None:
        raise Denied(404)
    return Response(preview, media_type="image/jpeg")


@router.get(
    EVIDENCE + "/original",
    dependencies=[permission("evidence:original", "evidence.original", target="evidence_id")],
)
def evidence_original(request: Request, access: VisibleCase, evidence_id: str) -> Response:
    """The original file, as received (caseworkers only; audited)."""
    found = _evidence(access, evidence_id)
    data = casework.evidence_bytes(access.runtime.vault, access.case, found)
    audit_as(request, "evidence.original", evidence=found.id)
    return _attachment(data, "application/octet-stream", f"evidence-{found.id}")


@router.get(
    "/cases/{case_id}/complaint.pdf",
    dependencies=[permission("cases:read", "case.document", target="case_id")],
)
def complaint_document(request: Request, access: VisibleCase) -> Response:
    """The written complaint in Spanish, ready to file with a prosecutor (audited)."""
    return _complaint(request, access, "denuncia")


@router.get(
    "/cases/{case_id}/queja.pdf",
    dependencies=[permission("cases:read", "case.document", target="case_id")],
)
def queja_document(request: Request, access: VisibleCase, to: str = "cndh") -> Response:
    """A queja about the authorities' conduct, to the CNDH or the state's commission."""
    if to not in ("cndh", "state_commission"):
        raise Denied(404)
    queja = queja_addressee(to, access.case.incident_state)
    return _complaint(request, access, "queja", queja=queja, document=f"queja:{to}")


def _complaint(
    request: Request, access: CaseAccess, name: str, *, queja: str | None = None, **audit: str
) -> Response:
    """The case's complaint (or queja) as a PDF download; it carries personal data."""
    runtime, case = access.runtime, access.case
    personal = cases.personal_data(runtime.vault, case)
    audit_as(request, "case.document", personal_data=True, **audit)
    pdf = render_complaint_pdf(
        case,
        personal,
        cases.timeline(access.db, runtime.vault, case),
        evidence=cases.evidence_items(runtime.vault, case),
        place=access.actor.org.city or None,
        today=runtime.clock().date(),
        queja=queja,
    )
    return _attachment(pdf, "application/pdf", f"{name}-{case.id[:8]}.pdf")


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
