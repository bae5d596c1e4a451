"""What the tests read out of Camino's HTML pages (web chat and dashboard alike)."""

from __future__ import annotations

import re


def csrf_of(html: str) -> str:
    """The CSRF token of the page's form."""
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "no csrf field on the page"
    return found.group(1)
