"""A person using the web chat in process (TestClient, no JavaScript), and a tiny photo."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.support.pages import csrf_of

# The smallest valid PNG (1x1): an upload the chat accepts as a photo.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


class Chat:
    """A person using /chat without JavaScript: forms, then 303 back to the page."""

    def __init__(self, client: TestClient, language: str = "es") -> None:
        self.client = client
        self.headers = {"accept-language": language}
        self.page = ""
        self.locations: list[str] = []
        self.get()

    def get(self) -> str:
        response = self.client.get("/chat", headers=self.headers)
        assert response.status_code == 200
        self.page = response.text
        return self.page

    @property
    def csrf(self) -> str:
        return csrf_of(self.page)

    @property
    def step(self) -> str | None:
        found = re.search(r'id="now" data-step="([^"]*)"', self.page)
        return found.group(1) if found else None

    def post(
        self,
        data: dict[str, str],
        files: dict[str, tuple[str, bytes, str]] | None = None,
        *,
        status: int = 303,
    ) -> str:
        response = self.client.post(
            "/chat",
            data={"csrf": self.csrf, **data},
            files=files,
            headers=self.headers,
            follow_redirects=False,
        )
        assert response.status_code == status, response.text[:500]
        if status == 303:
            self.locations.append(response.headers["location"])
            return self.get()
        self.page = response.text
        return self.page

    def say(self, text: str) -> str:
        return self.post({"text": text})

    def press(self, code: str) -> str:
        return self.post({"choice": code, "step_id": self.step or ""})
