"""Every report has an owner: the covering organizations, else the fallback organization,
which sees the uncovered cases and no others; urgent drafts are shown, other drafts are not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot import cases
from bot.app.runtime import Runtime
from bot.staff import ownership
from bot.staff.access import InboxFilters, find_visible_case, inbox_page, visible_cases
from bot.store.models import Alert, Case
from tests.support.alerting import add_org, file_and_alert, org_by_slug
from tests.support.dashboard_helpers import file_case
from tests.support.factories import make_runtime


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    rt = make_runtime(database_url, tmp_path)
    add_org(rt, "la-72", ["MX-TAB", "MX-CHP"])
    add_org(rt, "kino", ["MX-SON"])
    add_org(rt, "sonora-dos", ["MX-SON"])
    add_org(rt, "respaldo", [], is_fallback=True)
    yield rt
    rt.close()


def slugs(orgs: list[object]) -> list[str]:
    return sorted(getattr(o, "slug") for o in orgs)  # noqa: B009


def test_owners_are_the_covering_organizations_else_the_fallback(runtime: Runtime) -> None:
    with runtime.sessions() as db, db.begin():
        assert slugs(ownership.covering(db, "MX-SON")) == ["kino", "sonora-dos"]
        assert ownership.covering(db, None) == []
        fallback = ownership.fallback(db)
        assert fallback is not None and fallback.slug == "respaldo"
        son = Case(incident_state="MX-SON", reporter_state="MX-TAM")
        assert slugs(ownership.assign(db, son)) == ["kino", "sonora-dos"]
        assert son.uncovered is False
        # The reporter's state routes a case without an incident state (as access.py does).
        reporter_only = Case(incident_state=None, reporter_state="MX-CHP")
        assert slugs(ownership.assign(db, reporter_only)) == ["la-72"]
        tamaulipas = Case(incident_state="MX-TAM", reporter_country="SV")
        assert slugs(ownership.assign(db, tamaulipas)) == ["respaldo"]
        assert tamaulipas.uncovered is True
        abroad = Case(incident_state=None, reporter_state=None, reporter_country="HN")
        assert slugs(ownership.owners(db, abroad)) == ["respaldo"]


def test_without_a_fallback_an_uncovered_case_has_no_owner(
    database_url: str, tmp_path: Path
) -> None:
    rt = make_runtime(database_url, tmp_path)
    add_org(rt, "la-72", ["MX-TAB"])
    with rt.sessions() as db, db.begin():
        case = Case(incident_state="MX-TAM")
        assert ownership.assign(db, case) == []
        assert case.uncovered is True
    rt.close()


def test_one_fallback_at_a_time(runtime: Runtime) -> None:
    with runtime.sessions() as db, db.begin():
        kino = org_by_slug(runtime, "kino")
        ownership.set_fallback(db, db.merge(kino))
    with runtime.sessions() as db:
        fallback = ownership.fallback(db)
        assert fallback is not None and fallback.slug == "kino"
        assert db.query(type(fallback)).filter_by(is_fallback=True).count() == 1


def test_the_fallback_sees_uncovered_cases_and_nothing_it_does_not_own(runtime: Runtime) -> None:
    tam = file_and_alert(runtime, {"incident_state": "MX-TAM"}, urgent=False)
    son = file_and_alert(runtime, {"incident_state": "MX-SON"}, urgent=False)
    tab = file_and_alert(runtime, {"incident_state": "MX-TAB"}, urgent=False)
    respaldo, kino, la72 = (org_by_slug(runtime, s) for s in ("respaldo", "kino", "la-72"))
    with runtime.sessions() as db:
        seen = lambda org: {c.id for c in db.scalars(visible_cases(org))}  # noqa: E731
        assert seen(respaldo) == {tam}
        assert seen(kino) == {son}
        assert seen(la72) == {tab}
        assert find_visible_case(db, respaldo, son) is None
        assert find_visible_case(db, kino, tam) is None
        page, _ = inbox_page(db, respaldo, InboxFilters(), None)
        assert [c.id for c in page] == [tam]
        page, _ = inbox_page(db, kino, InboxFilters(), None)
        assert [c.id for c in page] == [son]


def test_urgent_drafts_are_shown_plain_drafts_are_not(runtime: Runtime) -> None:
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        urgent = cases.ensure_draft(
            db, runtime.vault, case_id=None, channel="sms", language="es", now=now
        )
        urgent.incident_state, urgent.urgent, urgent.submitted_at = "MX-TAB", True, now
        plain = cases.ensure_draft(
            db, runtime.vault, case_id=None, channel="sms", language="es", now=now
        )
        plain.incident_state = "MX-TAB"
        ids = urgent.id, plain.id
    la72 = org_by_slug(runtime, "la-72")
    with runtime.sessions() as db:
        assert find_visible_case(db, la72, ids[0]) is not None
        assert find_visible_case(db, la72, ids[1]) is None
        page, _ = inbox_page(db, la72, InboxFilters(), None)
        assert [c.id for c in page] == [ids[0]]


def test_an_escalation_grants_the_fallback_that_case_only(runtime: Runtime) -> None:
    son = file_and_alert(runtime, {"incident_state": "MX-SON"})
    other = file_case(runtime, {"incident_state": "MX-SON"}, when=runtime.clock())[0]
    respaldo = org_by_slug(runtime, "respaldo")
    with runtime.sessions() as db, db.begin():
        assert find_visible_case(db, respaldo, son) is None
        db.add(
            Alert(
                case_id=son,
                org_id=respaldo.id,
                kind="urgent",
                reason="escalation",
                created_at=runtime.clock(),
                last_sent_at=runtime.clock() + timedelta(minutes=15),
                rounds=1,
            )
        )
    with runtime.sessions() as db:
        assert find_visible_case(db, respaldo, son) is not None
        assert find_visible_case(db, respaldo, other) is None
        page, _ = inbox_page(db, respaldo, InboxFilters(), None)
        assert [c.id for c in page] == [son]
