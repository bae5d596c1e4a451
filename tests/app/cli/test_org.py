"""`camino org`: alert destinations, the fallback organization, response time and contact line;
mistakes are one sentence and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.support.factories import camino_env
from tests.support.server import CAMINO


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAMINO, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **camino_env(f"sqlite:///{cwd}/camino.db", cwd)},
        timeout=120,
        check=False,
    )


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    return result.stderr.strip()


def test_org_commands(tmp_path: Path) -> None:
    assert run(tmp_path, "demo").returncode == 0
    result = run(tmp_path, "org", "alerts", "kino-border-initiative")
    assert "alerts are off" in result.stdout
    result = run(
        tmp_path,
        "org",
        "alerts",
        "kino-border-initiative",
        "--sms",
        "+52 1 631 123 4567",
        "--whatsapp",
        "+5216319876543",
        "--telegram",
        "-1001234567890",
    )
    assert result.returncode == 0, result.stderr
    assert "3 destination(s)" in result.stdout
    listed = run(tmp_path, "org", "alerts", "kino-border-initiative").stdout.split("\n")
    assert sorted(listed[:3]) == ["sms ···67", "telegram ···90", "whatsapp ···43"]
    raw = (tmp_path / "camino.db").read_bytes()
    assert b"6311234567" not in raw and b"1001234567890" not in raw  # stored encrypted
    assert (
        "alerts are off" in run(tmp_path, "org", "alerts", "kino-border-initiative", "--off").stdout
    )

    result = run(tmp_path, "org", "fallback", "fjedd")
    assert result.returncode == 0 and "fjedd is now the fallback" in result.stdout
    engine = create_engine(f"sqlite:///{tmp_path}/camino.db")
    with engine.connect() as connection:
        fallbacks = connection.execute(
            text("SELECT slug FROM organizations WHERE is_fallback")
        ).scalars()
        assert list(fallbacks) == ["fjedd"]  # the demo's (la-72) gave way

    result = run(
        tmp_path,
        "org",
        "set",
        "la-72",
        "--response-hours",
        "12",
        "--contact-line",
        "+529341234567",
        "--alert-every-report",
    )
    assert result.returncode == 0, result.stderr
    assert "12 hours" in result.stdout and "every report" in result.stdout
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT response_hours, contact_line, alert_every_report FROM organizations"
                " WHERE slug = 'la-72'"
            )
        ).one()
        assert tuple(row) == (12, "+529341234567", 1)
    engine.dispose()

    assert "E.164" in one_sentence(run(tmp_path, "org", "alerts", "la-72", "--sms", "5512345678"))
    assert "chat id" in one_sentence(run(tmp_path, "org", "alerts", "la-72", "--telegram", "grupo"))
    assert "not both" in one_sentence(
        run(tmp_path, "org", "alerts", "la-72", "--off", "--sms", "+5215512345678")
    )
    assert "No organization" in one_sentence(run(tmp_path, "org", "fallback", "nadie"))
    assert "hours" in one_sentence(run(tmp_path, "org", "set", "la-72", "--response-hours", "0"))
    assert "Nothing to set" in one_sentence(run(tmp_path, "org", "set", "la-72"))
