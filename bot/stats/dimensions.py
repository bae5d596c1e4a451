"""The one list of statistics dimensions: what cases are counted by, and in which order.

The CLI, the dashboard and the API all export and show these, in this order (the group of
perpetrators, criminals or authorities, before the perpetrators themselves).
"""

from __future__ import annotations

from typing import Literal, get_args

from bot.cases.tracks import line_statuses

Dimension = Literal[
    "month",
    "incident_month",
    "crime_type",
    "perpetrator_group",
    "perpetrator",
    "state",
    "municipality",
    "nationality",
    "gender",
    "age_group",
    "victims_per_report",
    "complaint_wish",
    "outcomes",
    "funnel",
]
DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)
# Dimensions where one case may count in several cells: cells do not add up to the total.
MULTI_VALUED: frozenset[Dimension] = frozenset(
    {"crime_type", "perpetrator", "perpetrator_group", "outcomes", "funnel"}
)
# The impunity funnel (domain.md): the facts reported, a denuncia (before Camino or after), a
# carpeta de investigación opened, judicialization (vinculación a proceso), a conviction.
FUNNEL = ("reported", "complaint_filed", "carpeta", "judicialized", "conviction")
# A case reached a funnel stage when its corrected justice track got to that step or a later
# one (a denuncia made before Camino counts too, see `bot.stats.tables`).
REACHED = {
    "complaint_filed": line_statuses("justice"),  # every step of the justice line
    "carpeta": frozenset({"carpeta"}),
    "judicialized": frozenset({"judicialized", "conviction", "acquittal", "sentence_unrecorded"}),
    "conviction": frozenset({"conviction"}),
}
# Where a denuncia made before Camino counts as one (coded history).
PROSECUTORS = frozenset({"state_prosecutor", "federal_migrant_unit", "mae_consulate"})
# Steps counted as outcomes (a case counts once in each it reached, on its corrected track).
OUTCOMES = (
    "early_testimony_taken",
    "humanitarian_visa_requested",
    "humanitarian_visa_granted",
    "humanitarian_visa_denied",
    "humanitarian_visa_appealed",
    "asylum_requested",
    "asylum_recognized",
    "asylum_denied",
    # A queja (CNDH or a state commission) and how it went.
    "queja_filed",
    "admitted",
    "conciliation",
    "recommendation",
    "closed",
    "deported",
    "person_found",
)
# Whether the person wanted a denuncia, and whether one was presented (before or after Camino).
COMPLAINT_WISH = (
    "wanted_presented",
    "wanted_not_presented",
    "not_wanted_presented",
    "not_wanted_not_presented",
)
# The cell of cases whose answer is missing or "no sé".
UNKNOWN = "unknown"
# Dimensions a case may name nothing of (no crime, no perpetrator said): such a case is unknown.
UNKNOWN_WHEN_NONE = frozenset({"crime_type", "perpetrator", "perpetrator_group"})
# How many people a report says were hurt, in bands (each with its largest number).
VICTIM_BANDS = (("1", 1), ("2_5", 5), ("6_20", 20), ("21_plus", 1_000_000))
