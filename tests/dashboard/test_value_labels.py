"""A statistic's cell in plain words, whatever kind of dimension it belongs to."""

from __future__ import annotations

from bot.core.i18n import translator
from bot.dashboard.routes.statistics import value_label
from bot.stats import tables

t = translator("es")


def label(dimension: str, value: str) -> str:
    return value_label(dimension, value, t, "es")


def test_code_lists_name_their_codes() -> None:
    assert label("crime_type", "kidnapping") == "Secuestro"
    assert label("victim_group", "women") == "Mujeres"
    assert label("victim_group", "no-such-code") == "no-such-code"


def test_dimensions_with_words_of_their_own() -> None:
    assert label("funnel", "complaint_filed") == "Con denuncia"
    assert label("perpetrator_group", "officials") == "Autoridades"
    assert label("complaint_wish", "wanted_presented").startswith("Quería denunciar")
    assert label("minors", "without_minors") == "Sin menores"
    assert label("victims_per_report", "2_5") == "De 2 a 5 personas"
    assert label("funnel", "unheard_of") == "unheard_of"


def test_places_months_and_the_unknown() -> None:
    assert label("state", "MX-TAB").startswith("Tabasco")
    assert label("incident_month", "over_a_year") == "Hace más de un año"
    assert label("incident_month", "2026-01") == "2026-01"
    assert label("gender", tables.UNKNOWN) == "Sin dato"
