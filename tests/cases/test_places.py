"""Cases filed before the municipality was read from the place get one from
`camino case municipalities`; staff corrections and erased cases are left alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from bot.app.cli import main
from bot.app.runtime import Runtime
from bot.core.config import get_settings
from bot.store.models import AuditEntry, Case
from tests.support.dashboard_helpers import file_case
from tests.support.factories import TEST_DATA_KEY, make_runtime


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


def test_earlier_cases_get_their_municipality(runtime: Runtime) -> None:
    answers = {"incident_state": "MX-TAM", "crime_types": ["extortion"], "perpetrators": ["gang"]}
    earlier, _ = file_case(runtime, {**answers, "incident_place": {"text": "Reynosa, Tamaulipas"}})
    corrected, _ = file_case(runtime, {**answers, "incident_place": "Reynosa"})
    vague, _ = file_case(runtime, {**answers, "incident_place": "en la carretera"})
    with runtime.sessions() as db, db.begin():
        # As before the municipality was read when a report is filed.
        db.execute(update(Case).values(incident_municipality=None))
        db.execute(
            update(Case)
            .where(Case.id == corrected)
            .values(incident_municipality="28022", municipality_by_staff=True)
        )
    result = CliRunner().invoke(main, ["case", "municipalities"])
    assert result.exit_code == 0, result.output
    assert "Read 2 places; 1 cases now have a municipality." in result.output
    with runtime.sessions() as db:
        found = {row[0]: row[1] for row in db.execute(select(Case.id, Case.incident_municipality))}
        assert found == {earlier: "28032", corrected: "28022", vague: None}
        actions = list(db.scalars(select(AuditEntry.action)))
        assert "case.municipalities" in actions
