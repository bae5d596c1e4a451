"""Where Twilio's API calls go: `TWILIO_API_BASE_URL` (a local fake in tests) in place of
`*.twilio.com`, and how long a call may take."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

TIMEOUT = 10.0


def rewrite_url(url: str, base_url: str | None) -> str:
    """`https://api.twilio.com/x` -> `<base>/x` when a base URL is set; other URLs unchanged."""
    if not base_url:
        return url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host != "twilio.com" and not host.endswith(".twilio.com"):
        return url
    base = urlsplit(base_url)
    path = base.path.rstrip("/") + parts.path
    return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))
