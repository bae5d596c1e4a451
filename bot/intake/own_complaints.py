"""A reporter's own complaint documents: which reports a chat may ask for, and the PDF.

Case codes are stored only as hashes, so a chat proves nothing by typing one: the document is
offered only for reports whose contact is this very chat (an anonymous report keeps no contact,
so it is never offered), and only on channels that send a document protected from forwarding
and saving (Telegram's `protect_content`). SMS, WhatsApp and the web chat get no offer.
"""

from __future__ import annotations

import logging

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from bot.cases import evidence_items, personal_data, timeline
from bot.conversation.messages import Media
from bot.conversation.protocol import Complaint, OwnCase, SendComplaint
from bot.core.channels import can_send_documents
from bot.intake.documents import render_complaint_pdf
from bot.store.models import Case, Contact
from bot.store.vault import Vault

log = logging.getLogger(__name__)

# Channels that can send a document the person cannot forward or save.
# The newest reports offered: a menu, not an archive.
OFFERED = 10
FILENAME = "denuncia.pdf"


def _own(contact: Contact) -> ColumnElement[bool]:
    """The conditions for a report this chat may get the document of."""
    return and_(
        Case.contact_id == contact.id,
        Case.status != "draft",
        Case.erased_at.is_(None),
        Case.anonymous.isnot(True),
    )


def can_send(contact: Contact, case: Case | None) -> bool:
    """Whether this chat may get this case's document now."""
    return (
        can_send_documents(contact.channel)
        and case is not None
        and case.contact_id == contact.id
        and case.status != "draft"
        and case.erased_at is None
        and not case.anonymous
        and bool(case.wrapped_key)
    )


def own_cases(db: Session, contact: Contact) -> tuple[OwnCase, ...]:
    """This chat's reports it may get the document of, newest first (none off Telegram)."""
    if not can_send_documents(contact.channel):
        return ()
    rows = db.execute(
        select(Case.id, Case.submitted_at, Case.created_at)
        .where(_own(contact))
        .order_by(Case.submitted_at.desc())
        .limit(OFFERED)
    ).all()
    return tuple(OwnCase(case_id, submitted or created) for case_id, submitted, created in rows)


def complaint(db: Session, vault: Vault, contact: Contact, effect: SendComplaint) -> Complaint:
    """The case's complaint PDF (Spanish), checked to be this chat's own report."""
    case = db.get(Case, effect.case_id)
    if case is None or not can_send(contact, case):
        return Complaint(None)
    pdf = render_complaint_pdf(
        case,
        personal_data(vault, case),
        timeline(db, vault, case, family_only=True),
        evidence=evidence_items(vault, case),
    )
    log.info("complaint document prepared", extra={"channel": contact.channel})
    return Complaint(Media("application/pdf", pdf, FILENAME))
