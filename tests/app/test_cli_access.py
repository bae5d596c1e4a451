"""`camino staff deactivate|reset-2fa|reset-password`, `camino tokens list|revoke`, several
roles with `staff add`, and the demo account that works cases: each audited, errors in one
sentence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from bot.app.cli import main
from bot.app.runtime import Runtime
from bot.core.config import get_settings
from bot.privacy import audit
from bot.staff import accounts, tokens
from bot.staff.demo import DEMO_ADMIN
from bot.staff.roles import roles_of
from bot.store.models import ApiToken, AuditEntry, Staff, StaffSession
from tests.support.dashboard_helpers import seed
from tests.support.factories import TEST_DATA_KEY, make_runtime

pytestmark = pytest.mark.usefixtures("cheap_hashing")


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    url = f"sqlite:///{tmp_path}/c.db"
    monkeypatch.setenv("CAMINO_DATABASE_URL", url)
    monkeypatch.setenv("CAMINO_DATA_KEY", TEST_DATA_KEY)
    monkeypatch.setenv("CAMINO_KEY_FILE", str(tmp_path / "camino.key"))
    get_settings.cache_clear()
    made = make_runtime(url, tmp_path)
    yield made
    made.close()
    get_settings.cache_clear()


def camino(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def member(runtime: Runtime, email: str) -> Staff:
    with runtime.sessions() as db:
        found = db.scalars(select(Staff).where(Staff.email == email)).one()
        db.expunge(found)
        return found


def test_staff_add_takes_several_roles(runtime: Runtime) -> None:
    seed(runtime, staff=False)
    result = camino(
        "staff",
        "add",
        "--org",
        "la-72",
        "--email",
        "Both@la-72.example.org",
        "--role",
        "caseworker",
        "--role",
        "admin",
        "--generate",
    )
    assert result.exit_code == 0, result.output
    assert roles_of(member(runtime, "both@la-72.example.org")) == ("admin", "caseworker")
    assert "two-factor" in result.output


def test_deactivate_reset_2fa_and_reset_password_are_audited(runtime: Runtime) -> None:
    s = seed(runtime)
    email = s.staff[("la-72", "caseworker")]
    staff_id = member(runtime, email).id
    with runtime.sessions() as db, db.begin():
        staff = db.get(Staff, staff_id)
        org = accounts.find_organization(db, "la-72")
        assert staff is not None and org is not None
        accounts.open_session(db, runtime.settings, staff, runtime.clock())
        tokens.create_api_token(
            db, org=org, name="t", scopes=["cases:read"], now=runtime.clock(), holder=staff
        )

    reset = camino("staff", "reset-password", email.upper())
    assert reset.exit_code == 0 and "shown once" in reset.output
    temporary = reset.output.rsplit(": ", 1)[1].strip()
    with runtime.sessions() as db:
        result = accounts.check_password(db, runtime.settings, email, temporary, runtime.clock())
    assert result.staff is not None and result.staff.must_change_password

    assert camino("staff", "reset-2fa", email).exit_code == 0
    assert not member(runtime, email).totp_confirmed

    gone = camino("staff", "deactivate", email)
    assert gone.exit_code == 0 and "1 API token(s) revoked" in gone.output
    assert not member(runtime, email).active
    with runtime.sessions() as db:
        assert not list(db.scalars(select(StaffSession).where(StaffSession.staff_id == staff_id)))
        assert all(t.revoked_at is not None for t in db.scalars(select(ApiToken)))
        entries = list(db.scalars(select(AuditEntry).where(AuditEntry.actor == "cli")))
        assert [e.action for e in entries] == [
            "staff.reset_password",
            "staff.reset_2fa",
            "staff.deactivate",
        ]
        assert all(e.target == f"staff:{staff_id}" for e in entries)
        assert audit.verify(db, runtime.vault).ok

    unknown = camino("staff", "deactivate", "nobody@example.org")
    assert unknown.exit_code == 1
    assert unknown.output.strip() == "Error: No staff account has that email."


def test_tokens_list_and_revoke(runtime: Runtime) -> None:
    seed(runtime, staff=False)
    with runtime.sessions() as db, db.begin():
        org = accounts.find_organization(db, "kino")
        assert org is not None
        secret, record = tokens.create_api_token(
            db, org=org, name="stats-sync", scopes=["stats:read"], now=runtime.clock()
        )
        token_id = record.id
    listed = camino("tokens", "list")
    assert listed.exit_code == 0
    assert token_id in listed.output and "kino" in listed.output and "expires" in listed.output
    assert secret not in listed.output
    assert camino("tokens", "list", "--org", "la-72").output.strip() == "No API tokens."
    revoked = camino("tokens", "revoke", token_id)
    assert revoked.exit_code == 0
    assert "revoked" in camino("tokens", "list").output
    with runtime.sessions() as db:
        assert tokens.find_api_token(db, secret, runtime.clock()) is None
        assert db.scalars(select(AuditEntry.action).where(AuditEntry.actor == "cli")).one() == (
            "token.revoke"
        )
    bad = camino("tokens", "revoke", "nope")
    assert bad.exit_code == 1 and "No token has that id" in bad.output


def test_the_demo_account_works_cases_and_administers(runtime: Runtime) -> None:
    first = camino("demo")
    assert first.exit_code == 0, first.output
    assert roles_of(member(runtime, DEMO_ADMIN)) == ("admin", "caseworker")
    with runtime.sessions() as db, db.begin():  # made by an older Camino: admin only
        db.scalars(select(Staff).where(Staff.email == DEMO_ADMIN)).one().roles = "admin"
    assert camino("demo").exit_code == 0
    assert roles_of(member(runtime, DEMO_ADMIN)) == ("admin", "caseworker")
