"""Every dashboard and API route, as every role of two organizations and anonymously.

Only what the role (or token scope) allows answers 200, and every attempt is in the audit log.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import webhook
from bot.staff import accounts
from bot.store.models import AuditEntry
from tests.support.dashboard_helpers import login, seed
from tests.support.databases import count_rows
from tests.support.factories import make_runtime

# path template, the role allowed (None: any signed-in role redirects, never 200 for anonymous)
PAGES = [
    ("/dashboard/cases", "caseworker"),
    ("/dashboard/cases/{case}", "caseworker"),
    ("/dashboard/cases/{case}/complaint.pdf", "caseworker"),
    ("/dashboard/stats", "analyst"),
    ("/dashboard/stats/export?format=csv", "analyst"),
    ("/dashboard/stats/export?format=json", "analyst"),
    ("/dashboard/audit", "auditor"),
    ("/dashboard/staff", "admin"),
]
API = [
    ("GET", "/api/v1/cases", "cases:read"),
    ("GET", "/api/v1/cases/{case}", "cases:read"),
    ("POST", "/api/v1/cases/{case}/events", "events:write"),
    ("GET", "/api/v1/stats/crime_type", "stats:read"),
]


def _audit_count(runtime) -> int:  # type: ignore[no-untyped-def]
    return count_rows(runtime, AuditEntry)


pytestmark = pytest.mark.usefixtures("cheap_hashing")


def test_role_matrix(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path, CAMINO_SCHEDULER_ENABLED="false")
    s = seed(runtime)
    app = webhook.create_app(runtime)
    own_case = {"la-72": s.cases["tab"], "kino": s.cases["son"]}
    with TestClient(app) as anonymous:
        for path, _role in PAGES:
            before = _audit_count(runtime)
            response = anonymous.get(path.format(case=s.cases["tab"]), follow_redirects=False)
            assert response.status_code == 303
            assert _audit_count(runtime) == before + 1
        for org in ("la-72", "kino"):
            for role in accounts.ROLES:
                client = TestClient(app)
                email = s.staff[(org, role)]
                login(client, email, s.secrets[email])
                for path, allowed_role in PAGES:
                    for case_org in ("la-72", "kino"):
                        if "{case}" not in path and case_org == "kino":
                            continue
                        url = path.format(case=own_case[case_org])
                        before = _audit_count(runtime)
                        status = client.get(url, follow_redirects=False).status_code
                        expected = role == allowed_role and (
                            "{case}" not in path or case_org == org
                        )
                        assert (status == 200) == expected, (org, role, url, status)
                        assert _audit_count(runtime) == before + 1
                        with runtime.sessions() as db:
                            last = db.scalars(
                                select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)
                            ).one()
                        assert last.actor.startswith("staff:")
    # The API, token by token.
    tokens: dict[tuple[str, str], str] = {}
    with runtime.sessions() as db, db.begin():
        for org in ("la-72", "kino"):
            record = accounts.find_organization(db, org)
            assert record is not None
            for scope in accounts.SCOPES:
                secret, _ = accounts.create_api_token(
                    db, org=record, name=scope, scopes=[scope], now=runtime.clock()
                )
                tokens[(org, scope)] = secret
    with TestClient(app) as client:
        for method, path, scope_needed in API:
            url = path.format(case=own_case["la-72"])
            before = _audit_count(runtime)
            response = client.request(method, url, json={"status": "in_review"})
            assert response.status_code == 401
            assert _audit_count(runtime) == before + 1
            for (org, scope), secret in tokens.items():
                before = _audit_count(runtime)
                response = client.request(
                    method,
                    url,
                    json={"status": "in_review"},
                    headers={"authorization": f"Bearer {secret}"},
                )
                ok = scope == scope_needed and ("{case}" not in path or org == "la-72")
                assert (response.status_code in (200, 201)) == ok, (org, scope, url, response)
                assert _audit_count(runtime) == before + 1
    with runtime.sessions() as db:
        from bot.privacy import audit

        assert audit.verify(db).ok
    runtime.close()
