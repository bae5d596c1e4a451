"""Fixtures of the channel tests: the whole app in process on the module's `runtime`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.app.runtime import Runtime
from webhook import create_app


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    """A TestClient on `create_app(runtime)`, started (lifespan run) and closed around the test."""
    with TestClient(create_app(runtime)) as test_client:
        yield test_client
