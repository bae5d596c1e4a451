"""The directory of shelters and organizations: an admin-maintained YAML file, checked on load.

The runtime loads it once (`load`) and hands the entries to the engine, which stays pure;
`nearest` (from `bot.core.geography`) orders them for a person: same state, neighbouring
states, national organizations, and, for someone abroad, the organizations with an office in
their country.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.core.geography import MX_STATES as MX_STATES
from bot.core.geography import NEIGHBOURS as NEIGHBOURS
from bot.core.geography import nearest as nearest

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "data" / "directory.yaml"

Service = Literal[
    "shelter", "food", "legal", "medical", "psychological", "humanitarian_visa", "search"
]
SERVICES: tuple[str, ...] = (
    "shelter",
    "food",
    "legal",
    "medical",
    "psychological",
    "humanitarian_visa",
    "search",
)


class DirectoryError(ValueError):
    """The directory file is missing, unreadable, or an entry is wrong (named in the message)."""


class Entry(BaseModel):
    """One shelter or organization, as the administrator wrote it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    state: str | None = None
    country: str = "MX"
    national: bool = False
    offices_abroad: tuple[str, ...] = ()
    services: tuple[Service, ...] = ()
    languages: tuple[str, ...] = ("es",)
    contact: str | None = Field(None, max_length=300)

    @field_validator("state")
    @classmethod
    def _known_state(cls, value: str | None) -> str | None:
        if value is not None and value not in MX_STATES:
            raise ValueError(f"{value!r} is not an ISO 3166-2:MX state code such as MX-SON")
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return _country_code(value)

    @field_validator("offices_abroad")
    @classmethod
    def _countries(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_country_code(code) for code in value)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if len(code) != 2 or not code.isascii() or not code.islower():
                raise ValueError(f"{code!r} is not a two-letter language code such as es")
        return value

    @model_validator(mode="after")
    def _place(self) -> Entry:
        if self.country == "MX" and self.state is None:
            raise ValueError("an office in Mexico needs a state (e.g. MX-SON)")
        if self.country != "MX" and self.state is not None:
            raise ValueError("a state is only for offices in Mexico (country MX)")
        return self


def _country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, or a clear error."""
    import pycountry

    if len(value) != 2 or pycountry.countries.get(alpha_2=value.upper()) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 country code such as US")
    return value.upper()


def parse(data: Any) -> tuple[Entry, ...]:
    """Check the loaded YAML document; errors name the entry and the field."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise DirectoryError("The directory must have a list called 'entries'.")
    entries: list[Entry] = []
    for number, raw in enumerate(data["entries"], start=1):
        label = raw.get("id") if isinstance(raw, dict) and raw.get("id") else f"#{number}"
        try:
            entries.append(Entry.model_validate(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "entry"
            message = first["msg"].removeprefix("Value error, ")
            raise DirectoryError(f"Directory entry {label}, field {where}: {message}.") from None
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise DirectoryError(f"Directory entry {entry.id}: the id is used twice.")
        seen.add(entry.id)
    return tuple(entries)


def load(path: str | Path | None = None) -> tuple[Entry, ...]:
    """Read and check a directory file (the demo file when no path is given)."""
    source = Path(path) if path else DEFAULT_FILE
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise DirectoryError(f"The directory file {source} cannot be read.") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DirectoryError(f"The directory file {source} is not valid YAML.") from exc
    return parse(data)
