"""Growth: per-message latency and the dashboard inbox, near-empty versus 100,000 cases and
1,000,000 messages stored.

The baseline holds 1,000 cases and no messages. The seeded rows have the shapes and index spread
of real ones (random keys and ciphertexts, coded fields, two years of dates; most reports from
the southern border states, robbery and extortion the commonest crimes, organized crime the
commonest perpetrator); nothing in them is decryptable. The bench shelter covers Chiapas and
Oaxaca, so that every page measured holds 50 cases at both sizes: a page of 2 cases against
one of 50 would measure the rows drawn, not how the query grows.

`python -m bench.growth [--database postgresql] [--cases N] [--plans]` times the inbox alone
(no messages seeded, no server) and prints its query plans at both sizes.
"""

from __future__ import annotations

import random
import secrets
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert

from bench.processes import camino, fake_telegram, run_json
from bench.report import Report
from bot.conversation.parsers import MX_STATES
from bot.store import casecodes
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
# The bench shelter's states and their share of the reports; the rest spread evenly.
SHELTER_STATES = {"MX-CHP": 0.35, "MX-OAX": 0.15}
# Relative weights of the commoner codes (1 for every other code).
CRIME_WEIGHTS = {"robbery": 12, "extortion": 10, "assault": 5, "threats": 4, "kidnapping": 3}
PERPETRATOR_WEIGHTS = {
    "organized_crime": 10,
    "common_criminal": 8,
    "smuggler": 4,
    "inm_agent": 4,
    "municipal_police": 3,
}
# A crime type held by this many cases at any size: rarer as more are stored (1 in 4 of the
# baseline's, 1 in 400 of the full database's), it still fills two pages.
RARE = ("trafficking", 250)
# The inbox pages timed: (label, filters).
PAGES: tuple[tuple[str, dict[str, str]], ...] = (
    ("inbox", {}),
    ("inbox by crime type", {"crime_type": "extortion"}),
    ("inbox by perpetrator", {"perpetrator": "organized_crime"}),
    ("inbox by a rare crime type", {"crime_type": "trafficking"}),
)
# Figures not checked against 1.5x: each count reads up to 1000 ids, which the near-empty
# database's views do not hold (they stay flat above it; bench/README.md).
UNCOMPARED = ("inbox counts",)
DRAFT_EXPIRY = timedelta(days=7)  # CAMINO_DRAFT_EXPIRY_DAYS's default
STAFF_ID = "0" * 32  # a caseworker with nothing assigned: the "mine" view is empty


def _codes(choices: tuple[codes.Choice, ...]) -> list[str]:
    return [choice.code for choice in choices]


def _pick(rng: random.Random, weights: dict[str, int], count: int) -> list[str]:
    """`count` distinct codes drawn by weight."""
    chosen: list[str] = []
    while len(chosen) < count:
        code = rng.choices(list(weights), list(weights.values()))[0]
        if code not in chosen:
            chosen.append(code)
    return chosen


def _state(rng: random.Random, others: list[str]) -> str:
    draw = rng.random()
    for state, share in SHELTER_STATES.items():
        if draw < share:
            return state
        draw -= share
    return rng.choice(others)


def seed(engine: Engine, cases: int = CASES, messages: int = MESSAGES) -> None:
    """Fill a migrated database with cases, contacts, conversations and message receipts."""
    rng = random.Random(7)
    others = [state for state in MX_STATES if state not in SHELTER_STATES]
    rare, rare_count = RARE
    crimes = {code: CRIME_WEIGHTS.get(code, 1) for code in _codes(codes.CRIME_TYPES)}
    del crimes[rare]
    rare_at = set(rng.sample(range(cases), rare_count))
    perps = {code: PERPETRATOR_WEIGHTS.get(code, 1) for code in _codes(codes.PERPETRATORS)}
    with engine.begin() as connection:
        for start in range(0, cases, BATCH):
            case_rows, crime_rows, perp_rows, contact_rows, conversation_rows = [], [], [], [], []
            for number in range(start, min(start + BATCH, cases)):
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
                # A live database keeps a conversation only until the draft expiry (the hourly
                # retention job erases it then), reminded once after a day of silence.
                if NOW - submitted < DRAFT_EXPIRY:
                    conversation_rows.append(
                        {
                            "id": secrets.token_hex(16),
                            "contact_id": contact_id,
                            "state_enc": secrets.token_bytes(300),
                            "updated_at": submitted,
                            "reminder_sent_at": submitted + timedelta(days=1),
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
                        "incident_state": _state(rng, others),
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
                # The case's inbox key on its codes, as the ORM writes it (`casecodes`).
                key = {name: case_rows[-1].get(name) for name in casecodes.MIRRORED}
                key["uncovered"] = False
                chosen = _pick(rng, crimes, rng.randint(1, 2))
                for code in [*chosen, rare] if number in rare_at else chosen:
                    crime_rows.append({"case_id": case_id, "code": code, **key})
                for code in _pick(rng, perps, rng.randint(1, 2)):
                    perp_rows.append({"case_id": case_id, "code": code, **key})
            connection.execute(insert(Contact), contact_rows)
            if conversation_rows:
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


def _organization(sessions: Any) -> Any:
    from bot.staff.accounts import create_organization, find_organization

    with sessions() as db, db.begin():
        return find_organization(db, "bench-shelter") or create_organization(
            db, slug="bench-shelter", name="Bench", city=None, states=list(SHELTER_STATES), now=NOW
        )


@dataclass(frozen=True)
class Figure:
    """One inbox query's median time, the rows it returned, and, on SQLite, the virtual
    machine instructions it ran (in thousands): a count a busy machine cannot change."""

    ms: float
    rows: int
    steps: int | None


def _step_counter(engine: Engine) -> list[int]:
    """A running count of SQLite's VM instructions, by thousands, on every connection."""
    counted = [0]
    if engine.dialect.name != "sqlite":
        return counted

    def tick() -> int:
        counted[0] += 1
        return 0

    def attach(connection: Any, _record: Any) -> None:
        connection.set_progress_handler(tick, 1000)

    event.listen(engine, "connect", attach)
    return counted


class _Inbox:
    """One database's inbox, timed query by query."""

    def __init__(self, url: str) -> None:
        self.engine = database.make_engine(url)
        self.counted = _step_counter(self.engine)
        self.sessions = database.make_sessionmaker(self.engine)
        self.org = _organization(self.sessions)
        self.times: dict[str, list[float]] = {}
        self.rows: dict[str, int] = {}
        self.steps: dict[str, int] = {}

    def timed(self, label: str, call: Any) -> Any:
        before = self.counted[0]
        started = time.perf_counter()
        result = call()
        self.times.setdefault(label, []).append(time.perf_counter() - started)
        self.steps[label] = self.counted[0] - before
        return result

    def once(self) -> None:
        from bot.staff.access import InboxFilters, inbox_page
        from bot.staff.inboxcounts import newest_after, view_counts

        org = self.org
        with self.sessions() as db:  # a new session per request, as the dashboard has
            for label, given in PAGES:
                filters = InboxFilters(**given)
                page, cursor = self.timed(label, lambda f=filters: inbox_page(db, org, f, None))
                self.rows[label] = len(page)
                assert cursor is not None, f"{label}: the baseline must have a second page"
                later = f"{label}, next page"
                page, _ = self.timed(later, lambda f=filters, c=cursor: inbox_page(db, org, f, c))
                self.rows[later] = len(page)
            counts = self.timed(
                "inbox counts",
                lambda: (view_counts(db, org, STAFF_ID), newest_after(db, org, NOW)),
            )
            self.rows["inbox counts"] = sum(counts[0].values()) + counts[1]

    def figures(self) -> dict[str, Figure]:
        self.engine.dispose()
        sqlite = self.engine.dialect.name == "sqlite"
        return {
            label: Figure(
                statistics.median(spent) * 1000,
                self.rows[label],
                self.steps[label] if sqlite else None,
            )
            for label, spent in self.times.items()
        }


def inbox_timing(urls: list[str], repeats: int = 15) -> list[dict[str, Figure]]:
    """The inbox's first and next page, unfiltered and filtered by a crime type and by a
    perpetrator, and the counts an open inbox polls, for a shelter covering two states; on
    each database in turn, repeat after repeat, so that a change in the machine's load falls
    on all of them alike."""
    inboxes = [_Inbox(url) for url in urls]
    for _ in range(repeats):
        for inbox in inboxes:
            inbox.once()
    return [inbox.figures() for inbox in inboxes]


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
            base_inbox, full_inbox = inbox_timing([empty, full])
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
            for what, line, ratio in compare(base_inbox, full_inbox):
                report.line("growth", f"  - {line}")
                if what in UNCOMPARED:
                    continue
                report.verdict(f"growth {label}: {what} within 1.5x", ratio <= 1.5, f"x{ratio:.2f}")


def compare(base: dict[str, Figure], full: dict[str, Figure]) -> list[tuple[str, str, float]]:
    """Each inbox figure near-empty and full: (what, a line for the report, the ratio)."""
    lines = []
    for what, near in base.items():
        far = full[what]
        ratio = far.ms / near.ms
        steps = (
            f"; {near.steps} and {far.steps} thousand SQLite instructions"
            if near.steps is not None
            else ""
        )
        lines.append(
            (
                what,
                f"{what}: {near.ms:.2f} ms near-empty, {far.ms:.2f} ms full (x{ratio:.2f}; "
                f"{near.rows} and {far.rows} rows{steps})",
                ratio,
            )
        )
    return lines


def plans(url: str) -> list[str]:
    """The query plan of each inbox page's main query (`EXPLAIN QUERY PLAN` on SQLite,
    `EXPLAIN ANALYZE` on PostgreSQL), with the parameters it ran with."""
    from bot.staff.access import InboxFilters, inbox_page

    engine = database.make_engine(url)
    sessions = database.make_sessionmaker(engine)
    org = _organization(sessions)
    ran: list[tuple[str, str, Any]] = []
    label = ""

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if " UNION " in statement:  # the slices merged: the page's own query
            ran.append((label, statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    with sessions() as db:
        for name, given in PAGES:
            label = name
            _, cursor = inbox_page(db, org, InboxFilters(**given), None)
            label = f"{name}, next page"
            inbox_page(db, org, InboxFilters(**given), cursor)
    event.remove(engine, "before_cursor_execute", capture)
    explain = "EXPLAIN QUERY PLAN " if url.startswith("sqlite") else "EXPLAIN (ANALYZE, BUFFERS) "
    out = []
    raw = engine.raw_connection()
    try:
        for name, statement, parameters in ran:
            statement_cursor: Any = raw.cursor()
            statement_cursor.execute(explain + statement, parameters)
            lines = [" ".join(str(part) for part in row) for row in statement_cursor.fetchall()]
            out.append(f"-- {name}\n" + "\n".join(lines))
    finally:
        raw.close()
    engine.dispose()
    return out


def main() -> None:
    import argparse
    import tempfile

    from tests.support import pg

    parser = argparse.ArgumentParser(description="The inbox near-empty and full, alone.")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--cases", type=int, default=CASES)
    parser.add_argument("--plans", action="store_true", help="print the query plans too")
    args = parser.parse_args()
    server = pg.start_server() if args.database == "postgresql" else None
    try:
        with tempfile.TemporaryDirectory(prefix="camino-growth-") as tmp:
            urls = []
            for name, cases in (("growth_empty", BASELINE_CASES), ("growth_full", args.cases)):
                url = server.create_database(name) if server else f"sqlite:///{tmp}/{name}.db"
                database.upgrade(url)
                engine = database.make_engine(url)
                seed(engine, cases, 0)
                engine.dispose()
                urls.append(url)
            timings = inbox_timing(urls)
            print(f"{args.database}: {BASELINE_CASES:,} and {args.cases:,} cases")
            for _what, line, _ratio in compare(*timings):
                print(f"- {line}")
            if args.plans:
                for url, cases in zip(urls, (BASELINE_CASES, args.cases), strict=True):
                    print(f"\n== plans with {cases:,} cases")
                    print("\n\n".join(plans(url)))
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
