"""Case events: tracks in order, encrypted notes, family-visible timelines, and the CLI."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bot import cases
from bot.follow.events import add_event
from bot.store.contacts import Sender
from bot.store.models import CaseEvent
from tests.support.chats import filed_case
from tests.support.factories import camino_env, make_runtime
from tests.support.server import CAMINO


def test_events_on_tracks(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    code, _pin = filed_case(runtime, Sender("console", "events"))
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        now = runtime.clock()
        add_event(
            db,
            runtime.vault,
            case,
            status="in_review",
            author="ana",
            note=None,
            family_visible=True,
            now=now,
        )
        add_event(
            db,
            runtime.vault,
            case,
            status="complaint_filed",
            author="ana",
            note="Carpeta CANARYFILE/2026",
            family_visible=False,
            now=now,
        )
        with pytest.raises(cases.EventError):
            add_event(
                db,
                runtime.vault,
                case,
                status="queja_filed",  # a queja goes to a human-rights commission
                author="ana",
                note=None,
                family_visible=False,
                now=now,
                body="state_prosecutor",
            )
        with pytest.raises(cases.EventError):
            add_event(
                db,
                runtime.vault,
                case,
                status="bogus",
                author="ana",
                note=None,
                family_visible=False,
                now=now,
            )
        assert case.status == "in_review"
        event = db.query(CaseEvent).filter_by(status="complaint_filed").one()
        assert event.note_enc is not None and b"CANARYFILE" not in event.note_enc
        full = cases.timeline(db, runtime.vault, case)
        assert [e.status for e in full] == ["in_review", "complaint_filed"]
        assert full[1].note == "Carpeta CANARYFILE/2026"
        visible = cases.timeline(db, runtime.vault, case, family_only=True)
        assert [e.status for e in visible] == ["in_review"]
    runtime.close()


def test_case_event_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/camino.db"
    runtime = make_runtime(url, tmp_path)
    code, _pin = filed_case(runtime, Sender("console", "events"))
    runtime.close()
    env = {**os.environ, **camino_env(url)}
    ok = subprocess.run(
        [
            str(CAMINO),
            "case",
            "event",
            code,
            "--status",
            "complaint_filed",
            "--note",
            "Presentada en Tapachula",
            "--family-visible",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    missing = subprocess.run(
        [str(CAMINO), "case", "event", "ZZZZ-ZZZZ-ZZZZ", "--status", "sentence"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 1 and "No case has that code" in missing.stderr
    runtime = make_runtime(url, tmp_path)
    with runtime.sessions() as db:
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        entries = cases.timeline(db, runtime.vault, case, family_only=True)
        assert [(e.status, e.note) for e in entries] == [
            ("complaint_filed", "Presentada en Tapachula")
        ]
    runtime.close()
