"""Fixtures of the Twilio channel tests: the fake Twilio, for the account in twilio_helpers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fakes.fake_twilio import FakeTwilio
from tests.support.twilio_helpers import ACCOUNT_SID, AUTH_TOKEN


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as server:
        yield server
