"""The wheel holds everything Camino needs: built, installed in a fresh venv, served from an
empty directory, with the web chat in every language.

Slow (about a minute), so it runs in CI (`CAMINO_REQUIRE_ALL=1`) or with CAMINO_TEST_PACKAGE=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from tests.support.backends import require_all_enabled
from tests.support.server import free_port

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "flows", "locales", "webhook.py", "pyproject.toml", "README.md")
TITLES = {
    "es": "Camino: reporte seguro",
    "en": "Camino: safe reporting",
    "fr": "Camino : signalement sûr",
    "ht": "Camino: rapò an sekirite",
}

pytestmark = [
    pytest.mark.package,
    pytest.mark.skipif(
        not (require_all_enabled() or os.environ.get("CAMINO_TEST_PACKAGE") == "1"),
        reason="builds a wheel (about a minute): runs in CI or with CAMINO_TEST_PACKAGE=1",
    ),
]


def run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, timeout=240, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result  # type: ignore[no-any-return]


def test_the_wheel_serves_the_web_chat_in_every_language(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origin, source / name)
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)])
    (wheel,) = dist.glob("camino-*.whl")

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ]
    )
    # The dependencies come from this environment, as a plain path: its own .pth files (the
    # editable install of the repository) are not processed, so `bot` is the wheel's.
    purelib = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    ).stdout.strip()
    Path(purelib, "camino-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAMINO_", "PYTHON"))}
    env = {k: v for k, v in env.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    where = run(
        [
            str(python),
            "-c",
            "import bot, bot.core.i18n as i; print(bot.__file__); print(i.LOCALES)",
        ],
        env=env,
        cwd=tmp_path,
    ).stdout.split()
    assert all(line.startswith(str(venv)) for line in where), where

    empty = tmp_path / "empty"
    empty.mkdir()
    checked = run([str(venv / "bin" / "camino"), "directory", "check"], env=env, cwd=empty)
    assert "The directory is valid" in checked.stdout  # the demo directory is in the wheel
    port = free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "camino"), "serve", "--port", str(port)],
        cwd=empty,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "camino serve did not start"
            time.sleep(0.3)
        for language, title in TITLES.items():
            page = httpx.get(f"{base}/chat", headers={"Accept-Language": language}, timeout=10)
            assert page.status_code == 200
            assert f'<html lang="{language}">' in page.text and title in page.text
        assert httpx.get(f"{base}/assets/htmx.min.js", timeout=10).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (empty / "camino.db").exists() and (empty / "camino.key").exists()
