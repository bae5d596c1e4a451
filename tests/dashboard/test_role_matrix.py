"""Every dashboard and API route, as every role and every combination of roles of two
organizations, and anonymously.

Only what the roles (or the token's scope and its holder's roles) allow answers 200. Every
request of a staff member or a token is in the audit log; anonymous ones are only counted.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import webhook
from bot.privacy import audit
from bot.staff import accounts, tokens
from bot.staff.access import allowed
from bot.store.models import AuditEntry, Staff
from tests.support.dashboard_helpers import PASSWORD, enrol, login, seed
from tests.support.databases import count_rows
from tests.support.factories import make_runtime

# path template, the permission it needs
PAGES = [
    ("/dashboard/cases", "cases:read"),
    ("/dashboard/cases/{case}", "cases:read"),
    ("/dashboard/cases/{case}/complaint.pdf", "cases:read"),
    ("/dashboard/stats", "stats:read"),
    ("/dashboard/stats/export?format=csv", "stats:read"),
    ("/dashboard/stats/export?format=json", "stats:read"),
    ("/dashboard/audit", "audit:read"),
    ("/dashboard/staff", "staff:manage"),
]
API = [
    ("GET", "/api/v1/cases", "cases:read"),
    ("GET", "/api/v1/cases/{case}", "cases:read"),
    ("POST", "/api/v1/cases/{case}/events", "events:write"),
    ("GET", "/api/v1/stats/crime_type", "stats:read"),
]
# Every set of two or more roles (single roles are the seeded accounts).
COMBINATIONS = [
    combo
    for size in range(2, len(accounts.ROLES) + 1)
    for combo in combinations(accounts.ROLES, size)
]


def _audit_count(runtime) -> int:  # type: ignore[no-untyped-def]
    return count_rows(runtime, AuditEntry)


pytestmark = pytest.mark.usefixtures("cheap_hashing")


def _check_pages(runtime, client, org, roles, own_case) -> None:  # type: ignore[no-untyped-def]
    for path, permission in PAGES:
        for case_org in ("la-72", "kino"):
            if "{case}" not in path and case_org == "kino":
                continue
            url = path.format(case=own_case[case_org])
            before = _audit_count(runtime)
            status = client.get(url, follow_redirects=False).status_code
            expected = allowed(roles, permission) and ("{case}" not in path or case_org == org)
            assert (status == 200) == expected, (org, roles, url, status)
            assert _audit_count(runtime) == before + 1
            with runtime.sessions() as db:
                last = db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
            assert last.actor.startswith("staff:")


def test_role_matrix(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path, CAMINO_SCHEDULER_ENABLED="false")
    s = seed(runtime)
    app = webhook.create_app(runtime)
    own_case = {"la-72": s.cases["tab"], "kino": s.cases["son"]}
    with TestClient(app) as anonymous:
        for path, _permission in PAGES:
            before = _audit_count(runtime)
            response = anonymous.get(path.format(case=s.cases["tab"]), follow_redirects=False)
            assert response.status_code == 303
            assert _audit_count(runtime) == before  # anonymous: counted, not in the audit log
    for org in ("la-72", "kino"):
        for role in accounts.ROLES:
            client = TestClient(app)
            email = s.staff[(org, role)]
            login(client, email, s.secrets[email])
            _check_pages(runtime, client, org, (role,), own_case)
    with runtime.sessions() as db:
        assert audit.verify(db, runtime.vault).ok
    runtime.close()


def test_every_combination_of_roles_holds_only_the_union_of_their_permissions(
    tmp_path: Path,
) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path, CAMINO_SCHEDULER_ENABLED="false")
    s = seed(runtime)
    app = webhook.create_app(runtime)
    own_case = {"la-72": s.cases["tab"], "kino": s.cases["son"]}
    emails = {}
    with runtime.sessions() as db, db.begin():
        org = accounts.find_organization(db, "la-72")
        assert org is not None
        for combo in COMBINATIONS:
            email = f"{'-'.join(combo)}@la-72.example.org"
            member = accounts.create_staff(
                db,
                runtime.vault,
                org=org,
                email=email,
                roles=combo,
                password=PASSWORD,
                now=runtime.clock(),
            )
            emails[combo] = (email, enrol(runtime, member))
    for combo, (email, secret) in emails.items():
        with TestClient(app) as client:
            login(client, email, secret)
            _check_pages(runtime, client, "la-72", combo, own_case)
    runtime.close()


def test_api_tokens_by_scope_and_holder(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path, CAMINO_SCHEDULER_ENABLED="false")
    s = seed(runtime)
    app = webhook.create_app(runtime)
    own_case = {"la-72": s.cases["tab"], "kino": s.cases["son"]}
    # A token per organization and scope, held by the member whose role allows it; and one
    # per scope held by a member whose roles do not (the scope is then refused: 403).
    holder_of = {"cases:read": "caseworker", "events:write": "caseworker", "stats:read": "analyst"}
    secrets_: dict[tuple[str, str, bool], str] = {}
    with runtime.sessions() as db, db.begin():
        for org in ("la-72", "kino"):
            record = accounts.find_organization(db, org)
            assert record is not None
            for scope in tokens.SCOPES:
                for fitting in (True, False):
                    role = holder_of[scope] if fitting else "auditor"
                    holder = db.scalars(
                        select(Staff).where(Staff.email == s.staff[(org, role)])
                    ).one()
                    secret, _ = tokens.create_api_token(
                        db,
                        org=record,
                        name=scope,
                        scopes=[scope],
                        now=runtime.clock(),
                        holder=holder,
                    )
                    secrets_[(org, scope, fitting)] = secret
    with TestClient(app) as client:
        for method, path, scope_needed in API:
            url = path.format(case=own_case["la-72"])
            before = _audit_count(runtime)
            response = client.request(method, url, json={"status": "in_review"})
            assert response.status_code == 401
            assert _audit_count(runtime) == before  # anonymous: not in the audit log
            for (org, scope, fitting), secret in secrets_.items():
                before = _audit_count(runtime)
                response = client.request(
                    method,
                    url,
                    json={"status": "in_review"},
                    headers={"authorization": f"Bearer {secret}"},
                )
                ok = fitting and scope == scope_needed and ("{case}" not in path or org == "la-72")
                assert (response.status_code in (200, 201)) == ok, (org, scope, url, response)
                assert _audit_count(runtime) == before + 1
    with runtime.sessions() as db:
        assert audit.verify(db, runtime.vault).ok
    runtime.close()
