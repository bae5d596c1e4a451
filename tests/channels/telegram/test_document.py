"""The reporter asks for their complaint document in their Telegram chat (fake Bot API).

The PDF comes with sendDocument and protect_content, in Spanish whatever the chat's language,
with the case's fields; it is offered only for the chat's own reports (never an anonymous one)
and only on Telegram.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from bot import cases
from bot.conversation.protocol import SendComplaint
from bot.intake import own_complaints
from bot.store.contacts import Sender, find_contact
from bot.store.models import Case
from tests.support.chats import start, talk
from tests.support.complaint_script import (
    CANARY_NAME,
    CANARY_SENTENCE,
    RELATIVE_ABROAD_ANONYMOUS,
    VICTIM_IN_MEXICO,
)
from tests.support.factories import make_runtime
from tests.support.fakes.fake_telegram import Upload
from tests.support.telegram_helpers import CHAT, Bot, buttons, run_complaint

DOCUMENT = "menu:document"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def received(bot: Bot) -> tuple[dict[str, Any], Upload]:
    """The one sendDocument call and the file it carried."""
    calls = bot.fake.calls_to("sendDocument")
    assert len(calls) == 1
    upload = calls[0].params["document"]
    assert isinstance(upload, Upload)
    return calls[0].params, upload


def test_the_receipt_offers_the_pdf_and_it_arrives_protected_in_spanish(bot: Bot) -> None:
    fake = bot.fake
    run_complaint(fake, bot.deliver, VICTIM_IN_MEXICO, language="en")
    menu = fake.last_bot_message(CHAT)
    assert DOCUMENT in [data for _, data in buttons(menu)]
    bot.deliver(fake.press(CHAT, menu["message_id"], DOCUMENT, "en"))

    params, upload = received(bot)
    assert params["protect_content"] is True and int(params["chat_id"]) == CHAT
    assert upload.filename == "denuncia.pdf" and upload.content_type == "application/pdf"
    text = pdf_text(upload.data)
    assert "DENUNCIA DE HECHOS" in text
    # The place was a shared location (run_complaint shares one on Telegram).
    for field in (CANARY_NAME, CANARY_SENTENCE, "16.75", "Oaxaca", "Chiapas", "Honduras"):
        assert field in text, field
    assert "Relato en inglés" in text  # the person's words kept, with their language noted
    # On screen: the document (protected, with its caption), then the menu again.
    shown = [m for m in fake.bot_messages(CHAT) if "document" in m]
    assert len(shown) == 1 and shown[0]["has_protected_content"] is True
    assert shown[0]["caption"]
    last = fake.last_bot_message(CHAT)
    assert DOCUMENT in [data for _, data in buttons(last)]

    # /erase takes the document off the chat too.
    bot.deliver(fake.text(CHAT, "/erase", "en"))
    confirm = fake.last_bot_message(CHAT)
    bot.deliver(fake.press(CHAT, confirm["message_id"], "erase:yes", "en"))
    deleted = {i for c in fake.calls_to("deleteMessages") for i in c.params["message_ids"]}
    assert shown[0]["message_id"] in deleted


def test_an_anonymous_report_never_offers_the_pdf(bot: Bot) -> None:
    fake = bot.fake
    run_complaint(fake, bot.deliver, RELATIVE_ABROAD_ANONYMOUS, share_location=False)
    menu = fake.last_bot_message(CHAT)
    assert "código de caso" in "".join(m.get("text", "") for m in fake.bot_messages(CHAT))
    assert DOCUMENT not in [data for _, data in buttons(menu)]
    bot.deliver(fake.press(CHAT, menu["message_id"], DOCUMENT))  # a forged press
    bot.deliver(fake.text(CHAT, "Recibir mi denuncia en PDF"))
    assert not fake.calls_to("sendDocument")


def test_with_two_reports_the_chat_picks_one(bot: Bot) -> None:
    fake, runtime = bot.fake, bot.runtime
    run_complaint(fake, bot.deliver, VICTIM_IN_MEXICO)
    with runtime.sessions() as db, db.begin():
        contact = find_contact(db, runtime.vault, Sender("telegram", str(CHAT)))
        assert contact is not None
        draft = cases.ensure_draft(
            db, runtime.vault, case_id=None, channel="telegram", language="es", now=runtime.clock()
        )
        cases.submit(
            db,
            runtime.vault,
            draft,
            {"description": "Segundo reporte: nos robaron en Palenque", "crime_types": ["robbery"]},
            language="es",
            urgent=False,
            contact_id=contact.id,
            now=runtime.clock(),
        )
    bot.deliver(fake.text(CHAT, "menú"))
    menu = fake.last_bot_message(CHAT)
    bot.deliver(fake.press(CHAT, menu["message_id"], DOCUMENT))
    which = fake.last_bot_message(CHAT)
    options = buttons(which)
    assert [data.split(":")[0] for _, data in options] == ["document"] * 3
    assert all("Reporte del" in label for label, _ in options[:2])
    assert not fake.calls_to("sendDocument")
    bot.deliver(fake.press(CHAT, which["message_id"], options[0][1]))  # the newest
    _, upload = received(bot)
    assert "Segundo reporte: nos robaron en Palenque" in pdf_text(upload.data)


def test_no_offer_on_sms_and_no_document_for_someone_elses_case(
    tmp_path: Path, camino_data_key: str
) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path)
    reporter = Sender("sms", "+5215512345678")
    start(runtime, reporter)
    replies = talk(runtime, reporter, VICTIM_IN_MEXICO)
    receipt = next(m.text for m in replies[-1].messages if m.kind == "receipt")
    assert "responda MÁS" in receipt  # what comes next, on asking; then the menu is a word away
    assert "«menú»" in talk(runtime, reporter, [("menu", "más")])[-1].messages[-1].text
    replies = talk(runtime, reporter, [("menu", "menú")])
    labels = [o.label for m in replies[-1].messages for o in m.options]
    assert labels and "Recibir mi denuncia en PDF" not in labels
    other = Sender("telegram", "999")
    start(runtime, other)
    with runtime.sessions() as db, db.begin():
        sms = find_contact(db, runtime.vault, reporter)
        telegram = find_contact(db, runtime.vault, other)
        case = db.query(Case).filter(Case.status != "draft").one()
        assert sms is not None and telegram is not None
        assert own_complaints.own_cases(db, sms) == ()
        assert own_complaints.own_cases(db, telegram) == ()
        # Even on Telegram, a case that is not this chat's gives nothing.
        refused = own_complaints.complaint(db, runtime.vault, telegram, SendComplaint(case.id))
        assert refused.document is None
        case.contact_id = telegram.id
        db.flush()
        assert [c.case_id for c in own_complaints.own_cases(db, telegram)] == [case.id]
        mine = own_complaints.complaint(db, runtime.vault, telegram, SendComplaint(case.id))
        assert mine.document is not None and mine.document.data.startswith(b"%PDF")
    runtime.close()
