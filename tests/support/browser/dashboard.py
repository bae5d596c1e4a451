"""Drive the shelters' dashboard in headless Chromium: sign in, screenshots, charts, layout."""

from __future__ import annotations

from typing import Any

import pyotp
from playwright.sync_api import Page

from tests.support.browser.chat import SCREENSHOTS

# Chart.js bars are drawn in the dashboard's accent colour (stats.js).
BAR_RGB = (0x1F, 0x5F, 0xA8)


class ConsoleWatch:
    """Collects what the page reports: CSP refusals, script errors, failed loads."""

    def __init__(self, page: Page) -> None:
        self.csp: list[str] = []
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.csp.append(text)
        elif message.type == "error":
            self.errors.append(text)


def shot(page: Page, name: str) -> None:
    """A full-page screenshot under test-output/ (caret kept: hiding it injects a <style>)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"dashboard-{name}.png"), full_page=True, caret="initial"
    )


def submit(page: Page, selector: str) -> None:
    """Click a submit button and wait for the page it leads to (forms answer 303 + GET)."""
    with page.expect_navigation():
        page.click(selector)


def sign_in(page: Page, base: str, email: str, password: str, secret: str | None) -> None:
    """Password, then the authenticator's code (computed from the TOTP secret)."""
    page.goto(f"{base}/dashboard/login")
    page.fill("#email", email)
    page.fill("#password", password)
    submit(page, "main form button[type=submit]")
    if secret is None:
        return
    assert page.url.endswith("/dashboard/login/totp"), page.url
    page.fill("#code", pyotp.TOTP(secret).now())
    submit(page, "main form button[type=submit]")
    assert "/login" not in page.url, page.url


def horizontal_overflow(page: Page) -> list[str]:
    """Elements sticking out to the right of the viewport (empty when nothing scrolls sideways)."""
    result: list[str] = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) { return []; }
          return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 5).map(e => e.outerHTML.slice(0, 120));
        }"""
    )
    if not result and page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    ):
        return ["(the page scrolls sideways)"]
    return result


def chart_report(page: Page) -> list[dict[str, Any]]:
    """For each chart canvas: whether Chart.js owns it, painted pixels, bar-coloured pixels."""
    report: list[dict[str, Any]] = page.evaluate(
        """([r, g, b]) => [...document.querySelectorAll('canvas[id^="chart-"]')].map(canvas => {
          const chart = Chart.getChart(canvas);
          const data = canvas.getContext('2d')
            .getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0, bars = 0;
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3] === 0) { continue; }
            painted++;
            if (Math.abs(data[i] - r) < 8 && Math.abs(data[i + 1] - g) < 8
                && Math.abs(data[i + 2] - b) < 8) { bars++; }
          }
          return {id: canvas.id, chart: !!chart, width: canvas.width, height: canvas.height,
                  painted, bars};
        })""",
        list(BAR_RGB),
    )
    return report
