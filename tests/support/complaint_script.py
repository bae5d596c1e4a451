"""Canonical answers for a full complaint, shared by engine, storage, channel and CLI tests.

Numbers pick options, so the same script works in every language; free text carries canaries
that must never appear in plaintext anywhere at rest.
"""

from __future__ import annotations

CANARY_NAME = "Zacarias Canarygold"
CANARY_PHONE = "+50499887766"
CANARY_SENTENCE = "Nos bajaron del tren en Canaryville y pidieron quinientos dolares"
CANARY_PLACE = "Rancho Canaryhill"
CANARY_NOW = "Lo tienen en una casa de seguridad en Canaryburgo y piden rescate"

# (expected step id, answer) pairs: a victim in Mexico, hurt with others, who wants a shelter to
# call back.
VICTIM_IN_MEXICO: list[tuple[str, str]] = [
    ("menu", "1"),
    ("consent_store", "1"),
    ("danger_now", "4"),
    ("who", "2"),
    ("reporter_where", "Chiapas"),
    ("description", CANARY_SENTENCE),
    ("crime_types", "1, 5"),
    ("perpetrators", "1, 5"),
    ("incident_place", CANARY_PLACE),
    ("incident_state", "Oaxaca"),
    ("incident_date", "15/03"),
    ("victim_count", "2 hombres"),
    ("victim_nationality", "Honduras"),
    ("victim_gender", "2"),
    ("victim_age_group", "25"),
    ("wants", "1, 3, 9"),
    ("contact", "llamada"),  # a call to another number
    ("contact_phone", CANARY_PHONE),
    ("reporter_name", CANARY_NAME),
    ("contact_hours", "1"),
    ("summary", "1"),
]

# A relative in Honduras whose brother is still held: the urgent fast path files the report
# after three answers (anonymous: no time to call), then the relative completes it.
RELATIVE_ABROAD_ANONYMOUS: list[tuple[str, str]] = [
    ("menu", "1"),
    ("consent_store", "1"),
    ("danger_now", "2"),
    ("danger_state", "Tamaulipas"),
    ("happening_now", CANARY_NOW),
    ("contact", "anónimo"),
    ("complete", "1"),
    ("who", "3"),
    ("reporter_where", "Honduras"),
    ("description", CANARY_SENTENCE),
    ("crime_types", "1"),
    ("perpetrators", "1"),
    ("officials_colluded", "3"),
    ("incident_place", "1"),
    ("incident_state", "Tamaulipas"),
    ("incident_date", "15/03"),
    ("victim_name", CANARY_NAME),
    ("victim_nationality", "1"),
    ("victim_gender", "2"),
    ("victim_age_group", "25"),
    ("wants", "8, 9"),
    ("prior_reports", "3"),  # from a Mexican consulate (MAE)
    ("authority", "Carpeta FED/123/2026"),
    ("summary", "1"),
]

CANARIES = (CANARY_NAME, CANARY_PHONE, CANARY_SENTENCE, CANARY_PLACE, CANARY_NOW)
