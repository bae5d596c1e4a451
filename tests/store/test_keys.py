"""Master key rotation: every data key re-wrapped, resumable, readable with either key meanwhile."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot import cases
from bot.app.cli import main
from bot.app.runtime import Runtime, build_runtime
from bot.conversation.messages import InboundEvent
from bot.core.config import get_settings
from bot.privacy import audit
from bot.store import crypto, db, keys
from bot.store.contacts import Sender, contact_address, find_contact
from bot.store.models import Case, Contact, KeyringEntry
from tests.support.complaint_script import CANARY_SENTENCE, VICTIM_IN_MEXICO
from tests.support.factories import TEST_DATA_KEY, make_runtime, make_settings

NEW_KEY = base64.b64encode(bytes(range(100, 132))).decode()
OLD = crypto.decode_master_key(TEST_DATA_KEY)
NEW = crypto.decode_master_key(NEW_KEY)


def file_cases(runtime: Runtime, count: int, start: int = 0) -> list[str]:
    codes = []
    for n in range(start, start + count):
        sender = Sender("sms", f"+52551000{n:04d}")
        runtime.conversations.handle(sender, InboundEvent(language_hint="es"))
        for _step, answer in VICTIM_IN_MEXICO:
            reply = runtime.conversations.handle(sender, InboundEvent(text=answer))
        assert reply is not None
        text = reply.messages[0].text
        codes.append(
            next(
                line.split(":")[-1].strip()
                for line in text.splitlines()
                if line.count("-") == 2 and ":" in line
            )
        )
    return codes


def check_readable(runtime: Runtime, codes: list[str]) -> None:
    with runtime.sessions() as session:
        for code in codes:
            case = cases.find_by_code(session, runtime.vault, code)  # needs the index key
            assert case is not None
            assert cases.personal_data(runtime.vault, case)["description"] == CANARY_SENTENCE
        for n in range(len(codes)):
            contact = find_contact(session, runtime.vault, Sender("sms", f"+52551000{n:04d}"))
            assert contact is not None
            assert contact_address(runtime.vault, contact) == f"+52551000{n:04d}"


def test_rotation_rewraps_everything_and_resumes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/c.db"
    runtime = make_runtime(url, tmp_path)
    codes = file_cases(runtime, 3)
    runtime.close()

    # During the rotation the app runs with both keys and wraps new keys with the new one.
    during = make_runtime(url, tmp_path, CAMINO_NEW_DATA_KEY=NEW_KEY)
    check_readable(during, codes)
    codes += file_cases(during, 1, start=3)  # a case filed meanwhile: wrapped by NEW

    class Stop(Exception):
        pass

    seen: list[int] = []

    def interrupt(n: int) -> None:
        seen.append(n)
        raise Stop

    keys_before = keys.pending_count(during.sessions, NEW)
    with pytest.raises(Stop):
        keys.rotate(during.sessions, OLD, NEW, progress=interrupt)  # stops after one batch
    assert keys.pending_count(during.sessions, NEW) < keys_before
    report = keys.rotate(during.sessions, OLD, NEW)
    assert report.key_id == crypto.master_key_id(NEW)
    assert keys.pending_count(during.sessions, NEW) == 0
    with during.sessions() as session:
        for model in (Case, Contact, KeyringEntry):
            assert set(session.scalars(select(model.key_id))) == {report.key_id}
    check_readable(during, codes)
    during.close()

    # Afterwards the new key alone opens everything; the old one opens nothing.
    after = make_runtime(url, tmp_path, CAMINO_DATA_KEY=NEW_KEY)
    check_readable(after, codes)
    after.close()
    with pytest.raises(crypto.KeyConfigurationError, match="does not open"):
        make_runtime(url, tmp_path)  # the old key opens nothing, and says so at start-up
    assert (
        keys.rotate(
            make_runtime(url, tmp_path, CAMINO_DATA_KEY=NEW_KEY).sessions, OLD, NEW
        ).rewrapped
        == 0
    )


def test_rotation_refuses_the_same_key_and_a_bad_key(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path)
    with pytest.raises(crypto.KeyConfigurationError, match="same"):
        keys.rotate(runtime.sessions, OLD, OLD)
    with pytest.raises(crypto.KeyConfigurationError, match="CAMINO_NEW_DATA_KEY"):
        keys.decode_new_key("not base64!")
    runtime.close()


def test_cli_keys_rotate_and_purge_with_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/c.db"
    runtime = make_runtime(url, tmp_path)
    codes = file_cases(runtime, 2)
    for n in range(3):  # the audit log is sealed under a key derived from the master key
        audit.record(
            runtime.sessions,
            runtime.vault,
            audit.Record(actor=f"staff:{n}", action="case.view", outcome="ok"),
            now=runtime.clock(),
        )
    runtime.close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAMINO_DATABASE_URL", url)
    monkeypatch.setenv("CAMINO_DATA_KEY", TEST_DATA_KEY)
    monkeypatch.delenv("CAMINO_NEW_DATA_KEY", raising=False)
    get_settings.cache_clear()
    cli = CliRunner()
    result = cli.invoke(main, ["keys", "rotate"])
    assert result.exit_code != 0 and "CAMINO_NEW_DATA_KEY" in result.output
    key_file = tmp_path / "new.key"
    key_file.write_text(NEW_KEY + "\n")
    result = cli.invoke(main, ["keys", "rotate", "--new-key-file", str(key_file)])
    assert result.exit_code == 0, result.output
    assert "Re-wrapped" in result.output and crypto.master_key_id(NEW) in result.output
    assert "resealed 3 audit entries" in result.output
    monkeypatch.setenv("CAMINO_DATA_KEY", NEW_KEY)
    get_settings.cache_clear()
    assert cli.invoke(main, ["audit", "verify"]).exit_code == 0  # sealed under the new key
    result = cli.invoke(main, ["purge", "--dry-run"])
    assert result.exit_code == 0 and "Would erase 0" in result.output, result.output
    result = cli.invoke(main, ["purge"])
    assert result.exit_code == 0 and "Erased 0" in result.output
    result = cli.invoke(main, ["keys", "new"])
    assert len(base64.b64decode(result.output.strip())) == 32
    get_settings.cache_clear()
    after = build_runtime(make_settings(url, tmp_path, CAMINO_DATA_KEY=NEW_KEY))
    check_readable(after, codes)
    after.close()
    db.upgrade(url)
