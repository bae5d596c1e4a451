"""What the intake's victims, dates and earlier reports become once filed: columns, the complaint
PDF, and victims (not cases) in the statistics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import cases
from bot.app.runtime import Runtime
from bot.core.i18n import format_approx_date, translator
from bot.intake.documents import sections
from bot.stats import tables
from bot.stats.protection import Protection
from bot.stats.victims import minors_table, victim_counts, victim_table
from bot.store.models import Case
from tests.support.dashboard_helpers import file_case
from tests.support.factories import make_runtime

SEVERAL = {
    "who": "witness",
    "reporter_role": "witness",
    "incident_state": "MX-TAB",
    "victim_count": 3,
    "victim_groups": {"women": 2, "men": 0, "children": 1},
    "victim_nationality": "HN",
    "victim_nationalities": {"HN": 2, "GT": 1},
    "already_reported": True,
    "prior_reports": ["state_prosecutor", "asked_money"],
    "incident_date": {"precision": "week", "value": "2026-11-07"},
}


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    current = make_runtime(f"sqlite:///{tmp_path}/v.db", tmp_path)
    yield current
    current.close()


def _case(runtime: Runtime, case_id: str) -> Case:
    with runtime.sessions() as db:
        case = db.get(Case, case_id)
        assert case is not None
        db.expunge(case)
        return case


def test_several_victims_become_columns(runtime: Runtime) -> None:
    case = _case(runtime, file_case(runtime, SEVERAL)[0])
    assert (case.victims_women, case.victims_men, case.victims_children) == (2, 0, 1)
    assert case.victims_minors is True
    assert case.victim_nationalities == "HN:2 GT:1"
    assert case.victim_gender is None  # women and a child: no one gender
    assert (case.prior_reports, case.prior_outcome) == ("state_prosecutor", "asked_money")
    assert (case.incident_date_precision, case.incident_date) == ("week", date(2026, 11, 7))


def test_groups_correct_a_smaller_count_and_give_one_gender(runtime: Runtime) -> None:
    men = {**SEVERAL, "victim_count": 2, "victim_groups": {"women": 0, "men": 5, "children": 0}}
    case = _case(runtime, file_case(runtime, men)[0])
    assert case.victim_count == 5 and case.victim_gender == "man"
    assert case.victims_minors is False


def test_one_young_victim_is_a_minor_and_not_reporting_before_is_none(runtime: Runtime) -> None:
    one = {"victim_count": 1, "victim_age_group": "12_17", "already_reported": False}
    case = _case(runtime, file_case(runtime, one)[0])
    assert case.victims_minors is True
    assert (case.prior_reports, case.prior_outcome) == ("none", None)
    grown = _case(runtime, file_case(runtime, {"victim_count": 1, "victim_age_group": "30_59"})[0])
    assert grown.victims_minors is False and grown.prior_reports is None  # not asked: not known


def test_the_pdf_says_groups_minors_countries_and_an_approximate_date(runtime: Runtime) -> None:
    case = _case(runtime, file_case(runtime, SEVERAL)[0])
    text = "\n".join(
        line for section in sections(case, {}, reference="X") for line in section.lines
    )
    assert "Por grupo: mujeres: 2, hombres: 0, niñas y niños: 1" in text
    assert "menores de 18 años" in text
    assert "Nacionalidades: Honduras (2), Guatemala (1)" in text
    assert "Cuándo: Hacia el 7 de noviembre de 2026 (fecha aproximada" in text
    assert "Cuándo: 7 de noviembre de 2026\n" not in text + "\n"  # never as an exact day
    assert "Dónde: Fiscalía del estado" in text
    assert "La autoridad pidió dinero para recibirla." in text


def test_statistics_count_victims_by_group_and_cases_with_minors(runtime: Runtime) -> None:
    file_case(runtime, SEVERAL)  # 2 women, 1 child
    file_case(runtime, {**SEVERAL, "victim_count": 4, "victim_groups": {"men": 3}})  # 1 unknown
    file_case(runtime, {"victim_count": 1, "victim_gender": "woman", "victim_age_group": "30_59"})
    file_case(runtime, {"victim_count": 1, "victim_gender": "man", "victim_age_group": "12_17"})
    with runtime.sessions() as db:
        everything = select(Case)
        counts = victim_counts(db, everything, tables.Filters())
        assert counts == {"women": 3, "men": 3, "children": 2, "unknown": 1}
        table = victim_table(db, everything, tables.Filters(), Protection(1, b"x" * 32))
        assert table.total == 9 and table.labels == ("women", "men", "children", "unknown")
        # Nine victims are drawn to 10 or hidden, each group (under 10) hidden.
        protected = victim_table(db, everything, tables.Filters(), Protection(5, b"x" * 32))
        assert protected.released_total() in (None, 10)
        assert protected.released() == [None, None, None, None]
        minors = minors_table(db, everything, tables.Filters(), Protection(1, b"x" * 32))
        assert dict(zip(minors.labels, minors.counts, strict=True)) == {
            "with_minors": 2,
            "without_minors": 1,
            "unknown": 1,
        }


def test_the_date_of_the_facts_at_its_precision_in_the_statistics() -> None:
    assert tables.incident_cell(date(2026, 11, 7), "week") == "2026-11"
    assert tables.incident_cell(date(2025, 1, 1), "year") == "2025"
    assert tables.incident_cell(None, "over_a_year") == "over_a_year"
    assert tables.incident_cell(None, "unknown") == "unknown"


@pytest.mark.parametrize(
    ("language", "week", "year"),
    [
        ("es", "hacia el 7 de noviembre de 2026, aprox.", "en 2025"),
        ("en", "around November 7, 2026", "in 2025"),
        ("fr", "vers le 7 novembre 2026", "en 2025"),
        ("ht", "anviwon 7 novembre 2026", "an 2025"),
    ],
)
def test_an_approximate_date_reads_as_one_in_every_language(
    language: str, week: str, year: str
) -> None:
    t = translator(language)
    assert format_approx_date("week", date(2026, 11, 7), language, t) == week
    assert format_approx_date("year", date(2025, 1, 1), language, t) == year
    assert format_approx_date("unknown", None, language, t) is None


def test_a_note_with_evidence_is_kept_encrypted(runtime: Runtime) -> None:
    case_id, _ = file_case(runtime, SEVERAL)
    from bot.conversation.messages import Media

    with runtime.sessions() as db, db.begin():
        case = db.get(Case, case_id)
        assert case is not None
        item = cases.attach_evidence(
            db,
            runtime.vault,
            case,
            now=runtime.clock(),
            media=Media("image/jpeg", b"\xff\xd8\xff" + b"x" * 10),
            note="Así quedó mi mochila",
        )
        assert item.note_enc is not None and b"mochila" not in item.note_enc
    with runtime.sessions() as db:
        case = db.get(Case, case_id)
        assert case is not None
        assert [e.note for e in cases.evidence_items(runtime.vault, case)] == [
            "Así quedó mi mochila"
        ]
