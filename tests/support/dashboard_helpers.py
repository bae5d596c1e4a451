"""Shared set-up for dashboard and API tests: two organizations, one account per role, cases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

import webhook
from bot import cases
from bot.app.runtime import Runtime
from bot.core.clock import Clock, system_clock
from bot.staff import accounts, second_factor
from tests.support.factories import make_runtime
from tests.support.pages import csrf_of

PASSWORD = "correct horse battery staple"
ORGS = {"la-72": ["MX-TAB", "MX-CHP"], "kino": ["MX-SON"]}
# What dashboard tests add to a runtime's settings: failed sign-ins answer at once.
FAST_SETTINGS = {"CAMINO_LOGIN_FAILURE_DELAY": 0}


@contextmanager
def cheap_argon2() -> Iterator[None]:
    """Argon2id at its lowest cost while the block runs (tests only: ~1 s down to ~0.1 ms).

    Hashes made meanwhile still verify anywhere (the parameters are in the hash); a product
    process rehashes them with its own defaults at the next sign-in.
    """
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", cheap)
        dummy = cheap.hash("not a password")
        patch.setattr(accounts, "_dummy_hash", lambda: dummy)
        yield


@dataclass
class Seeded:
    """What `seed` made: staff emails by (org, role), TOTP secrets, case ids."""

    staff: dict[tuple[str, str], str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    org_ids: dict[str, str] = field(default_factory=dict)


class SignsIn:
    """A browser test's world that signs in as one seeded account of La 72 (its `role`)."""

    seeded: Seeded
    role: ClassVar[str] = "caseworker"

    @property
    def email(self) -> str:
        return self.seeded.staff[("la-72", self.role)]

    @property
    def secret(self) -> str:
        return self.seeded.secrets[self.email]


def file_case(
    runtime: Runtime,
    answers: dict[str, Any],
    *,
    urgent: bool = False,
    when: datetime | None = None,
    contact_id: str | None = None,
) -> tuple[str, str]:
    """A submitted case with these answers; returns its id and code."""
    now = when or runtime.clock()
    with runtime.sessions() as db, db.begin():
        draft = cases.ensure_draft(
            db, runtime.vault, case_id=None, channel="telegram", language="es", now=now
        )
        filed = cases.submit(
            db,
            runtime.vault,
            draft,
            answers,
            language="es",
            urgent=urgent,
            contact_id=contact_id,
            now=now,
        )
        return filed.case.id, filed.code


def enrol(runtime: Runtime, staff: Any) -> str:
    """Give an account a confirmed TOTP secret, as its first sign-in would; the secret."""
    secret, _ = second_factor.start_totp(runtime.vault, staff)
    staff.totp_confirmed = True
    return secret


def seed(runtime: Runtime, *, staff: bool = True) -> Seeded:
    """Two organizations, an account of every role in each (enrolled with TOTP, as every
    account is after its first sign-in), and a few cases. `staff=False`: organizations and
    cases only."""
    out = Seeded()
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        for slug, states in ORGS.items():
            org = accounts.create_organization(
                db, slug=slug, name=slug.upper(), city=None, states=states, now=now
            )
            out.org_ids[slug] = org.id
            for role in accounts.ROLES if staff else ():
                email = f"{role}@{slug}.example.org"
                member = accounts.create_staff(
                    db,
                    runtime.vault,
                    org=org,
                    email=email,
                    roles=[role],
                    password=PASSWORD,
                    now=now,
                )
                out.secrets[email] = enrol(runtime, member)
                out.staff[(slug, role)] = email
    base = {
        "crime_types": ["extortion"],
        "perpetrators": ["inm_agent"],
        "victim_gender": "man",
        "victim_nationality": "HN",
        "victim_age_group": "18_29",
        "description": "secret words",
        "victim_name": "Nombre Secreto",
    }
    out.cases["tab_urgent"], out.codes["tab_urgent"] = file_case(
        runtime,
        {**base, "incident_state": "MX-TAB", "crime_types": ["kidnapping"]},
        urgent=True,
        when=now - timedelta(days=3),
    )
    out.cases["tab"], out.codes["tab"] = file_case(
        runtime, {**base, "incident_state": "MX-TAB"}, when=now - timedelta(days=1)
    )
    out.cases["son"], out.codes["son"] = file_case(
        runtime, {**base, "incident_state": "MX-SON"}, when=now - timedelta(days=2)
    )
    out.cases["reporter_chp"], out.codes["reporter_chp"] = file_case(
        runtime, {**base, "reporter_state": "MX-CHP"}, when=now - timedelta(hours=5)
    )
    return out


@contextmanager
def seeded_database(workdir: Path) -> Iterator[tuple[str, Runtime, Seeded]]:
    """A seeded SQLite database under `workdir` for a browser test's `camino serve`: its URL,
    a runtime to add more before the server starts (closed when the block ends), and what was
    seeded. Passwords are hashed cheaply; the server rehashes them at each first sign-in."""
    url = f"sqlite:///{workdir}/camino.db"
    runtime = make_runtime(url, workdir)
    try:
        with cheap_argon2():
            seeded = seed(runtime)
        yield url, runtime, seeded
    finally:
        runtime.close()


@contextmanager
def dashboard_world(
    database_url: str, workdir: Path, *, clock: Clock = system_clock, **settings: object
) -> Iterator[tuple[Runtime, Seeded, TestClient]]:
    """A seeded runtime (outbox and scheduler off, sign-in failures answered at once) and a
    client of its app, for the dashboard's in-process tests."""
    runtime = make_runtime(
        database_url,
        workdir,
        clock=clock,
        CAMINO_OUTBOX_ENABLED="false",
        CAMINO_SCHEDULER_ENABLED="false",
        **{**FAST_SETTINGS, **settings},
    )
    try:
        seeded = seed(runtime)
        with TestClient(webhook.create_app(runtime)) as client:
            yield runtime, seeded, client
    finally:
        runtime.close()


def seeded_url(workdir: Path) -> tuple[str, Seeded]:
    """`seeded_database` with nothing to add: the database's URL and what was seeded."""
    with seeded_database(workdir) as (url, _runtime, seeded):
        return url, seeded


def totp_now(secret: str, now: datetime | None = None) -> str:
    return pyotp.TOTP(secret).at(now or datetime.now(UTC))


def app_now(client: TestClient) -> datetime:
    """The time of the app under test (its injected clock)."""
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return runtime.clock()


def login(client: TestClient, email: str, secret: str | None, *, offset: int = 0) -> None:
    """Sign in with password and a TOTP code of the app's clock (`offset` steps away)."""
    page = client.get("/dashboard/login")
    response = client.post(
        "/dashboard/login",
        data={"email": email, "password": PASSWORD, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    if response.headers["location"].endswith("/totp"):
        assert secret is not None
        page = client.get("/dashboard/login/totp")
        code = pyotp.TOTP(secret).at(app_now(client), counter_offset=offset)
        response = client.post(
            "/dashboard/login/totp",
            data={"code": code, "csrf": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
