"""`GET /metrics`: counters move under traffic, labels stay bounded, access is controlled."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from bot.app.runtime import Runtime
from bot.conversation.messages import InboundEvent
from bot.core import metrics
from bot.delivery import queue as outbox
from bot.store.contacts import Sender, get_or_create_contact
from tests.support.complaint_script import CANARY_NAME, CANARY_SENTENCE
from tests.support.factories import make_runtime
from webhook import create_app

PHONE = "+525512348765"
ALLOWED = (
    metrics.CHANNELS
    | metrics.RESULTS
    | metrics.SEND_STATUSES
    | metrics.AREAS
    | metrics.ACK_WAYS
    | metrics.ALERT_KINDS
    | metrics.STAFF_PARTS
    | metrics.OUTCOMES
    | metrics.REFUSALS
    | {"other"}
)


PRODUCTION = {"CAMINO_ENV": "production", "CAMINO_PUBLIC_URL": "https://camino.example.org"}


def runtime_for(tmp_path: Path, **settings: object) -> Runtime:
    return make_runtime(
        f"sqlite:///{tmp_path}/camino.db",
        tmp_path,
        CAMINO_OUTBOX_ENABLED="false",
        CAMINO_SCHEDULER_ENABLED="false",
        **settings,
    )


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


def test_counters_move_under_traffic_and_labels_carry_nothing_personal(tmp_path: Path) -> None:
    runtime = runtime_for(tmp_path)
    with TestClient(create_app(runtime)) as client:
        before = client.get("/metrics").text
        sender = Sender("sms", PHONE)
        runtime.conversations.handle(sender, InboundEvent(language_hint="es"))
        runtime.conversations.handle(sender, InboundEvent(text=f"{CANARY_NAME} {CANARY_SENTENCE}"))
        runtime.conversations.handle(sender, InboundEvent(text="hola"), external_id="SM1")
        runtime.conversations.handle(sender, InboundEvent(text="hola"), external_id="SM1")
        now = datetime.now(UTC)
        with runtime.sessions() as db, db.begin():
            contact = get_or_create_contact(db, runtime.vault, sender, now)
            outbox.enqueue(
                db,
                runtime.vault,
                contact,
                kind="notice",
                text=CANARY_SENTENCE,
                language="es",
                now=now - timedelta(minutes=10),
            )
        logging.getLogger("bot.channels.twilio.rest").error("send failed for %s", PHONE)
        response = client.get("/metrics")
    runtime.close()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("camino_inbound_messages_total", channel="sms", result="ok") == 3
    assert moved("camino_inbound_messages_total", channel="sms", result="duplicate") == 1
    assert moved("camino_reply_seconds_count", channel="sms") == 3
    # The registry is the process's: a worker thread another test left may log an error too.
    assert moved("camino_errors_total", kind="channels") >= 1
    assert value(after, "camino_outbox_depth", channel="sms") == 1
    assert 500 < value(after, "camino_outbox_oldest_seconds", channel="sms") < 900
    assert value(after, "camino_outbox_depth", channel="whatsapp") == 0

    for (name, labels), _value in samples(after).items():
        if not name.startswith("camino_"):
            continue
        for key, label in labels:
            assert key == "le" or label in ALLOWED, (name, key, label)
    for secret in (PHONE, PHONE[1:], CANARY_NAME, CANARY_SENTENCE, "SM1"):
        assert secret not in after


def test_labels_are_bounded_whatever_they_are_given() -> None:
    assert metrics.bounded("+525512348765", metrics.CHANNELS) == "other"
    assert metrics.error_kind("bot.channels.twilio.rest") == "channels"
    assert metrics.error_kind("K7P4-ABCD-EFGH") == "other"
    assert metrics.error_kind("uvicorn.error") == "server"


def test_a_token_protects_metrics_and_production_needs_one(tmp_path: Path) -> None:
    runtime = runtime_for(tmp_path, CAMINO_METRICS_TOKEN="scrape-token-0123456789")
    with TestClient(create_app(runtime)) as client:
        assert client.get("/metrics").status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert client.get("/metrics", headers=wrong).status_code == 401
        right = {"Authorization": "Bearer scrape-token-0123456789"}
        assert client.get("/metrics", headers=right).status_code == 200
    runtime.close()
    runtime = runtime_for(tmp_path, **PRODUCTION)
    with TestClient(create_app(runtime)) as client:
        assert client.get("/metrics").status_code == 404
    runtime.close()


def test_a_local_port_serves_metrics_without_a_token(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runtime = runtime_for(tmp_path, **PRODUCTION, CAMINO_METRICS_PORT=str(port))
    with TestClient(create_app(runtime)) as client:
        assert client.get("/metrics").status_code == 404  # not on the public app
        local = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
        assert local.status_code == 200 and "camino_outbox_depth" in local.text
    runtime.close()


def test_multiprocess_mode_adds_up_every_worker(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = (
        "from bot.core import metrics; metrics.count_inbound('sms', 'ok', 0.2); "
        "metrics.set_leader(True)"
    )
    env = {**os.environ, metrics.MULTIPROC_ENV: str(tmp_path)}
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root
    for _worker in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    reader = "from bot.core import metrics; print(metrics.exposition(None).decode())"
    out = subprocess.run(
        [sys.executable, "-c", reader], env=env, check=True, timeout=60, capture_output=True
    ).stdout.decode()
    assert value(out, "camino_inbound_messages_total", channel="sms", result="ok") == 2
    assert value(out, "camino_reply_seconds_count", channel="sms") == 2
