"""The neutral page quick exit lands on: a plain weather page, made up here, no outside request.

The numbers change with the date so the page looks alive, and nothing on it points to Camino.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


CITIES = ("Ciudad de México", "Guadalajara", "Monterrey", "Oaxaca", "Mérida", "Puebla")
SKIES = (N_("Soleado"), N_("Parcialmente nublado"), N_("Nublado"), N_("Lluvia ligera"))


@dataclass(frozen=True)
class Forecast:
    """Today's weather in one city."""

    city: str
    sky: str
    high: int
    low: int


def forecasts(day: date) -> list[Forecast]:
    """A stable, plausible forecast for each city on `day`."""
    result = []
    for city in CITIES:
        seed = hashlib.sha256(f"{city}:{day.isoformat()}".encode()).digest()
        high = 20 + seed[0] % 14
        result.append(
            Forecast(
                city=city, sky=SKIES[seed[1] % len(SKIES)], high=high, low=high - 8 - seed[2] % 5
            )
        )
    return result
