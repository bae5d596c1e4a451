"""The `camino` command: a scripted console complaint, and clear errors."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.support.complaint_script import VICTIM_IN_MEXICO
from tests.support.factories import camino_env
from tests.support.server import CAMINO


def run(
    args: list[str], cwd: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **camino_env(f"sqlite:///{cwd}/camino.db"), **env}
    return subprocess.run(
        [CAMINO, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )


def test_chat_completes_a_piped_complaint_and_prints_the_case_code(tmp_path: Path) -> None:
    answers = "\n".join(answer for _step, answer in VICTIM_IN_MEXICO) + "\n"
    result = run(["chat", "--lang", "es"], tmp_path, answers)
    assert result.returncode == 0, result.stderr
    assert re.search(r"Su código de caso es: [2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", result.stdout)
    assert re.search(r"PIN para su familiar: \d{6}", result.stdout)


def test_chat_generates_a_development_key_when_none_is_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CAMINO_DATA_KEY"}
    result = subprocess.run(
        [CAMINO, "chat", "--lang", "en"],
        cwd=tmp_path,
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**env, "CAMINO_DATABASE_URL": f"sqlite:///{tmp_path}/c.db"},
    )
    assert result.returncode == 0, result.stderr
    key = tmp_path / "camino.key"
    assert key.exists() and (key.stat().st_mode & 0o777) == 0o600


def test_production_refuses_to_start_without_a_key(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CAMINO_DATA_KEY"}
    result = subprocess.run(
        [CAMINO, "chat"],
        cwd=tmp_path,
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            **env,
            "CAMINO_ENV": "production",
            "CAMINO_PUBLIC_URL": "https://camino.example.org",
            "CAMINO_DATABASE_URL": f"sqlite:///{tmp_path}/c.db",
        },
    )
    assert result.returncode != 0
    assert "CAMINO_DATA_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_sentence(tmp_path: Path) -> None:
    result = run(
        ["db", "upgrade"],
        tmp_path,
        CAMINO_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none",
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "database" in result.stderr.lower()


def test_every_command_has_help(tmp_path: Path) -> None:
    for args in (["--help"], ["serve", "--help"], ["chat", "--help"], ["db", "upgrade", "--help"]):
        result = run(args, tmp_path)
        assert result.returncode == 0 and "Usage" in result.stdout, args
