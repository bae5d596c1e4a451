"""Whom an outbox row goes to: its contact or its on-call destination, decrypted for sending,
or nobody when that chat is gone."""

from __future__ import annotations

from pathlib import Path

from bot.delivery import queue as outbox
from bot.store.contacts import Sender, get_or_create_contact
from bot.store.models import OutboxMessage
from bot.store.oncall import add_destination
from tests.support.alerting import add_org
from tests.support.factories import make_runtime


def test_a_row_goes_to_its_contact_or_its_destination(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    org_id = add_org(runtime, "norte", ["MX-SON"])
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        contact = get_or_create_contact(db, runtime.vault, Sender("sms", "+525500000001"), now)
        contact.stopped = True
        destination = add_destination(db, runtime.vault, org_id, "whatsapp", "+525500000002", now)
        db.flush()

        to_contact = outbox.recipient(db, runtime.vault, OutboxMessage(contact_id=contact.id))
        to_destination = outbox.recipient(
            db, runtime.vault, OutboxMessage(destination_id=destination.id)
        )
        to_gone = outbox.recipient(db, runtime.vault, OutboxMessage(destination_id="gone"))
        to_nobody = outbox.recipient(db, runtime.vault, OutboxMessage())

    assert to_contact is not None and to_destination is not None
    assert (to_contact.id, to_contact.channel, to_contact.address) == (
        contact.id,
        "sms",
        "+525500000001",
    )
    assert to_contact.refuses and not to_contact.oncall
    assert (to_destination.id, to_destination.channel, to_destination.address) == (
        destination.id,
        "whatsapp",
        "+525500000002",
    )
    assert to_destination.oncall and not to_destination.refuses
    assert to_contact.key != to_destination.key
    # A row whose on-call destination was removed goes to nobody, not to some contact.
    assert to_gone is None and to_nobody is None
