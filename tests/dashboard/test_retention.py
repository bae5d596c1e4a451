"""The organization's retention period on the Team page: admins only, CSRF, audited, in range."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

import webhook
from bot.staff.accounts import (
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    AccountError,
    parse_retention_days,
)
from bot.store.models import AuditEntry, Organization
from tests.support.dashboard_helpers import FAST_SETTINGS, login, seed
from tests.support.factories import make_runtime
from tests.support.pages import csrf_of

pytestmark = pytest.mark.usefixtures("cheap_hashing")


def _retention(runtime, org_id: str) -> int | None:  # type: ignore[no-untyped-def]
    with runtime.sessions() as db:
        org = db.get(Organization, org_id)
        assert org is not None
        return org.retention_days


def test_admin_sets_the_retention_period(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(
        database_url,
        tmp_path,
        CAMINO_OUTBOX_ENABLED="false",
        CAMINO_SCHEDULER_ENABLED="false",
        **FAST_SETTINGS,
    )
    s = seed(runtime)
    org_id = s.org_ids["la-72"]
    app = webhook.create_app(runtime)
    with TestClient(app) as admin:
        email = s.staff[("la-72", "admin")]
        login(admin, email, s.secrets[email])
        page = admin.get("/dashboard/staff")
        assert page.status_code == 200 and 'action="/dashboard/settings/retention"' in page.text
        assert "vacío: 365 días" in page.text
        csrf = csrf_of(page.text)
        url = "/dashboard/settings/retention"
        saved = admin.post(
            url, data={"retention_days": "400", "csrf": csrf}, follow_redirects=False
        )
        assert saved.status_code == 303 and _retention(runtime, org_id) == 400
        assert 'name="retention_days" type="number"' in admin.get("/dashboard/staff").text
        assert 'value="400"' in admin.get("/dashboard/staff").text
        for bad in ("29", "3651", "abc", "-60", "١٢٠"):
            refused = admin.post(url, data={"retention_days": bad, "csrf": csrf})
            assert refused.status_code == 400 and "entre 30 y 3650" in refused.text
        assert _retention(runtime, org_id) == 400
        forged = admin.post(url, data={"retention_days": "30"}, follow_redirects=False)
        assert forged.status_code == 400 and _retention(runtime, org_id) == 400
        cleared = admin.post(url, data={"retention_days": "", "csrf": csrf}, follow_redirects=False)
        assert cleared.status_code == 303 and _retention(runtime, org_id) is None
    with TestClient(app) as caseworker:
        email = s.staff[("la-72", "caseworker")]
        login(caseworker, email, s.secrets[email])
        csrf = csrf_of(caseworker.get("/dashboard/cases").text)
        denied = caseworker.post(
            "/dashboard/settings/retention",
            data={"retention_days": "60", "csrf": csrf},
            follow_redirects=False,
        )
        assert denied.status_code == 403 and _retention(runtime, org_id) is None
    with runtime.sessions() as db:
        entries = list(db.scalars(select(AuditEntry).where(AuditEntry.action == "org.retention")))
    outcomes = [(e.outcome, json.loads(e.detail).get("retention_days", "-")) for e in entries]
    assert ("ok", 400) in outcomes and ("ok", None) in outcomes
    assert sum(outcome == "rejected" for outcome, _ in outcomes) == 6  # 5 bad, 1 without CSRF
    assert len(entries) == 9  # every attempt, the forged and the denied ones too
    runtime.close()


@given(st.integers(min_value=MIN_RETENTION_DAYS, max_value=MAX_RETENTION_DAYS))
def test_days_in_range_parse(days: int) -> None:
    assert parse_retention_days(f" {days} ") == days


@given(st.text(max_size=16))
def test_any_typed_text_parses_or_is_refused(text: str) -> None:
    try:
        days = parse_retention_days(text)
    except AccountError:
        return
    assert days is None or MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS
    assert (days is None) == (text.strip() == "")
