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

# (expected step id, answer) pairs: a victim in Mexico who wants a shelter to call back.
VICTIM_IN_MEXICO: list[tuple[str, str]] = [
    ("menu", "1"),
    ("consent_store", "1"),
    ("in_danger", "2"),
    ("still_missing_or_held", "2"),
    ("reporter_role", "1"),
    ("reporter_where", "1"),
    ("reporter_state", "Chiapas"),
    ("crime_types", "1, 5"),
    ("perpetrators", "1, 5"),
    ("officials_colluded", "1"),
    ("incident_state", "Oaxaca"),
    ("incident_place", CANARY_PLACE),
    ("place_type", "1"),
    ("incident_date", "15/03"),
    ("victim_count", "2"),
    ("victim_nationality", "Honduras"),
    ("victim_gender", "2"),
    ("victim_age_group", "3"),
    ("indigenous_language", "1"),
    ("description", CANARY_SENTENCE),
    ("evidence", "1"),
    ("already_reported", "2"),
    ("wants_complaint", "1"),
    ("wants_visa_info", "1"),
    ("anonymous", "2"),
    ("reporter_name", CANARY_NAME),
    ("wants_contact", "1"),
    ("contact_channel", "2"),
    ("contact_phone", CANARY_PHONE),
    ("contact_hours", "1"),
    ("allow_family_follow", "1"),
    ("summary", "1"),
]

# A relative in Honduras whose brother is still held: the urgent fast path files the report
# after four answers, then the relative completes it, anonymously.
RELATIVE_ABROAD_ANONYMOUS: list[tuple[str, str]] = [
    ("menu", "1"),
    ("consent_store", "1"),
    ("in_danger", "2"),
    ("still_missing_or_held", "1"),
    ("danger_state", "Tamaulipas"),
    ("happening_now", CANARY_NOW),
    ("contact_channel", "1"),
    ("contact_hours", "4"),
    ("complete", "1"),
    ("reporter_role", "3"),
    ("reporter_where", "2"),
    ("reporter_country", "Honduras"),
    ("crime_types", "1"),
    ("perpetrators", "1"),
    ("officials_colluded", "3"),
    ("incident_state", "Tamaulipas"),
    ("incident_place", "1"),
    ("place_type", "4"),
    ("incident_date", "15/03"),
    ("victim_count", "1"),
    ("victim_name", CANARY_NAME),
    ("victim_nationality", "1"),
    ("victim_gender", "2"),
    ("victim_age_group", "3"),
    ("indigenous_language", "1"),
    ("description", CANARY_SENTENCE),
    ("evidence", "1"),
    ("already_reported", "1"),
    ("authority", "Consulado, carpeta FED/123/2026"),
    ("wants_complaint", "1"),
    ("wants_visa_info", "2"),
    ("anonymous", "1"),
    ("allow_family_follow", "1"),
    ("summary", "1"),
]

CANARIES = (CANARY_NAME, CANARY_PHONE, CANARY_SENTENCE, CANARY_PLACE, CANARY_NOW)
