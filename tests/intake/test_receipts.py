"""The receipt of a delivery: one statement, and a duplicate answered without waiting."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, text

from bot.conversation.messages import InboundEvent
from bot.intake.receipts import first_delivery, lock_key
from bot.store.contacts import Sender
from bot.store.models import InboundReceipt
from tests.support.databases import count_rows
from tests.support.factories import make_runtime

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_a_recorded_delivery_is_a_duplicate(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    with runtime.sessions() as db, db.begin():
        assert first_delivery(db, "sms", "SM1", NOW)
    with runtime.sessions() as db, db.begin():
        assert not first_delivery(db, "sms", "SM1", NOW)
        assert first_delivery(db, "telegram", "SM1", NOW)  # ids are per channel
    assert count_rows(runtime, InboundReceipt) == 2
    runtime.close()


@pytest.mark.postgres
def test_a_delivery_being_processed_is_a_duplicate_at_once(
    postgres_server: object, tmp_path: Path
) -> None:
    """The first delivery's transaction is still open: the second returns False without
    waiting on its row (a lock timeout would raise instead); when the first rolls back, the
    provider's retry is processed."""
    from tests.support import pg

    assert isinstance(postgres_server, pg.PostgresServer)
    url = postgres_server.create_database("camino_t_receipts")
    runtime = make_runtime(url, tmp_path)
    with runtime.sessions() as first:
        first.begin()
        assert first_delivery(first, "telegram", "991", NOW)
        with runtime.sessions() as second, second.begin():
            second.execute(text("SET LOCAL lock_timeout = '2s'"))
            assert not first_delivery(second, "telegram", "991", NOW)
        first.rollback()
    with runtime.sessions() as retry, retry.begin():
        assert first_delivery(retry, "telegram", "991", NOW)
    runtime.close()
    postgres_server.drop_database("camino_t_receipts")


def test_a_message_takes_few_statements(database_url: str, tmp_path: Path) -> None:
    """Receipt, contact with conversation and flags, and the state's update: counted, not
    timed (a message of a known person with no alerts, threads or follows)."""
    runtime = make_runtime(database_url, tmp_path)
    sender = Sender("sms", "+525511110000")
    runtime.conversations.handle(sender, InboundEvent(text="hola"), external_id="SM0")
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN")):
            statements.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", count)
    runtime.conversations.handle(sender, InboundEvent(text="1"), external_id="SM1")
    event.remove(runtime.engine, "before_cursor_execute", count)
    receipts = [s for s in statements if "inbound_receipts" in s]
    contacts = [
        s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM contacts" in s
    ]
    assert len(receipts) == 1
    assert len(contacts) == 1
    assert not any("follow_subscriptions" in s and "contacts" not in s for s in statements)
    runtime.close()


@given(st.text(max_size=30), st.text(max_size=130))
def test_lock_keys_fit_a_bigint(channel: str, external_id: str) -> None:
    key = lock_key(channel, external_id)
    assert -(2**63) <= key < 2**63
    assert key == lock_key(channel, external_id)
