"""A complaint question's answer, read from what the person typed or pressed.

`parse` returns the value to store, `INVALID` (ask again, with `invalid_hint`) or `PENDING` (a
multiple choice was ticked: show the question again with the tick).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot.conversation.dates import parse_approx_date
from bot.conversation.messages import InboundEvent
from bot.conversation.parsers import (
    match_choice,
    match_choices,
    normalize,
    parse_country,
    parse_mx_state,
    parse_number,
    parse_phone,
    parse_yes_no,
)
from bot.conversation.protocol import StoreEvidence
from bot.conversation.turn import Turn
from bot.conversation.understand import (
    crimes_in,
    parse_age,
    parse_gender_age,
    perpetrators_in,
    place_type_in,
    state_in,
)
from bot.conversation.victims import (
    main_nationality,
    parse_nationalities,
    parse_victim_groups,
    parse_victim_list,
)
from bot.core import i18n
from bot.core.channels import can_push, has_buttons, shares_locations
from flows.keywords import DONE_WORDS
from flows.model import N_, UNKNOWN, Choice, Step

SKIP = "_skip"
DONE = "_done"
UNKNOWN_CHOICE = "_unknown"  # the "No sé" button
PERSON = "_person"  # "Prefiero contarlo a una persona"
# Keywords compared the way typed text is: without case, accents or surrounding punctuation.
_DONE = frozenset(normalize(w) for w in DONE_WORDS)


class _Sentinel:
    pass


INVALID: Any = _Sentinel()
PENDING: Any = _Sentinel()


@dataclass(frozen=True)
class Filled:
    """An answer that also answers other questions ("Tenosique, Tabasco": the state too)."""

    value: Any
    extras: dict[str, Any] = field(default_factory=dict)


_GENERIC_HINTS = {
    "choice": N_("Responda con el número de una opción."),
    "multi": N_("Responda con uno o varios números separados por comas, por ejemplo: 1, 3"),
    "yesno": N_("Responda «sí» o «no»."),
    "text": N_("Escriba su respuesta con palabras."),
    "number": N_("Escriba un número."),
    "age": N_("Escriba la edad en años, por ejemplo: 25."),
    "groups": N_("Escriba cuántos de cada uno, por ejemplo: 2 mujeres, 1 hombre, 0 niños."),
    "media": N_("Envíe una foto, un audio, un documento o una ubicación, o escriba «listo»."),
    "place": N_("Escriba el nombre del lugar o comparta una ubicación."),
}


def offered(turn: Turn, step: Step) -> tuple[Choice, ...]:
    """The step's choices this chat can keep: no "any hour" where Camino never writes unasked,
    no "call this number" where the chat has none."""
    ctx = turn.context
    channel = ctx.channel if ctx is not None else ""
    can = {
        None: True,
        "push": can_push(channel),
        "no_push": not can_push(channel),
        "phone": ctx is not None and ctx.phone is not None,
    }
    return tuple(c for c in step.choices if can.get(c.only, False))


def choice_options(turn: Turn, step: Step) -> list[tuple[str, list[str]]]:
    """A step's choices with the words that pick each: its label, translated and not, synonyms."""
    return [(c.code, [turn.t(c.label), c.label, *c.synonyms]) for c in offered(turn, step)]


def parse(turn: Turn, step: Step, event: InboundEvent) -> Any:
    text = (event.text or "").strip()
    kind = step.kind
    if kind == "choice":
        choice = turn.pick(event, step.id, choice_options(turn, step))
        if choice is None and step.id == "victim_gender" and text:
            gender, age = parse_gender_age(text)
            if gender is not None:
                return Filled(gender, {"victim_age_group": age} if age else {})
        return INVALID if choice is None else choice
    if kind == "multi":
        return parse_multi(turn, step, event)
    if kind == "yesno":
        if event.choice in ("yes", "no"):
            return event.choice == "yes"
        answer = parse_yes_no(text)
        return INVALID if answer is None else answer
    if kind == "text":
        if text and step.takes_no and parse_yes_no(text) is False:
            return False  # "no": an answer, distinct from "no sé" and from skipping
        if text and step.id == "description":
            found = {"crime_types": crimes_in(text), "perpetrators": perpetrators_in(text)}
            return Filled(text, {name: codes for name, codes in found.items() if codes})
        return text if text else INVALID
    if kind == "age":
        group = parse_age(text) if text else None
        return INVALID if group is None else group
    if kind == "where":
        return parse_where(turn, text)
    if kind == "number":
        if text and step.id == "victim_count" and (listed := parse_victim_count(text)):
            return listed
        number = parse_number(text, step.minimum, step.maximum)
        return INVALID if number is None else number
    if kind == "groups":
        count = turn.state.answers.get("victim_count")
        groups = parse_victim_groups(text, count if isinstance(count, int) else None)
        return INVALID if groups is None else groups
    if kind == "date":
        return parse_date(turn, text)
    if kind == "country":
        return parse_country_answer(turn, step, event, text)
    if kind == "mx_state":
        state = parse_mx_state(text) if text else None
        return INVALID if state is None else state
    if kind == "phone":
        phone = parse_phone(text) if text else None
        return INVALID if phone is None else phone
    if kind == "place":
        if event.location is not None:
            turn.effects.append(StoreEvidence(location=event.location))
            return {"lat": event.location.latitude, "lon": event.location.longitude}
        if not text:
            return INVALID
        where = {"incident_state": state_in(text), "place_type": place_type_in(text)}
        return Filled({"text": text}, {name: code for name, code in where.items() if code})
    if kind == "media":
        if event.choice == DONE or normalize(text) in _DONE:
            return turn.state.evidence
        return INVALID
    raise ValueError(f"unknown step kind {kind}")


def parse_date(turn: Turn, text: str) -> Any:
    local_now = turn.ctx.now.astimezone(ZoneInfo(turn.ctx.timezone)).replace(tzinfo=None)
    approx = parse_approx_date(text, turn.lang, local_now) if text else None
    if approx is None:
        return INVALID
    value = approx.value.isoformat() if approx.value else None
    return {"precision": approx.precision, "value": value}


def parse_victim_count(text: str) -> Filled | None:
    """ "2 mujeres y 1 niño" answers how many, and how many of each, at once."""
    listed = parse_victim_list(text)
    if listed is None:
        return None
    total, groups = listed
    return Filled(UNKNOWN if total is None else total, {"victim_groups": groups})


def parse_where(turn: Turn, text: str) -> Any:
    """Where the person is: a Mexican state, or a country ("México" alone: Mexico)."""
    if not text:
        return INVALID
    state = state_in(text)
    if state is not None:
        return Filled("mexico", {"reporter_state": state})
    country = parse_country(text, turn.lang)
    if country == "MX":
        return "mexico"
    if country is not None:
        return Filled("abroad", {"reporter_country": country})
    return INVALID


def parse_country_answer(turn: Turn, step: Step, event: InboundEvent, text: str) -> Any:
    if event.choice and event.choice in step.suggestions:
        return event.choice
    if text and "victim_nationalities" in step.fills:
        several = parse_nationalities(text, turn.lang)  # "2 Honduras, 1 Guatemala"
        if several is not None:
            return Filled(main_nationality(several), {"victim_nationalities": several})
    country = parse_country(text, turn.lang) if text else None
    if country is None and text:
        options = [(c, [i18n.country_name(c, turn.lang)]) for c in step.suggestions]
        country = match_choice(text, options)
    return INVALID if country is None else country


def parse_multi(turn: Turn, step: Step, event: InboundEvent) -> Any:
    codes = [c.code for c in step.choices]
    picked = turn.state.picked
    if event.choice is not None:
        if event.choice == DONE:
            if not picked:
                return INVALID
            return [c for c in codes if c in picked]
        if event.choice not in codes:
            return INVALID
        if event.choice in picked:
            picked.remove(event.choice)
        else:
            picked.append(event.choice)
        return PENDING
    text = (event.text or "").strip()
    if normalize(text) in _DONE and picked:
        return [c for c in codes if c in picked]
    chosen = match_choices(text, choice_options(turn, step)) if text else None
    return chosen if chosen else INVALID


# Where every option is a button, and where no location can be shared, nothing says otherwise.
_BUTTON_HINTS = {
    "choice": N_("Elija una de las opciones."),
    "multi": N_("Elija una o varias opciones y luego «Listo»."),
    "yesno": N_("Elija «Sí» o «No»."),
    "media": N_("Adjunte una foto, un audio o un PDF, o elija «Listo»."),
}
_NO_LOCATION_HINTS = {
    "media": N_("Envíe una foto, un audio o un documento, o escriba «listo»."),
    "place": N_("Escriba el nombre del lugar."),
}


def invalid_hint(turn: Turn, step: Step) -> str:
    if step.hint:
        return turn.t(step.hint)
    channel = turn.context.channel if turn.context is not None else ""
    hint = _GENERIC_HINTS.get(step.kind, N_("No entendí su respuesta."))
    if not shares_locations(channel):
        hint = _NO_LOCATION_HINTS.get(step.kind, hint)
    if has_buttons(channel):
        hint = _BUTTON_HINTS.get(step.kind, hint)
    return turn.t(hint)
