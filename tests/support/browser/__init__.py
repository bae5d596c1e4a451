"""Helpers for the browser tests: Chromium through Playwright, and a person using /chat."""
