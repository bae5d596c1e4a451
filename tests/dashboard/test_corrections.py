"""Casework that can be corrected, on the dashboard: steps that matter are confirmed, a wrong
one is corrected (both stay, in the timeline and the audit log), referrals are explicit,
withdrawable and go onward only with consent; coverage reaches later reports only.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import webhook
from bot.app.runtime import Runtime
from bot.staff import accounts
from bot.staff.access import InboxFilters, find_visible_case, inbox_page
from bot.store.models import AuditEntry, Case, CaseEvent, Organization
from tests.support.dashboard_helpers import FAST_SETTINGS, Seeded, file_case, login, seed
from tests.support.factories import make_runtime
from tests.support.pages import csrf_of

pytestmark = pytest.mark.usefixtures("cheap_hashing")


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[tuple[Runtime, Seeded, TestClient]]:
    runtime = make_runtime(
        database_url,
        tmp_path,
        CAMINO_OUTBOX_ENABLED="false",
        CAMINO_SCHEDULER_ENABLED="false",
        **FAST_SETTINGS,
    )
    seeded = seed(runtime)
    with runtime.sessions() as db, db.begin():
        accounts.create_organization(
            db, slug="cndh-ally", name="Aliada", city=None, states=[], now=runtime.clock()
        )
    with TestClient(webhook.create_app(runtime)) as client:
        yield runtime, seeded, client
    runtime.close()


def _as(client: TestClient, s: Seeded, org: str) -> TestClient:
    other = TestClient(client.app)
    email = s.staff[(org, "caseworker")]
    login(other, email, s.secrets[email])
    return other


def _post(client: TestClient, case_id: str, path: str, **data: str) -> str:
    csrf = csrf_of(client.get(f"/dashboard/cases/{case_id}").text)
    answer = client.post(
        f"/dashboard/cases/{case_id}/{path}", data={**data, "csrf": csrf}, follow_redirects=False
    )
    return answer.headers.get("location", "") if answer.status_code == 303 else answer.text


def test_a_wrong_sentence_is_confirmed_then_corrected(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    la72 = _as(client, s, "la-72")
    case_id = s.cases["tab"]
    shown = _post(la72, case_id, "events", status="conviction", body="state_prosecutor")
    assert 'id="confirm-form"' in shown and "Sentencia condenatoria" in shown
    with runtime.sessions() as db:
        assert db.scalars(select(CaseEvent).where(CaseEvent.status == "conviction")).all() == []
    done = _post(la72, case_id, "events", status="conviction", body="state_prosecutor", confirm="1")
    assert done.endswith("done=event")
    refused = _post(la72, case_id, "events", status="complaint_filed", confirm="1")
    assert refused.endswith("error=event")
    with runtime.sessions() as db:
        wrong = db.scalars(select(CaseEvent).where(CaseEvent.status == "conviction")).one()
    correcting = _post(la72, case_id, "events", status="complaint_filed", corrects=wrong.id)
    assert 'id="confirm-form"' in correcting  # a correction is always confirmed
    fixed = _post(
        la72,
        case_id,
        "events",
        status="complaint_filed",
        corrects=wrong.id,
        record_kind="carpeta",
        number="CARPETA-CANARY-7",
        confirm="1",
    )
    assert fixed.endswith("done=corrected")
    assert _post(la72, case_id, "events", status="investigation", confirm="1").endswith(
        "done=event"
    )
    page = la72.get(f"/dashboard/cases/{case_id}").text
    assert "<del><strong>Sentencia condenatoria</strong></del>" in page
    assert "CARPETA-CANARY-7" in page and "Corrige un paso anterior" in page
    with runtime.sessions() as db:
        audited = db.scalars(select(AuditEntry).where(AuditEntry.action == "case.event")).all()
        assert len([a for a in audited if a.outcome == "ok"]) == 3
        assert "CARPETA-CANARY-7" not in " ".join(a.detail for a in audited)


def test_referral_is_explicit_withdrawable_and_onward_only_with_consent(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    la72, kino = _as(client, s, "la-72"), _as(client, s, "kino")
    case_id = s.cases["tab"]
    page = la72.get(f"/dashboard/cases/{case_id}").text
    assert '<option value="">' in page.split('id="refer-to"')[1].split("</select>")[0]
    assert _post(la72, case_id, "refer", organization="").endswith("error=refer")
    assert kino.get(f"/dashboard/cases/{case_id}").status_code == 404
    assert _post(la72, case_id, "refer", organization="kino").endswith("done=refer")
    assert kino.get(f"/dashboard/cases/{case_id}").status_code == 200
    # Kino received it: no onward referral without La 72's consent.
    assert _post(kino, case_id, "refer", organization="cndh-ally").endswith("error=onward")
    with runtime.sessions() as db:
        ally = db.scalars(select(Organization).where(Organization.slug == "cndh-ally")).one()
        assert find_visible_case(db, ally, case_id) is None
    referral_id = la72.get(f"/dashboard/cases/{case_id}").text.split("/referrals/")[1].split("/")[0]
    assert _post(la72, case_id, f"referrals/{referral_id}/onward", allowed="1").endswith(
        "done=onward"
    )
    assert _post(kino, case_id, "refer", organization="cndh-ally").endswith("done=refer")
    with runtime.sessions() as db:
        assert find_visible_case(db, ally, case_id) is not None
    # Kino cannot withdraw La 72's referral; La 72 can, and the onward one ends with it.
    assert _post(kino, case_id, f"referrals/{referral_id}/withdraw").endswith("error=withdraw")
    assert _post(la72, case_id, f"referrals/{referral_id}/withdraw").endswith("done=withdrawn")
    assert kino.get(f"/dashboard/cases/{case_id}").status_code == 404
    with runtime.sessions() as db:
        assert find_visible_case(db, ally, case_id) is None
        actions = set(db.scalars(select(AuditEntry.action)))
    assert {"case.refer", "case.onward", "case.unrefer"} <= actions
    assert "Retirada" in la72.get(f"/dashboard/cases/{case_id}").text


def test_a_referral_is_changed_only_by_the_organization_that_made_it(world) -> None:  # type: ignore[no-untyped-def]
    _runtime, s, client = world
    la72, kino = _as(client, s, "la-72"), _as(client, s, "kino")
    case_id = s.cases["tab"]
    assert _post(la72, case_id, "refer", organization="kino").endswith("done=refer")
    referral_id = la72.get(f"/dashboard/cases/{case_id}").text.split("/referrals/")[1].split("/")[0]
    onward = f"referrals/{referral_id}/onward"
    assert _post(kino, case_id, onward, allowed="1").endswith("error=withdraw")
    for unknown in ("0" * 32, "not-an-id"):
        assert _post(la72, case_id, f"referrals/{unknown}/onward").endswith("error=withdraw")
        assert _post(la72, case_id, f"referrals/{unknown}/withdraw").endswith("error=withdraw")
    assert _post(la72, case_id, onward, allowed="1").endswith("done=onward")


def test_coverage_reaches_reports_filed_after_it(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, _client = world
    old_case = s.cases["tab"]
    later = runtime.clock() + timedelta(minutes=5)
    with runtime.sessions() as db, db.begin():
        kino = db.scalars(select(Organization).where(Organization.slug == "kino")).one()
        accounts.set_coverage(kino, ["MX-SON", "MX-TAB"], later)
    new_case, _code = file_case(
        runtime, {"incident_state": "MX-TAB"}, when=later + timedelta(minutes=1)
    )
    with runtime.sessions() as db:
        kino = db.scalars(select(Organization).where(Organization.slug == "kino")).one()
        assert accounts.coverage(kino)["MX-SON"] is None  # covered from the start
        assert find_visible_case(db, kino, old_case) is None
        assert find_visible_case(db, kino, new_case) is not None
        rows, _ = inbox_page(db, kino, InboxFilters(), None)
        ids = {case.id for case in rows}
        assert new_case in ids and old_case not in ids and s.cases["son"] in ids
        tab_only, _ = inbox_page(db, kino, InboxFilters(state="MX-TAB"), None)
        assert [case.id for case in tab_only] == [new_case]
    with runtime.sessions() as db, db.begin():  # kept when the list is saved again
        kino = db.scalars(select(Organization).where(Organization.slug == "kino")).one()
        accounts.set_coverage(kino, ["MX-TAB", "MX-SON"], later + timedelta(days=1))
        assert accounts.coverage(kino)["MX-TAB"] == later


def test_coded_history_of_earlier_reports(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    la72 = _as(client, s, "la-72")
    case_id = s.cases["tab"]
    csrf = csrf_of(la72.get(f"/dashboard/cases/{case_id}").text)
    saved = la72.post(
        f"/dashboard/cases/{case_id}/history",
        data={"prior": ["state_prosecutor", "inm"], "outcome": "asked_money", "csrf": csrf},
        follow_redirects=False,
    )
    assert saved.headers["location"].endswith("done=history")
    refused = la72.post(
        f"/dashboard/cases/{case_id}/history",
        data={"prior": ["none", "police"], "csrf": csrf},
        follow_redirects=False,
    )
    assert refused.headers["location"].endswith("error=history")
    with runtime.sessions() as db:
        case = db.get(Case, case_id)
        assert case is not None
        assert (case.prior_reports, case.prior_outcome) == ("inm state_prosecutor", "asked_money")
    page = la72.get(f"/dashboard/cases/{case_id}").text
    assert 'value="inm" checked' in page


def test_queja_documents_for_each_commission(world) -> None:  # type: ignore[no-untyped-def]
    _runtime, s, client = world
    la72 = _as(client, s, "la-72")
    case_id = s.cases["tab"]
    page = la72.get(f"/dashboard/cases/{case_id}").text
    assert f"/dashboard/cases/{case_id}/queja.pdf?to=state_commission" in page
    for to in ("cndh", "state_commission"):
        document = la72.get(f"/dashboard/cases/{case_id}/queja.pdf?to={to}")
        assert document.status_code == 200 and document.content.startswith(b"%PDF")
    assert la72.get(f"/dashboard/cases/{case_id}/queja.pdf?to=police").status_code == 404
