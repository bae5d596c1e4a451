"""Statistics the report asks for: the date of the facts at its precision, a wanted denuncia
against one presented (before Camino or after), and outcomes read from the corrected tracks."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.follow.events import add_event
from bot.stats import tables as stats
from bot.stats.protection import Protection
from bot.store.models import Case
from tests.support.dashboard_helpers import file_case
from tests.support.factories import make_runtime

K = 5


def test_dates_wishes_and_outcomes(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/o.db", tmp_path)
    ids = []
    for i in range(12):
        case_id, _ = file_case(
            runtime,
            {
                "incident_state": "MX-TAB",
                "wants_complaint": i < 8,
                "incident_date": (
                    {"precision": "month", "value": "2026-02-01"}
                    if i < 9
                    else {"precision": "over_a_year"}
                ),
            },
        )
        ids.append(case_id)
    with runtime.sessions() as db, db.begin():
        for number, case_id in enumerate(ids):
            case = db.get(Case, case_id)
            assert case is not None
            if number < 2:
                case.prior_reports = "state_prosecutor"  # a denuncia made before Camino
            elif number < 4:
                add_event(
                    db,
                    runtime.vault,
                    case,
                    status="complaint_filed",
                    author="a",
                    note=None,
                    family_visible=False,
                    now=runtime.clock(),
                )
            if number in (4, 5):  # a queja before the CNDH, admitted
                for status in ("queja_filed", "admitted"):
                    add_event(
                        db,
                        runtime.vault,
                        case,
                        status=status,
                        author="a",
                        note=None,
                        family_visible=False,
                        now=runtime.clock(),
                    )
            wrong = add_event(
                db,
                runtime.vault,
                case,
                status="humanitarian_visa_granted",
                author="a",
                note=None,
                family_visible=False,
                now=runtime.clock(),
            )
            if number == 0:  # a mistake, corrected: not an outcome
                add_event(
                    db,
                    runtime.vault,
                    case,
                    status="entered_in_error",
                    corrects=wrong.id,
                    author="a",
                    note=None,
                    family_visible=False,
                    now=runtime.clock(),
                )
    with runtime.sessions() as db:
        everything = select(Case)
        when, _ = stats.raw_counts(db, everything, stats.Filters(), "incident_month")
        assert when == {"2026-02": 9, "over_a_year": 3}
        wish, _ = stats.raw_counts(db, everything, stats.Filters(), "complaint_wish")
        assert wish == {
            "wanted_presented": 4,
            "wanted_not_presented": 4,
            "not_wanted_not_presented": 4,
        }
        outcomes, _ = stats.raw_counts(db, everything, stats.Filters(), "outcomes")
        assert outcomes["humanitarian_visa_granted"] == 11
        assert outcomes["queja_filed"] == outcomes["admitted"] == 2 and not outcomes["closed"]
        table = stats.table(db, everything, stats.Filters(), "outcomes", Protection(K, b"o" * 32))
        assert table.labels[0] == "early_testimony_taken"  # every outcome, even at zero
        released = dict(zip(table.labels, table.released(), strict=True))
        assert released["humanitarian_visa_granted"] in (10, 15)  # 11, rounded up or down
        assert released["early_testimony_taken"] is None
    runtime.close()
