"""Access that can be taken away, and sign-in that holds against outsiders.

A second factor for every account (set up at the first sign-in, QR code drawn by the app,
recovery codes usable once; changing it needs the password and a current code); an admin
deactivates a member (their open session is refused at its next request, their API token
answers 401), resets a second factor or a password; tokens expire; sign-in failures answer
alike, back off per account, are limited per source, and password checks are bounded.
Runs on SQLite and PostgreSQL with an injected clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import webhook
from bot.app.runtime import Runtime
from bot.core.clock import FrozenClock
from bot.staff import accounts, tokens
from bot.staff.throttle import SignInGate, SourceLimit
from bot.store.models import AuditEntry, Staff, StaffSession
from tests.support.dashboard_helpers import FAST_SETTINGS, PASSWORD, Seeded, login, seed
from tests.support.factories import make_runtime
from tests.support.pages import csrf_of

pytestmark = pytest.mark.usefixtures("cheap_hashing")
T0 = datetime(2026, 3, 2, 15, 0, 5, tzinfo=UTC)


@dataclass
class World:
    runtime: Runtime
    seeded: Seeded
    clock: FrozenClock
    app: object

    def client(self) -> TestClient:
        return TestClient(self.app)  # type: ignore[arg-type]

    def staff(self, email: str) -> Staff:
        with self.runtime.sessions() as db:
            found = db.scalars(select(Staff).where(Staff.email == email)).one()
            db.expunge(found)
            return found

    def tick(self) -> None:
        """Half a minute on: the next TOTP code is a new one (codes are accepted once)."""
        self.clock.advance(seconds=30)


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    clock = FrozenClock(T0)
    runtime = make_runtime(
        database_url,
        tmp_path,
        clock=clock,
        CAMINO_OUTBOX_ENABLED="false",
        CAMINO_SCHEDULER_ENABLED="false",
        CAMINO_LOGIN_SOURCE_FAILURES="50",
        **FAST_SETTINGS,
    )
    seeded = seed(runtime)
    app = webhook.create_app(runtime)
    with TestClient(app):  # runs the app's start-up once: the runtime is in place
        yield World(runtime, seeded, clock, app)
    runtime.close()


def password_step(client: TestClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/dashboard/login")
    return client.post(
        "/dashboard/login",
        data={"email": email, "password": password, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )


def second_step(client: TestClient, code: str):  # type: ignore[no-untyped-def]
    page = client.get("/dashboard/login/totp")
    return client.post(
        "/dashboard/login/totp",
        data={"code": code, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrf" value="\w+"', "", html)


def enrol_fields(html: str) -> tuple[str, dict[str, str]]:
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html)
    pending = re.search(r'name="pending" value="([^"]+)"', html)
    assert secret and pending
    return secret.group(1), {"csrf": csrf_of(html), "pending": pending.group(1)}


def make_member(world: World, email: str, roles: list[str]) -> None:
    with world.runtime.sessions() as db, db.begin():
        org = accounts.find_organization(db, "la-72")
        assert org is not None
        accounts.create_staff(
            db,
            world.runtime.vault,
            org=org,
            email=email,
            roles=roles,
            password=PASSWORD,
            now=world.clock(),
        )


# --- the second factor ----------------------------------------------------------------------


def test_first_sign_in_forces_enrolment_with_a_qr_code_and_recovery_codes(world: World) -> None:
    email = "nueva@la-72.example.org"
    make_member(world, email, ["caseworker"])
    client = world.client()
    assert password_step(client, email).headers["location"] == "/dashboard/enrol"
    assert client.get("/dashboard/cases", follow_redirects=False).headers["location"] == (
        "/dashboard/enrol"
    )
    page = client.get("/dashboard/enrol")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page.text and 'class="qr"' in page.text
    assert "http" not in page.text.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )  # drawn by the app: nothing fetched from elsewhere
    secret, fields = enrol_fields(page.text)
    done = client.post(
        "/dashboard/enrol", data={**fields, "code": pyotp.TOTP(secret).at(world.clock())}
    )
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.text)
    assert done.status_code == 200 and len(codes) == 10
    assert client.get("/dashboard/", follow_redirects=False).headers["location"] == (
        "/dashboard/cases"
    )
    # A recovery code signs in once in place of a code, and never again.
    for attempt, expected in ((1, 303), (2, 401)):
        world.tick()
        other = world.client()
        assert password_step(other, email).headers["location"] == "/dashboard/login/totp"
        assert second_step(other, codes[0]).status_code == expected, attempt
    with world.runtime.sessions() as db:
        stored = " ".join(row.detail for row in db.scalars(select(AuditEntry)))
    assert not any(code in stored for code in codes)


def test_changing_the_second_factor_needs_the_password_and_a_current_code(world: World) -> None:
    email = world.seeded.staff[("la-72", "caseworker")]
    old_secret = world.seeded.secrets[email]
    client = world.client()
    login(client, email, old_secret)
    secret, fields = enrol_fields(client.get("/dashboard/enrol").text)
    new_code = pyotp.TOTP(secret).at(world.clock())
    # A session alone (someone at an unlocked computer) cannot replace it.
    refused = client.post("/dashboard/enrol", data={**fields, "code": new_code})
    assert refused.status_code == 400
    world.tick()
    wrong_password = client.post(
        "/dashboard/enrol",
        data={
            **fields,
            "code": new_code,
            "password": "not the password",
            "current": pyotp.TOTP(old_secret).at(world.clock()),
        },
    )
    assert wrong_password.status_code == 400
    world.tick()
    changed = client.post(
        "/dashboard/enrol",
        data={
            **fields,
            "code": pyotp.TOTP(secret).at(world.clock()),
            "password": PASSWORD,
            "current": pyotp.TOTP(old_secret).at(world.clock()),
        },
    )
    assert changed.status_code == 200 and "<li><code>" in changed.text
    world.tick()
    assert password_step(world.client(), email).status_code == 303
    fresh = world.client()
    password_step(fresh, email)
    assert second_step(fresh, pyotp.TOTP(old_secret).at(world.clock())).status_code == 401
    assert second_step(fresh, pyotp.TOTP(secret).at(world.clock())).status_code == 303


# --- an admin takes access away ---------------------------------------------------------------


def admin_client(world: World) -> TestClient:
    client = world.client()
    email = world.seeded.staff[("la-72", "admin")]
    login(client, email, world.seeded.secrets[email])
    return client


def admin_post(client: TestClient, path: str, **data: str):  # type: ignore[no-untyped-def]
    page = client.get("/dashboard/staff")
    return client.post(path, data={"csrf": csrf_of(page.text), **data}, follow_redirects=False)


def test_deactivation_ends_open_sessions_at_the_next_click_and_tokens_answer_401(
    world: World,
) -> None:
    email = world.seeded.staff[("la-72", "caseworker")]
    worker = world.client()
    login(worker, email, world.seeded.secrets[email])
    assert worker.get("/dashboard/cases").status_code == 200
    admin = admin_client(world)
    made = admin_post(
        admin,
        "/dashboard/tokens",
        name="sync",
        holder=world.staff(email).id,
        scopes="cases:read",
        days="30",
    )
    secret = re.search(r"<code>(cmn_[\w-]+)</code>", made.text)
    assert made.status_code == 200 and secret
    bearer = {"authorization": f"Bearer {secret.group(1)}"}
    assert worker.get("/api/v1/cases", headers=bearer).status_code == 200
    done = admin_post(admin, f"/dashboard/staff/{world.staff(email).id}/deactivate")
    assert done.status_code == 303
    refused = worker.get("/dashboard/cases", follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/dashboard/login"
    assert worker.get("/api/v1/cases", headers=bearer).status_code == 401
    assert password_step(world.client(), email).status_code == 401
    with world.runtime.sessions() as db:
        actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.target.is_not(None))))
    assert "staff.deactivate" in actions and "token.add" in actions


def test_an_admin_acts_only_on_other_members_of_their_organization(world: World) -> None:
    admin = admin_client(world)
    other_org = world.staff(world.seeded.staff[("kino", "caseworker")]).id
    own = world.staff(world.seeded.staff[("la-72", "admin")]).id
    for target in (other_org, own, "nobody"):
        assert admin_post(admin, f"/dashboard/staff/{target}/deactivate").status_code == 400
    assert world.staff(world.seeded.staff[("kino", "caseworker")]).active


def test_reset_second_factor_and_temporary_password(world: World) -> None:
    email = world.seeded.staff[("la-72", "analyst")]
    member = world.staff(email).id
    admin = admin_client(world)
    assert admin_post(admin, f"/dashboard/staff/{member}/reset-2fa").status_code == 303
    assert password_step(world.client(), email).headers["location"] == "/dashboard/enrol"
    shown = admin_post(admin, f"/dashboard/staff/{member}/reset-password")
    temporary = re.findall(r"<code>([a-z0-9-]+)</code>", shown.text)[-1]
    assert password_step(world.client(), email).status_code == 401  # the old one is gone
    client = world.client()
    assert password_step(client, email, temporary).headers["location"] == "/dashboard/enrol"
    secret, fields = enrol_fields(client.get("/dashboard/enrol").text)
    client.post("/dashboard/enrol", data={**fields, "code": pyotp.TOTP(secret).at(world.clock())})
    # A temporary password must be changed before anything else.
    stats = client.get("/dashboard/stats", follow_redirects=False)
    assert stats.headers["location"] == "/dashboard/account/password"
    form = client.get("/dashboard/account/password")
    new = "a brand new passphrase"
    changed = client.post(
        "/dashboard/account/password",
        data={"csrf": csrf_of(form.text), "current": temporary, "new": new, "again": new},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert client.get("/dashboard/stats").status_code == 200
    assert not world.staff(email).must_change_password


def test_tokens_expire(world: World) -> None:
    with world.runtime.sessions() as db, db.begin():
        org = accounts.find_organization(db, "la-72")
        holder = db.scalars(
            select(Staff).where(Staff.email == world.seeded.staff[("la-72", "analyst")])
        ).one()
        assert org is not None
        secret, _ = tokens.create_api_token(
            db, org=org, name="t", scopes=["stats:read"], now=world.clock(), holder=holder, days=1
        )
    client = world.client()
    bearer = {"authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/stats/crime_type", headers=bearer).status_code == 200
    world.clock.advance(days=1)
    expired = client.get("/api/v1/stats/crime_type", headers=bearer)
    assert expired.status_code == 401 and "expired" in expired.text


# --- sign-in that holds against outsiders -----------------------------------------------------


def test_unknown_email_wrong_password_and_locked_answer_alike_with_one_hash_each(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = world.seeded.staff[("la-72", "caseworker")]
    checks: list[str] = []
    real = accounts._verify
    monkeypatch.setattr(accounts, "_verify", lambda h, p: checks.append(p) or real(h, p))
    client = world.client()
    answers = []
    for who, password in (("nobody@la-72.example.org", PASSWORD), (email, "wrong password!")):
        checks.clear()
        response = password_step(client, who, password)
        answers.append((response.status_code, without_csrf(response.text)))
        assert len(checks) == 1
    for _ in range(4):
        password_step(client, email, "wrong password!")
    assert accounts.is_locked(world.staff(email), world.clock())
    checks.clear()
    locked = password_step(client, email, PASSWORD)
    assert len(checks) == 1
    answers.append((locked.status_code, without_csrf(locked.text)))
    assert answers[0] == answers[1] == answers[2] and answers[0][0] == 401


def test_lockouts_back_off_are_capped_and_reset_by_a_complete_sign_in(world: World) -> None:
    email = world.seeded.staff[("la-72", "caseworker")]
    client = world.client()

    def fail(times: int) -> None:
        for _ in range(times):
            password_step(client, email, "wrong password!")

    lengths = []
    for _ in range(6):
        fail(5)
        staff = world.staff(email)
        assert staff.locked_until is not None
        lengths.append(round((staff.locked_until - world.clock()).total_seconds() / 60))
        fail(3)  # attempts during a lock do not push it further out
        assert world.staff(email).locked_until == staff.locked_until
        assert password_step(client, email).status_code == 401  # even the right password
        world.clock.now = staff.locked_until
    assert lengths == [1, 2, 4, 8, 15, 15]  # doubling, capped at CAMINO_LOGIN_LOCK_MINUTES
    login(client, email, world.seeded.secrets[email])
    after = world.staff(email)
    assert (after.failed_logins, after.lockouts, after.locked_until) == (0, 0, None)


def test_a_source_that_fails_too_often_gets_429_for_every_account(world: World) -> None:
    world.app.state.signin_limits = (SignInGate(2, 8), SourceLimit(3))  # type: ignore[attr-defined]
    client = world.client()
    for i in range(3):
        assert password_step(client, f"x{i}@la-72.example.org", "guess guess").status_code == 401
    email = world.seeded.staff[("la-72", "caseworker")]
    blocked = password_step(client, email)
    assert blocked.status_code == 429
    assert without_csrf(blocked.text) == without_csrf(
        password_step(client, "nobody@la-72.example.org").text
    )
    world.clock.advance(minutes=15)
    assert password_step(client, email).status_code == 303


def test_password_checks_beyond_the_gate_get_429_at_once(world: World) -> None:
    gate = SignInGate(1, 0)
    world.app.state.signin_limits = (gate, SourceLimit(50))  # type: ignore[attr-defined]
    with gate.slot():  # another sign-in is being checked and none may wait
        busy = password_step(world.client(), world.seeded.staff[("la-72", "caseworker")])
    assert busy.status_code == 429 and "intente otra vez" in busy.text
    assert (
        password_step(world.client(), world.seeded.staff[("la-72", "caseworker")]).status_code
        == 303
    )


def test_a_session_from_before_second_factors_for_everyone_must_enrol(world: World) -> None:
    email = "antes@la-72.example.org"
    make_member(world, email, ["caseworker"])
    client = world.client()
    password_step(client, email)
    with world.runtime.sessions() as db, db.begin():  # as an older Camino let caseworkers in
        for session in db.scalars(select(StaffSession)):
            session.stage = "ok"
    refused = client.get("/dashboard/cases", follow_redirects=False)
    assert refused.headers["location"] == "/dashboard/enrol"


def test_a_new_password_ends_the_persons_other_sessions(world: World) -> None:
    email = world.seeded.staff[("la-72", "auditor")]
    elsewhere = world.client()
    login(elsewhere, email, world.seeded.secrets[email])
    world.tick()
    here = world.client()
    login(here, email, world.seeded.secrets[email])
    form = here.get("/dashboard/account/password")
    new = "another long passphrase"
    changed = here.post(
        "/dashboard/account/password",
        data={"csrf": csrf_of(form.text), "current": PASSWORD, "new": new, "again": new},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert here.get("/dashboard/audit").status_code == 200
    assert elsewhere.get("/dashboard/audit", follow_redirects=False).status_code == 303
