"""Drive /chat in headless Chromium the way a person would: buttons, text, files, quick exit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Playwright

from tests.support.backends import CHROMIUM

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[1] / "assets" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-output"


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, with nothing talking to the outside."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)


class ChatPage:
    """A person on /chat; works the same with JavaScript on (htmx) or off (full reloads)."""

    def __init__(self, page: Page, *, javascript: bool) -> None:
        self.page = page
        self.javascript = javascript
        self.csp_errors: list[str] = []
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_errors.append(message.text)

    @property
    def step(self) -> str | None:
        return self.page.locator("#now").get_attribute("data-step")

    def _submit(self, selector: str) -> None:
        """Click a submit button and wait until the chat region has been replaced."""
        if not self.javascript:
            with self.page.expect_navigation():
                self.page.click(selector)
            return
        self.page.evaluate("document.getElementById('chat').dataset.old = '1'")
        with self.page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/chat")
        ):
            self.page.click(selector)
        self.page.wait_for_function(
            "() => { const c = document.getElementById('chat');"
            " return c && !c.dataset.old && !c.classList.contains('htmx-settling'); }"
        )

    def press(self, code: str) -> None:
        self._submit(f'form.options button[name="choice"][value="{code}"]')

    def command(self, name: str) -> None:
        self._submit(f'form.nav button[name="command"][value="{name}"]')

    def say(self, text: str) -> None:
        self.page.fill("#text", text)
        self._submit("form.answer button.send")

    def upload(self, path: Path) -> None:
        self.page.set_input_files("#file", str(path))
        self._submit("form.answer button.send")

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        # caret="initial": hiding the caret would inject a <style>, which the CSP refuses.
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.x A/AA violations axe-core finds on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
