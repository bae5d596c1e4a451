"""The one list of statistics dimensions: what cases are counted by, and in which order.

The CLI, the dashboard and the API all export and show these, in this order (the group of
perpetrators, criminals or authorities, before the perpetrators themselves).
"""

from __future__ import annotations

from typing import Literal, get_args

Dimension = Literal[
    "month",
    "crime_type",
    "perpetrator_group",
    "perpetrator",
    "state",
    "nationality",
    "gender",
    "age_group",
    "funnel",
]
DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)
# Dimensions where one case may count in several cells: cells do not add up to the total.
MULTI_VALUED: frozenset[Dimension] = frozenset(
    {"crime_type", "perpetrator", "perpetrator_group", "funnel"}
)
# The impunity funnel: reported cases, and how many got each step further on the justice track.
FUNNEL = ("reported", "complaint_filed", "charges_filed", "sentence")
# A case reached a funnel stage when its justice track got to that step or any later one.
REACHED = {
    "complaint_filed": frozenset(
        {"complaint_filed", "evidence_taken", "charges_filed", "sentence"}
    ),
    "charges_filed": frozenset({"charges_filed", "sentence"}),
    "sentence": frozenset({"sentence"}),
}
# The cell of cases whose answer is missing or "no sé".
UNKNOWN = "unknown"
