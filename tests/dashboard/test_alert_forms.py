"""The alert settings form's destinations: read per channel, refused whole when one is wrong."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dashboard.routes.alerts_settings import typed_destinations
from bot.staff.orgsettings import Destinations


def test_each_channel_is_read_from_its_own_field() -> None:
    typed = typed_destinations(
        sms="+529341112233, +529341112233", whatsapp="", telegram="-1001234567890\n42"
    )
    assert typed == Destinations(sms=("+529341112233",), telegram=("-1001234567890", "42"))


def test_one_wrong_entry_refuses_them_all() -> None:
    assert typed_destinations(sms="+529341112233", whatsapp="9341112233", telegram="") is None
    assert typed_destinations(sms="", whatsapp="", telegram="@camino") is None


def test_nothing_typed_is_no_destination() -> None:
    typed = typed_destinations(sms="", whatsapp=" ", telegram="\n")
    assert typed is not None and typed.items() == []


@settings(deadline=None)
@given(st.text(max_size=400), st.text(max_size=400), st.text(max_size=400))
def test_any_form_is_destinations_or_refused(sms: str, whatsapp: str, telegram: str) -> None:
    typed = typed_destinations(sms=sms, whatsapp=whatsapp, telegram=telegram)
    assert typed is None or isinstance(typed, Destinations)
