"""`camino whatsapp templates sync` on the fake Content API, and the outbox sending them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from bot.app import whatsapp
from bot.app.cli import main
from bot.core.config import SUPPORTED_LANGUAGES, get_settings
from bot.delivery import queue as outbox
from bot.delivery import templates
from bot.store.contacts import Sender, get_or_create_contact
from bot.store.models import WhatsappTemplate
from tests.support.factories import TEST_DATA_KEY, make_runtime
from tests.support.fakes.fake_twilio import FakeTwilio

SID = "AC" + "7e" * 16
AUTH = "templates-auth-token"
NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)

# One template a kind for each WhatsApp language (Haitian Creole speakers get French).
MADE = len(templates.TEMPLATE_KINDS) * len(
    {templates.whatsapp_language(lang) for lang in SUPPORTED_LANGUAGES}
)


def sync(url: str, twilio: FakeTwilio, **env: str) -> Result:
    values = {
        "CAMINO_DATABASE_URL": url,
        "CAMINO_DATA_KEY": TEST_DATA_KEY,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": AUTH,
        "TWILIO_WHATSAPP_FROM": "whatsapp:+525500000002",
        "TWILIO_API_BASE_URL": twilio.base_url,
        "CAMINO_WHATSAPP_TEMPLATES": "{}",
        **env,
    }
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            main, ["whatsapp", "templates", "sync"], env=values, catch_exceptions=False
        )
    finally:
        get_settings.cache_clear()


def stored(url: str, tmp: Path) -> dict[str, WhatsappTemplate]:
    runtime = make_runtime(url, tmp)
    with runtime.sessions() as db:
        rows = {f"{r.kind}:{r.language}": r for r in db.scalars(select(WhatsappTemplate))}
    runtime.close()
    return rows


def test_sync_creates_submits_and_stores_every_template(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/camino.db"
    with FakeTwilio(SID, AUTH) as twilio:
        result = sync(url, twilio)
        assert result.exit_code == 0, result.output
        # es, en, fr made; Haitian Creole shares the French one (WhatsApp has no "ht").
        assert len(twilio.contents) == MADE and len(twilio.approvals) == MADE
        created = [r for r in twilio.requests if r.method == "POST" and r.path == "/v1/Content"]
        assert all(r.authorized for r in twilio.requests)
        notice_es = next(
            r.json for r in created if r.json["friendly_name"].startswith("camino_notice_es_")
        )
        assert notice_es["language"] == "es"
        assert notice_es["variables"] == {"1": "K7P4"}
        body = notice_es["types"]["twilio/text"]["body"]
        assert body.startswith("Camino, caso {{1}}: hay una novedad. Responda VER")
        alert_es = next(
            r.json for r in created if r.json["friendly_name"].startswith("camino_alert_es_")
        )
        assert alert_es["types"]["twilio/text"]["body"] == (
            "Camino: nuevo reporte urgente. Ábralo en el panel: {{1}}"
        )
        assert alert_es["variables"]["1"].startswith("https://")  # the case page's link
        submitted = [r.json for r in twilio.requests if r.path.endswith("/whatsapp")]
        assert {s["category"] for s in submitted} == {"UTILITY"}
        assert {s["name"] for s in submitted} == {
            c["friendly_name"] for c in twilio.contents.values()
        }
        rows = stored(url, tmp_path)
        assert sorted(rows) == sorted(templates.template_keys())
        assert rows["talkback:ht"].content_sid == rows["talkback:fr"].content_sid
        assert {r.status for r in rows.values()} == {"received"}
        assert (
            "notice:es" in result.output
            and f"0 of {len(templates.template_keys())} templates approved by WhatsApp."
            in (result.output)
        )

        twilio.approve_all()
        twilio.decide(rows["reminder:en"].content_sid, "rejected", "INVALID_FORMAT")
        before = len(twilio.requests)
        result = sync(url, twilio)
        assert result.exit_code == 0, result.output
        assert len(twilio.contents) == MADE  # nothing made again
        assert not [r for r in twilio.requests[before:] if r.method == "POST"]
        needed = len(templates.template_keys())
        assert f"{needed - 1} of {needed} templates approved by WhatsApp." in result.output
        assert "reminder:en" in result.output and "rejected (INVALID_FORMAT)" in result.output
        rows = stored(url, tmp_path)
        assert rows["notice:fr"].status == "approved"
        assert rows["reminder:en"].rejection_reason == "INVALID_FORMAT"


def test_a_lost_database_finds_its_templates_by_name(tmp_path: Path) -> None:
    with FakeTwilio(SID, AUTH) as twilio:
        assert sync(f"sqlite:///{tmp_path}/one.db", twilio).exit_code == 0
        result = sync(f"sqlite:///{tmp_path}/two.db", twilio)
        assert result.exit_code == 0, result.output
        assert len(twilio.contents) == MADE
        assert "found" in result.output and "created" not in result.output


def test_a_changed_text_keeps_the_approved_one_until_the_new_one_is_approved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/camino.db"
    with FakeTwilio(SID, AUTH) as twilio:
        assert sync(url, twilio).exit_code == 0
        twilio.approve_all()
        assert sync(url, twilio).exit_code == 0
        old = stored(url, tmp_path)["notice:es"].content_sid

        original = templates.template_body

        def reworded(kind: str, language: str) -> str:
            text = original(kind, language)
            return text + " Gracias." if (kind, language) == ("notice", "es") else text

        monkeypatch.setattr(templates, "template_body", reworded)
        assert whatsapp.template_name("notice", "es") != whatsapp.template_name("notice", "en")
        assert sync(url, twilio).exit_code == 0
        row = stored(url, tmp_path)["notice:es"]
        assert row.content_sid != old and row.status == "received" and row.fallback_sid == old
        runtime = make_runtime(url, tmp_path)
        with runtime.sessions() as db:
            assert templates.templates_in_use(db, {})["notice:es"] == old
        runtime.close()

        twilio.decide(row.content_sid, "approved")
        assert sync(url, twilio).exit_code == 0
        row = stored(url, tmp_path)["notice:es"]
        assert row.status == "approved" and row.fallback_sid is None


def test_the_outbox_sends_the_stored_approved_template(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/camino.db"
    with FakeTwilio(SID, AUTH) as twilio:
        assert sync(url, twilio).exit_code == 0
        runtime = make_runtime(url, tmp_path)
        with runtime.sessions() as db, db.begin():
            contact = get_or_create_contact(
                db, runtime.vault, Sender("whatsapp", "+50499990022"), NOW - timedelta(days=3)
            )
            contact.last_inbound_at = NOW - timedelta(days=2)  # outside the 24-hour window
            contact.language = "fr"
            queued = outbox.enqueue(
                db,
                runtime.vault,
                contact,
                kind="digest",
                text="Camino, dossier K7P4 : ...",
                language="fr",
                now=NOW,
                variables={"1": "K7P4"},
            )
            assert queued is not None
            row_id = queued.id
        # Submitted but not yet approved: nothing may go out as a template.
        prepared = outbox.prepare(runtime.sessions, runtime.vault, runtime.settings, row_id, NOW)
        assert prepared.fail_code == "no_template"

        twilio.approve_all()
        runtime.close()
        assert sync(url, twilio).exit_code == 0
        runtime = make_runtime(url, tmp_path)
        digest_fr = stored(url, tmp_path)["digest:fr"].content_sid
        prepared = outbox.prepare(runtime.sessions, runtime.vault, runtime.settings, row_id, NOW)
        assert prepared.outgoing is not None
        assert prepared.outgoing.content_sid == digest_fr
        assert prepared.outgoing.variables == {"1": "K7P4"}
        runtime.close()
        # CAMINO_WHATSAPP_TEMPLATES overrides the stored one.
        runtime = make_runtime(url, tmp_path, CAMINO_WHATSAPP_TEMPLATES={"digest:fr": "HXmine"})
        prepared = outbox.prepare(runtime.sessions, runtime.vault, runtime.settings, row_id, NOW)
        assert prepared.outgoing is not None and prepared.outgoing.content_sid == "HXmine"
        runtime.close()


def test_sync_needs_whatsapp_and_says_so(tmp_path: Path) -> None:
    with FakeTwilio(SID, AUTH) as twilio:
        result = sync(f"sqlite:///{tmp_path}/c.db", twilio, TWILIO_WHATSAPP_FROM="")
        assert result.exit_code == 1
        assert "TWILIO_WHATSAPP_FROM is not set: WhatsApp is off." in result.output
        result = sync(f"sqlite:///{tmp_path}/c.db", twilio, TWILIO_AUTH_TOKEN="wrong")
        assert result.exit_code == 1
        assert "Error: Twilio answered 401" in result.output
        assert "wrong" not in result.output
