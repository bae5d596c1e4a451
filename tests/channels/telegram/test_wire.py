"""The Telegram wire format: button data, commands, erase words, keyboards, long texts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram.wire import (
    CALLBACK_DATA_MAX,
    FORGED_STEP,
    TEXT_MAX,
    Press,
    chunks,
    decode_press,
    encode_press,
    is_erase_word,
    keyboard,
    megabytes,
    pack,
    parse_command,
    press_event,
    split_text,
)
from bot.conversation.messages import Option, OutboundMessage
from bot.conversation.modes.answers import DONE, SKIP
from flows.complaint import COMPLAINT

TOKENS = st.from_regex(r"[A-Za-z0-9_\-]{1,30}", fullmatch=True)


def test_every_option_of_every_step_fits_in_callback_data() -> None:
    for step in COMPLAINT.steps:
        codes = [c.code for c in step.choices] + list(step.suggestions) + ["yes", "no", SKIP, DONE]
        for code in codes:
            data = encode_press(step.id, code)
            assert data is not None and len(data.encode()) <= CALLBACK_DATA_MAX
            assert decode_press(data) == Press(step.id, code)


@given(TOKENS, TOKENS)
def test_press_round_trips(step_id: str, code: str) -> None:
    data = encode_press(step_id, code)
    assert data is not None
    assert decode_press(data) == Press(step_id, code)


@given(st.one_of(st.none(), st.text(max_size=80)))
def test_any_callback_data_reads_as_a_press_or_a_forged_one(data: str | None) -> None:
    press = decode_press(data)
    event = press_event(press, "es")
    assert (event.choice is not None) or (event.text is not None and event.text.isdigit())
    if data is None or ":" not in data:
        assert press.step_id in (FORGED_STEP, "#")


def test_forged_press_is_a_stale_press() -> None:
    event = press_event(decode_press("consent_store:yes:extra"), None)
    assert event.step_id == FORGED_STEP
    assert press_event(decode_press("#:3"), None).text == "3"


@given(st.text(max_size=200))
def test_parse_command_never_fails(text: str) -> None:
    result = parse_command(text)
    if result is not None:
        assert text.strip().startswith("/")
        assert result[0] == result[0].lower()


def test_commands_with_payload_and_bot_name() -> None:
    assert parse_command("/start K7QM4T9X2HCB") == ("start", "K7QM4T9X2HCB")
    assert parse_command("/help@CaminoBot") == ("help", None)
    assert parse_command("/Erase") == ("erase", None)
    assert parse_command("hola /start") is None
    assert parse_command("/") is None


def test_erase_words_in_every_language() -> None:
    for word in ("borrar", "BORRAR", " Erase ", "effacer", "efase"):
        assert is_erase_word(word)
    assert not is_erase_word("borrar todo")
    assert not is_erase_word(None)


def test_keyboard_short_labels_pair_up_and_long_codes_fall_back_to_numbers() -> None:
    yes_no = OutboundMessage(
        "?", options=(Option("yes", "Sí"), Option("no", "No")), step_id="in_danger"
    )
    markup = keyboard(yes_no)
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [
        ["in_danger:yes", "in_danger:no"]
    ]
    long = OutboundMessage(
        "?", options=(Option("x" * 70, "Una opción con nombre largo"),), step_id="s"
    )
    markup = keyboard(long)
    assert markup is not None and markup.inline_keyboard[0][0].callback_data == "#:1"
    assert keyboard(OutboundMessage("info")) is None


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=10000))
def test_split_text_keeps_every_part_within_the_limit(text: str) -> None:
    parts = split_text(text)
    assert all(len(part) <= TEXT_MAX for part in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == (
        text.replace("\n", "").replace(" ", "")
    )


@given(st.lists(st.integers(min_value=1), max_size=450))
def test_delete_batches_hold_at_most_100_ids(ids: list[int]) -> None:
    batches = chunks(ids)
    assert all(1 <= len(batch) <= 100 for batch in batches)
    assert [i for batch in batches for i in batch] == ids


def _bare(text: str) -> str:
    return "".join(text.split())


@given(
    st.lists(st.tuples(st.text(max_size=120), st.booleans()), max_size=12),
    st.integers(min_value=20, max_value=80),
)
def test_pack_keeps_order_and_limit_and_protects_what_it_merges(
    texts: list[tuple[str, bool]], limit: int
) -> None:
    packed = pack(texts, limit)
    assert all(0 < len(text) <= limit for text, _ in packed)
    assert _bare("".join(text for text, _ in packed)) == _bare("".join(t for t, _ in texts))
    if not any(sensitive for _, sensitive in texts):
        assert not any(sensitive for _, sensitive in packed)
    if all(sensitive for _, sensitive in texts):
        assert all(sensitive for _, sensitive in packed)


def test_pack_joins_a_short_reply_into_one_message() -> None:
    assert pack([("Código: K7", True), ("Menú", False)]) == [("Código: K7\n\nMenú", True)]


def test_megabytes_for_people() -> None:
    assert megabytes(5 * 1024 * 1024) == "5"
    assert megabytes(5 * 512 * 1024) == "2.5"
    assert megabytes(10_000_000) == "9.5"
