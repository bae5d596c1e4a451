"""Growth: per-message latency and the dashboard inbox, near-empty versus 100,000 cases and
1,000,000 messages stored.

The baseline holds 1,000 cases and no messages: an empty inbox has no pages to turn. The seeded
rows have the shapes and index spread of real ones (random keys and ciphertexts, coded fields,
two years of dates); nothing in them is decryptable.
"""

from __future__ import annotations

import random
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from bench.processes import camino, fake_telegram, run_json
from bench.report import Report
from bot.conversation.parsers import MX_STATES
from bot.store import db as database
from bot.store.models import (
    Case,
    CaseCrimeType,
    CasePerpetrator,
    Contact,
    Conversation,
    InboundReceipt,
)
from flows import codes

CASES = 100_000
BASELINE_CASES = 1_000
MESSAGES = 1_000_000
BATCH = 20_000
NOW = datetime.now(UTC)


def _codes(choices: tuple[codes.Choice, ...]) -> list[str]:
    return [choice.code for choice in choices]


def seed(engine: Engine, cases: int = CASES, messages: int = MESSAGES) -> None:
    """Fill a migrated database with cases, contacts, conversations and message receipts."""
    rng = random.Random(7)
    states = list(MX_STATES)
    crimes, perps = _codes(codes.CRIME_TYPES), _codes(codes.PERPETRATORS)
    with engine.begin() as connection:
        for start in range(0, cases, BATCH):
            case_rows, crime_rows, perp_rows, contact_rows, conversation_rows = [], [], [], [], []
            for _ in range(min(BATCH, cases - start)):
                case_id, contact_id = secrets.token_hex(16), secrets.token_hex(16)
                submitted = NOW - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
                channel = rng.choice(["sms", "whatsapp", "telegram", "web"])
                contact_rows.append(
                    {
                        "id": contact_id,
                        "channel": channel,
                        "address_index": secrets.token_hex(32),
                        "address_enc": secrets.token_bytes(40),
                        "wrapped_key": secrets.token_bytes(60),
                        "language": rng.choice(["es", "en", "fr", "ht"]),
                        "opted_out": False,
                        "stopped": False,
                        "created_at": submitted,
                        "last_inbound_at": submitted,
                    }
                )
                conversation_rows.append(
                    {
                        "id": secrets.token_hex(16),
                        "contact_id": contact_id,
                        "state_enc": secrets.token_bytes(300),
                        "updated_at": submitted,
                    }
                )
                case_rows.append(
                    {
                        "id": case_id,
                        "code_index": secrets.token_hex(32),
                        "pin_hash": None,
                        "wrapped_key": secrets.token_bytes(60),
                        "personal_enc": secrets.token_bytes(400),
                        "status": "submitted",
                        "urgent": rng.random() < 0.03,
                        "channel": channel,
                        "language": rng.choice(["es", "en", "fr", "ht"]),
                        "contact_id": contact_id,
                        "reporter_role": rng.choice(_codes(codes.REPORTER_ROLES)),
                        "incident_state": rng.choice(states),
                        "place_type": rng.choice(_codes(codes.PLACE_TYPES)),
                        "victim_count": rng.randint(1, 5),
                        "victim_nationality": rng.choice(
                            ["HN", "GT", "SV", "NI", "VE", "HT", "CU"]
                        ),
                        "victim_gender": rng.choice(_codes(codes.GENDERS)),
                        "victim_age_group": rng.choice(_codes(codes.AGE_GROUPS)),
                        "created_at": submitted,
                        "submitted_at": submitted,
                        "updated_at": submitted,
                    }
                )
                for code in rng.sample(crimes, rng.randint(1, 2)):
                    crime_rows.append({"case_id": case_id, "code": code})
                for code in rng.sample(perps, rng.randint(1, 2)):
                    perp_rows.append({"case_id": case_id, "code": code})
            connection.execute(insert(Contact), contact_rows)
            connection.execute(insert(Conversation), conversation_rows)
            connection.execute(insert(Case), case_rows)
            connection.execute(insert(CaseCrimeType), crime_rows)
            connection.execute(insert(CasePerpetrator), perp_rows)
        for start in range(0, messages, BATCH * 5):
            connection.execute(
                insert(InboundReceipt),
                [
                    {
                        "channel": "sms",
                        "external_id": f"SM{start + i:032x}",
                        "received_at": NOW - timedelta(seconds=start + i),
                    }
                    for i in range(min(BATCH * 5, messages - start))
                ],
            )
    # A live database has statistics (autovacuum, or PRAGMA optimize): give the seeded one too.
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def inbox_timing(url: str, repeats: int = 15) -> dict[str, float]:
    """Median time of the inbox's first page, its next page and a filtered first page, for a
    shelter covering two states."""
    from bot.staff.access import InboxFilters, inbox_page
    from bot.staff.accounts import create_organization, find_organization

    engine = database.make_engine(url)
    sessions = database.make_sessionmaker(engine)
    with sessions() as db, db.begin():
        org = find_organization(db, "bench-shelter") or create_organization(
            db, slug="bench-shelter", name="Bench", city=None, states=["MX-CHP", "MX-OAX"], now=NOW
        )
    first: list[float] = []
    second: list[float] = []
    filtered: list[float] = []
    with sessions() as db:
        for _ in range(repeats):
            started = time.perf_counter()
            _rows, cursor = inbox_page(db, org, InboxFilters(), None)
            first.append(time.perf_counter() - started)
            assert cursor is not None, "the baseline must have a second page"
            started = time.perf_counter()
            inbox_page(db, org, InboxFilters(), cursor)
            second.append(time.perf_counter() - started)
            started = time.perf_counter()
            inbox_page(db, org, InboxFilters(crime_type="extortion", channel="sms"), None)
            filtered.append(time.perf_counter() - started)
    engine.dispose()
    return {
        "first_ms": statistics.median(first) * 1000,
        "later_ms": statistics.median(second) * 1000,
        "filtered_ms": statistics.median(filtered) * 1000,
    }


def message_latency(url: str, work: Path, api: str, seconds: float) -> dict[str, Any]:
    """p50/p99 of SMS messages at a steady, moderate rate (open loop)."""
    with camino(url, work, api) as app:
        return run_json(
            [
                sys.executable,
                "-m",
                "bench.loadgen",
                "open",
                "--target",
                app.base,
                "--channel",
                "sms",
                "--rate",
                "20",
                "--seconds",
                str(seconds),
            ]
        )


def run(report: Report, work: Path, server: Any, seconds: float) -> None:
    databases = [
        ("sqlite", lambda name: f"sqlite:///{work}/{name}.db"),
        ("postgresql", server.create_database),
    ]
    with fake_telegram(work) as api:
        for label, make_url in databases:
            empty, full = make_url("growth_empty"), make_url("growth_full")
            for url in (empty, full):
                database.upgrade(url)
            engine = database.make_engine(empty)
            seed(engine, BASELINE_CASES, 0)
            engine.dispose()
            started = time.perf_counter()
            engine = database.make_engine(full)
            seed(engine)
            engine.dispose()
            report.line(
                "growth",
                f"- {label}: seeded {CASES:,} cases and {MESSAGES:,} messages "
                f"in {time.perf_counter() - started:.0f} s",
            )
            base_msg = message_latency(empty, work, api.base, seconds)
            full_msg = message_latency(full, work, api.base, seconds)
            base_inbox, full_inbox = inbox_timing(empty), inbox_timing(full)
            ratio = float(full_msg["p50_ms"]) / float(base_msg["p50_ms"])
            report.line(
                "growth",
                f"  - per-message p50 {base_msg['p50_ms']:.1f} ms near-empty, "
                f"{full_msg['p50_ms']:.1f} ms full (x{ratio:.2f}); p99 "
                f"{base_msg['p99_ms']:.1f} / {full_msg['p99_ms']:.1f} ms",
            )
            report.verdict(
                f"growth {label}: per-message latency within 1.5x", ratio <= 1.5, f"x{ratio:.2f}"
            )
            for key, what in (
                ("first_ms", "inbox first page"),
                ("later_ms", "inbox next page"),
                ("filtered_ms", "inbox filtered"),
            ):
                ratio = full_inbox[key] / base_inbox[key]
                report.line(
                    "growth",
                    f"  - {what}: {base_inbox[key]:.2f} ms near-empty, "
                    f"{full_inbox[key]:.2f} ms full (x{ratio:.2f})",
                )
                report.verdict(f"growth {label}: {what} within 1.5x", ratio <= 1.5, f"x{ratio:.2f}")
