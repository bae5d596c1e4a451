"""Tracks that mirror Mexican procedure: each track's full path, corrections that supersede a
wrong step (kept in the timeline, gone from the PDF, statistics and retention), and several
referrals going on in parallel, each with its own status."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot import cases
from bot.cases import tracks
from bot.cases.events import in_effect, latest_status
from bot.follow.events import add_event
from bot.intake.documents import sections
from bot.privacy import retention
from bot.stats import tables as stats
from bot.store.contacts import Sender
from bot.store.models import Case, CaseEvent
from tests.support.chats import filed_case
from tests.support.factories import make_runtime


def _record(db: Any, runtime: Any, case: Case, status: str, **extra: Any) -> CaseEvent:
    return add_event(
        db,
        runtime.vault,
        case,
        status=status,
        author="ana",
        note=extra.pop("note", None),
        family_visible=extra.pop("family_visible", False),
        now=runtime.clock(),
        **extra,
    )


def _case(runtime: Any, who: str) -> str:
    code, _pin = filed_case(runtime, Sender("console", who))
    return code


def test_each_track_full_path(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    code = _case(runtime, "paths")
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        justice = [
            ("complaint_filed", {"record_kind": "carpeta", "number": "FED/CANARYNUM/2026"}),
            ("investigation", {}),
            ("early_testimony_taken", {"occurred_on": date(2026, 3, 2)}),
            ("judicialized", {}),
            ("arrest_warrant", {}),
            ("early_testimony_taken", {}),  # independent: after judicialization too
            ("conviction", {}),
        ]
        for status, extra in justice:
            _record(db, runtime, case, status, body="state_prosecutor", **extra)
        for status in ("queja_filed", "admitted", "conciliation", "closed"):
            _record(db, runtime, case, status, body="state_commission")
        for status in (
            "detained",
            "released",
            "humanitarian_visa_requested",
            "humanitarian_visa_denied",
            "humanitarian_visa_appealed",
            "humanitarian_visa_granted",  # granted on appeal: same rank as denied, allowed
            "asylum_requested",
            "asylum_recognized",
            "left_mexico",
        ):
            _record(db, runtime, case, status)
        with pytest.raises(cases.EventError):  # a visa request after the appeal: backwards
            _record(db, runtime, case, "humanitarian_visa_requested")
        with pytest.raises(cases.EventError):  # a queja goes to a commission, not a prosecutor
            _record(db, runtime, case, "queja_filed", body="state_prosecutor")
        with pytest.raises(cases.EventError):  # only a denuncia opens a carpeta
            _record(db, runtime, case, "investigation", body="state_prosecutor", record_kind="acta")
        entries = cases.timeline(db, runtime.vault, case)
        first = entries[0]
        assert first.record_kind == "carpeta" and first.number == "FED/CANARYNUM/2026"
        stored = db.get(CaseEvent, first.id)
        assert stored is not None and b"CANARYNUM" not in (stored.number_enc or b"")
        assert entries[2].occurred_on == date(2026, 3, 2) and entries[2].day == date(2026, 3, 2)
        assert latest_status(db, case, "justice") == "conviction"
        assert latest_status(db, case, "queja") == "closed"
        assert latest_status(db, case, "migration") == "left_mexico"
    runtime.close()


def test_archivo_temporal_can_be_reopened(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    code = _case(runtime, "reopen")
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        for status in ("complaint_filed", "archived", "investigation", "no_prosecution"):
            _record(db, runtime, case, status, body="federal_migrant_unit")
        with pytest.raises(cases.EventError):
            _record(db, runtime, case, "investigation", body="federal_migrant_unit")
    runtime.close()


def test_several_referrals_in_parallel(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    code = _case(runtime, "parallel")
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        _record(db, runtime, case, "referred", body="state_prosecutor")
        _record(db, runtime, case, "complaint_filed", body="state_prosecutor")
        _record(db, runtime, case, "judicialized", body="state_prosecutor")
        # The CNDH after a denuncia, the federal unit and the consulate: each on its own.
        _record(db, runtime, case, "referred", body="cndh")
        _record(db, runtime, case, "queja_filed", body="cndh")
        _record(db, runtime, case, "complaint_filed", body="federal_migrant_unit")
        _record(db, runtime, case, "referred", body="consulate")
        _record(db, runtime, case, "referral_answered", body="consulate")
        latest: dict[tuple[str, str | None], str] = {}
        for event in db.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, in_effect())
            .order_by(CaseEvent.seq)
        ):
            latest[(event.track, event.body)] = event.status
        assert {key: value for key, value in latest.items() if key[0] != "intake"} == {
            ("referral", "state_prosecutor"): "referred",
            ("justice", "state_prosecutor"): "judicialized",
            ("referral", "cndh"): "referred",
            ("queja", "cndh"): "queja_filed",
            ("justice", "federal_migrant_unit"): "complaint_filed",
            ("referral", "consulate"): "referral_answered",
        }
        # A justice step without a body goes to the state prosecutor (the CLI and API of before).
        _record(db, runtime, case, "arrest_warrant")
        assert latest_status(db, case, "justice") == "arrest_warrant"
    runtime.close()


def test_a_wrong_sentence_is_corrected_and_the_track_goes_on(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path)
    code = _case(runtime, "correct")
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        wrong = _record(
            db, runtime, case, "conviction", body="state_prosecutor", family_visible=True
        )
        with pytest.raises(cases.EventError):  # the mis-click would lock the track...
            _record(db, runtime, case, "complaint_filed", body="state_prosecutor")
        # ...until it is corrected: withdrawn, or replaced by the right step.
        fix = _record(
            db, runtime, case, "complaint_filed", corrects=wrong.id, note="era la denuncia"
        )
        assert fix.corrects_id == wrong.id and wrong.superseded_by_id == fix.id
        with pytest.raises(cases.EventError):  # a correction is made once
            _record(db, runtime, case, "investigation", corrects=wrong.id)
        _record(db, runtime, case, "investigation")
        second = _record(db, runtime, case, "judicialized")
        _record(db, runtime, case, "entered_in_error", corrects=second.id)
        _record(db, runtime, case, "archived")
        entries = cases.timeline(db, runtime.vault, case)
        by_status = {e.status: e for e in entries}
        assert not by_status["conviction"].effective and by_status["complaint_filed"].effective
        assert not by_status["judicialized"].effective
        assert not by_status["entered_in_error"].effective
        assert [e.status for e in entries if e.effective and e.track == "justice"] == [
            "complaint_filed",
            "investigation",
            "archived",
        ]
        # The family no longer reads the wrong step.
        family = [e for e in cases.timeline(db, runtime.vault, case, family_only=True)]
        assert [e.status for e in family if e.effective] == []
        # The complaint PDF prints the corrected track only.
        printed = sections(case, {}, entries, reference="X")
        follow = next(s for s in printed if s.heading == "Seguimiento registrado")
        assert not any("condenatoria" in line for line in follow.lines)
        assert any("Denuncia presentada" in line for line in follow.lines)
        # Statistics: the funnel counts a denuncia, no judicialization, no conviction.
        counts, _ = stats.raw_counts(
            db, select(Case).where(Case.id == case.id), stats.Filters(), "funnel"
        )
        assert counts["complaint_filed"] == 1 and counts["judicialized"] == 0
        assert counts["conviction"] == 0
    runtime.close()


def test_retention_reads_the_corrected_track(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    code = _case(runtime, "retention")
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        wrong = _record(db, runtime, case, "no_prosecution", body="state_prosecutor")
        _record(db, runtime, case, "entered_in_error", corrects=wrong.id)
        case_id = case.id
    later = runtime.clock() + timedelta(days=800)
    with runtime.sessions() as db:
        assert case_id not in retention.closed_cases_due(db, now=later, retention_days=365)
    with runtime.sessions() as db, db.begin():
        case = db.get(Case, case_id)
        assert case is not None
        _record(db, runtime, case, "no_prosecution", body="state_prosecutor")
    with runtime.sessions() as db:
        assert case_id in retention.closed_cases_due(db, now=later, retention_days=365)
    runtime.close()


def test_a_disappearance_is_kept_while_the_person_may_be_missing(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path)
    code = _case(runtime, "missing")
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        case.still_missing_or_held = True
        _record(db, runtime, case, "archived", body="state_prosecutor")
        case_id = case.id
    later = runtime.clock() + timedelta(days=800)
    with runtime.sessions() as db:
        assert case_id not in retention.closed_cases_due(db, now=later, retention_days=365)
    with runtime.sessions() as db, db.begin():
        case = db.get(Case, case_id)
        assert case is not None
        found = _record(db, runtime, case, "person_found")
    with runtime.sessions() as db:
        assert case_id in retention.closed_cases_due(db, now=later, retention_days=365)
    with runtime.sessions() as db, db.begin():  # recorded by mistake: kept again
        case = db.get(Case, case_id)
        assert case is not None
        _record(db, runtime, case, "entered_in_error", corrects=found.id)
    with runtime.sessions() as db:
        assert case_id not in retention.closed_cases_due(db, now=later, retention_days=365)
    runtime.close()


def test_a_line_lists_its_ranked_statuses_and_the_justice_endings_are_its_last_rank() -> None:
    justice = tracks.line_statuses("justice")
    assert {"complaint_filed", "judicialized", "conviction", "archived"} <= justice
    assert "early_testimony_taken" not in justice  # the justice track, an independent line
    assert tracks.JUSTICE_ENDINGS.issubset(justice)
    assert all(tracks.step(status).rank == 3 for status in tracks.JUSTICE_ENDINGS)
    assert all(tracks.step(status).line == "justice" for status in justice)
    assert tracks.step("detained") == tracks.Step("presence", None)
    assert tracks.may_follow("conviction", "investigation")
    assert not tracks.may_follow("investigation", "conviction")
