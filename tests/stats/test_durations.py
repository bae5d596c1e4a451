"""Median days from the report to each stage, from the corrected track, only over enough cases."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.follow.events import add_event
from bot.stats import tables as stats
from bot.stats.durations import median_days
from bot.stats.protection import Protection
from bot.store.models import Case
from tests.support.dashboard_helpers import file_case
from tests.support.factories import make_runtime

K = 5


def test_median_days_to_a_denuncia(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/d.db", tmp_path)
    ids = [file_case(runtime, {"incident_state": "MX-TAB"})[0] for _ in range(11)]
    with runtime.sessions() as db, db.begin():
        for number, case_id in enumerate(ids):
            case = db.get(Case, case_id)
            assert case is not None and case.submitted_at is not None
            step = add_event(
                db,
                runtime.vault,
                case,
                status="complaint_filed",
                author="a",
                note=None,
                family_visible=False,
                now=runtime.clock(),
                occurred_on=case.submitted_at.date() + timedelta(days=number),
            )
            if number == 10:  # recorded by mistake: not counted
                add_event(
                    db,
                    runtime.vault,
                    case,
                    status="entered_in_error",
                    corrects=step.id,
                    author="a",
                    note=None,
                    family_visible=False,
                    now=runtime.clock(),
                )
    with runtime.sessions() as db:
        found = median_days(db, select(Case), stats.Filters(), Protection(K, b"d" * 32))
    # 0 to 9 days: a median of 4.5, rounded half to even.
    assert found == {"complaint_filed": 4, "judicialized": None, "conviction": None}
    runtime.close()
