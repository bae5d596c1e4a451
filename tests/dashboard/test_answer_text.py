"""Personal answers on the case page read as words, whatever shape the intake stored them in."""

from __future__ import annotations

from bot.core.i18n import translator
from bot.dashboard.casework import answer_text

T = translator("es")


def test_every_stored_shape_reads_as_words() -> None:
    assert answer_text("Nos bajaron del tren", T) == "Nos bajaron del tren"
    assert answer_text({"text": "Tenosique"}, T) == "Tenosique"
    assert "17.5" in answer_text({"lat": 17.5, "lon": -91.4}, T)
    assert answer_text({"evidence": "audio"}, T) == "Lo envió como archivo: está en las pruebas."
    assert answer_text({"person": True}, T) == "Prefiere contarlo a una persona"
