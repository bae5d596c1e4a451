"""Messages that arrive at the same moment: none lost, none processed twice, on both databases."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from bot.app.runtime import Runtime
from bot.conversation.messages import InboundEvent
from bot.intake.service import Reply
from bot.store.contacts import Sender
from bot.store.models import Contact, InboundReceipt, KeyringEntry
from tests.support.factories import make_runtime


def at_once(
    runtime: Runtime, calls: list[tuple[Sender, InboundEvent, str | None]]
) -> list[Reply | None]:
    barrier = threading.Barrier(len(calls))
    results: list[Reply | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        sender, event, external_id = calls[i]
        barrier.wait()
        try:
            results[i] = runtime.conversations.handle(sender, event, external_id=external_id)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_the_index_key_is_committed_before_any_message(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    with runtime.sessions() as db:
        assert db.scalar(select(func.count()).select_from(KeyringEntry)) == 1
    runtime.close()
    again = make_runtime(database_url, tmp_path)  # a second process reads the same key
    with again.sessions() as db:
        assert again.vault.index_key(db) == runtime.vault.index_key(db)
    again.close()


def test_two_first_messages_from_one_person_at_once(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    sender = Sender("sms", "+525511112222")
    results = at_once(
        runtime,
        [(sender, InboundEvent(text="hola"), "SMa"), (sender, InboundEvent(text="hola"), "SMb")],
    )
    assert all(result is not None and result.messages for result in results)
    with runtime.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Contact)) == 1
        assert db.scalar(select(func.count()).select_from(InboundReceipt)) == 2
    runtime.close()


def test_the_same_delivery_twice_at_once_is_processed_once(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path)
    sender = Sender("telegram", "4242")
    runtime.conversations.handle(sender, InboundEvent(language_hint="es"))
    results = at_once(
        runtime, [(sender, InboundEvent(text="1"), "77"), (sender, InboundEvent(text="1"), "77")]
    )
    assert sorted(result is None for result in results) == [False, True]
    runtime.close()
