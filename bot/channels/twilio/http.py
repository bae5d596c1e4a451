"""The Twilio SDK's HTTP client, pointed at `TWILIO_API_BASE_URL` when one is set (a local fake).

Its own module so that importing `rest` does not load the SDK's REST stack (`requests`).
"""

from __future__ import annotations

from typing import Any

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

from bot.channels.twilio.urls import TIMEOUT, rewrite_url


class RedirectingHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """The SDK's HTTP client, sending `*.twilio.com` requests to `base_url` instead."""

    def __init__(self, base_url: str | None, timeout: float = TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        """Rewrite the URL, then send as the SDK would."""
        return super().request(method, rewrite_url(url, self.base_url), *args, **kwargs)
