"""Whatever a person types, in any order, the engine answers and never loses what it stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversation import engine, protocol
from bot.conversation.messages import InboundEvent, Location, Media
from bot.conversation.modes.complaint import FLOWS
from bot.conversation.state import save, upgrade

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
WORDS = [
    "1",
    "2",
    "3",
    "5",
    "1, 3",
    "sí",
    "no",
    "atrás",
    "menú",
    "salir",
    "ayuda",
    "idioma",
    "listo",
    "saltar",
    "Chiapas",
    "Honduras",
    "ayer",
    "15/03",
    "+52 55 1234 5678",
    "Enviar",
    "/start",
    "",
    " ",
    "🙂",
    "0",
    "999",
]

events = st.one_of(
    st.sampled_from(WORDS).map(lambda text: InboundEvent(text=text)),
    st.text(max_size=40).map(lambda text: InboundEvent(text=text)),
    st.builds(
        InboundEvent,
        choice=st.sampled_from(
            ["yes", "no", "_done", "_skip", "victim", "kidnapping", "send", "change", "x"]
        ),
        step_id=st.one_of(
            st.none(), st.sampled_from(["menu", "crime_types", "summary", "consent_store", "edit"])
        ),
    ),
    st.just(InboundEvent(media=(Media("image/jpeg", b"\xff\xd8jpeg"),))),
    st.just(InboundEvent(location=Location(16.5, -95.0))),
    st.builds(
        InboundEvent,
        command=st.sampled_from(["start", "help", "menu", "back", "exit", "language", "unknown"]),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["es", "en", None]), st.lists(events, max_size=40))
def test_any_sequence_of_inputs_gets_an_answer(
    lang: str | None, sequence: list[InboundEvent]
) -> None:
    ctx = protocol.Context(now=NOW)
    result = engine.handle(None, InboundEvent(language_hint=lang), ctx)
    state = save(result.state)
    for event in sequence:
        before = dict(state.get("answers", {}))
        result = engine.handle(upgrade(state), event, ctx)
        # Filing is answered by the service's receipt (`engine.receipt_messages`).
        filing = protocol.SubmitCase | protocol.FileUrgent
        assert result.messages or any(isinstance(e, filing) for e in result.effects)
        state = json.loads(json.dumps(save(result.state)))
        after = state.get("answers", {})
        # Answers a choice sets beside its own (`sets`) go with the step that set them.
        lost = {key for key in set(before) - set(after) if key in FLOWS["complaint"].index}
        if lost and not any(
            isinstance(e, protocol.DiscardDraft | protocol.SubmitCase | protocol.FileUrgent)
            for e in result.effects
        ):
            # Only "back" or changing an answer at the summary removes one answer at a time.
            assert len(lost) <= 1 or all(
                not FLOWS["complaint"].step(step_id).applies(after) for step_id in lost
            )
