"""`camino serve` believes X-Forwarded-Proto (and -For) only from CAMINO_TRUSTED_PROXIES."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.factories import camino_env
from tests.support.server import running_server

FROM_PROXY = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7"}


@pytest.mark.parametrize(("trusted", "secure"), [("127.0.0.1", True), ("10.9.8.7", False)])
def test_forwarded_https_counts_only_from_a_trusted_proxy(
    tmp_path: Path, trusted: str, secure: bool
) -> None:
    env = camino_env(
        f"sqlite:///{tmp_path}/camino.db",
        tmp_path,
        CAMINO_TRUSTED_PROXIES=trusted,
        CAMINO_OUTBOX_ENABLED="false",
        CAMINO_SCHEDULER_ENABLED="false",
    )
    with running_server(env, tmp_path, timeout=120) as base:
        response = httpx.get(f"{base}/chat", headers=FROM_PROXY, timeout=30)
    assert response.status_code == 200
    assert ("secure" in response.headers["set-cookie"].lower()) is secure
