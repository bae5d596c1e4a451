"""What `camino serve` leaves unloaded until it is needed (each costs memory in every process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(code: str, modules: tuple[str, ...]) -> list[str]:
    found = f"[m for m in {modules!r} if m in sys.modules]"
    check = f"{code}\nimport json, sys\nprint(json.dumps({found}))"
    done = subprocess.run(
        [sys.executable, "-c", check], check=True, cwd=ROOT, capture_output=True, text=True
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_the_twilio_rest_client_loads_on_the_first_call_to_twilio() -> None:
    setup = (
        "import webhook\n"
        "from bot.app.background import build_senders\n"
        "from tests.support.factories import make_settings\n"
        "settings = make_settings('sqlite://', None, twilio_account_sid='AC' + '0' * 32,"
        " twilio_auth_token='token', twilio_sms_from='+15005550006',"
        " telegram_bot_token='123456:test')\n"
        "senders = build_senders(settings)\n"
        "assert set(senders) == {'sms', 'telegram'}, senders\n"
    )
    assert _loaded_after(setup, ("twilio.rest", "requests")) == []
    used = setup + "senders['sms'].rest.client\n"
    assert _loaded_after(used, ("twilio.rest", "requests")) == ["twilio.rest", "requests"]


def test_jinja2_loads_with_the_first_page() -> None:
    setup = "import webhook\nfrom bot.channels.web import pages\n"
    assert _loaded_after(setup, ("jinja2",)) == []
    drawn = setup + "pages._env.get_template('chat.html')\n"
    assert _loaded_after(drawn, ("jinja2",)) == ["jinja2"]


def test_the_web_app_runs_telegram_without_ptbs_application() -> None:
    """The webhook is routed by Camino's handlers: `telegram.ext` (the Application, handlers,
    filters, job queue) stays out of the serving process; `camino telegram poll` loads it."""
    served = (
        "import pathlib, tempfile\n"
        "import webhook\n"
        "from fastapi.testclient import TestClient\n"
        "from tests.support.factories import make_runtime\n"
        "tmp = pathlib.Path(tempfile.mkdtemp())\n"
        "runtime = make_runtime(f'sqlite:///{tmp}/c.db', tmp, TELEGRAM_BOT_TOKEN='123456:test',"
        " TELEGRAM_WEBHOOK_SECRET='secret', TELEGRAM_API_BASE_URL='http://127.0.0.1:9')\n"
        "with TestClient(webhook.create_app(runtime)) as client:\n"
        "    assert client.app.state.telegram is not None\n"
        "runtime.close()\n"
    )
    assert _loaded_after(served, ("telegram", "telegram.ext")) == ["telegram"]
    polling = "from bot.channels.telegram.app import polling_application\n"
    assert _loaded_after(polling, ("telegram.ext",)) == ["telegram.ext"]
